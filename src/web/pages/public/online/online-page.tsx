import { api } from '../../../app/api.js';
import { useI18n } from '../../../app/i18n.js';
import { LightPage, Notice } from '../../../light/ui.js';
import { useLoad } from '../../../light/use-async.js';
import type { LinkInfo } from './code-step.js';
import { SignPage } from './sign-page.js';

/** Which page a path opens: `/online/sign/<token>` (and the others as they come). */
function route(pathname: string): { kind: 'sign'; token: string } | null {
  const sign = pathname.match(/^\/online\/sign\/([^/]+)\/?$/);
  if (sign) return { kind: 'sign', token: sign[1]! };
  return null;
}

/**
 * The phone's pages of online mediation (a light entry: no staff app): what a one-time link opens. The link is read
 * first; a bad or expired one says so and nothing else.
 */
export function OnlinePage() {
  const { t } = useI18n();
  const r = route(window.location.pathname);
  const info = useLoad(r ? () => api<LinkInfo>(`/api/public/online/links/${r.token}`) : null, [r?.token]);
  if (!r || info.error)
    return (
      <LightPage title={t('online.signTitle')}>
        <Notice kind="warning" data-testid="link-invalid">
          {info.error?.message ?? t('online.invalid')}
        </Notice>
      </LightPage>
    );
  if (info.isLoading || !info.data)
    return (
      <LightPage title={t('online.signTitle')}>
        <p className="fq-muted">{t('common.loading')}</p>
      </LightPage>
    );
  return <SignPage token={r.token} info={info.data} />;
}

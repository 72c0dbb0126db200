import { useI18n } from '../../../app/i18n.js';
import { LightPage, Notice } from '../../../light/ui.js';
import { useLoad } from '../../../light/use-async.js';
import { DeliverPage } from './deliver-page.js';
import { HostPage } from './host-page.js';
import { JoinPage } from './join-page.js';
import { readOnlineLink } from './service.js';
import { SignPage } from './sign-page.js';

type Route =
  | { kind: 'sign'; token: string }
  | { kind: 'deliver'; token: string }
  | { kind: 'join'; sessionId: string; token: string }
  | { kind: 'host'; caseId: string; sessionId: string }
  | null;

/** Which page a path opens (shared/web-entries.ts sends every `/online/…` path here). */
function route(pathname: string): Route {
  let m = pathname.match(/^\/online\/(sign|deliver)\/([^/]+)\/?$/);
  if (m) return { kind: m[1] as 'sign' | 'deliver', token: m[2]! };
  m = pathname.match(/^\/online\/join\/([0-9a-f-]{36})\/([^/]+)\/?$/);
  if (m) return { kind: 'join', sessionId: m[1]!, token: m[2]! };
  m = pathname.match(/^\/online\/host\/([0-9a-f-]{36})\/([0-9a-f-]{36})\/?$/);
  if (m) return { kind: 'host', caseId: m[1]!, sessionId: m[2]! };
  return null;
}

/**
 * The pages of online mediation (a light entry: no staff app): what a party's one-time link opens, and the
 * mediator's video room. A bad or expired link says so and nothing else.
 */
export function OnlinePage() {
  const { t } = useI18n();
  const r = route(window.location.pathname);
  const token = r && 'token' in r ? r.token : null;
  // A party back in a room they joined (reload) needs no link any more: its seat is kept in the tab.
  const rejoining = r?.kind === 'join' && !!sessionStorage.getItem(`fq.online.${r.sessionId}`);
  const info = useLoad(token && !rejoining ? () => readOnlineLink(token) : null, [token]);
  const title =
    r?.kind === 'join'
      ? t('online.joinTitle')
      : r?.kind === 'host'
        ? t('online.hostTitle')
        : r?.kind === 'deliver'
          ? t('online.deliverTitle')
          : t('online.signTitle');
  if (r?.kind === 'host') return <HostPage caseId={r.caseId} sessionId={r.sessionId} />;
  if (r?.kind === 'join' && rejoining) return <JoinPage sessionId={r.sessionId} token={r.token} info={null} />;
  if (!r || info.error)
    return (
      <LightPage title={title}>
        <Notice kind="warning" data-testid="link-invalid">
          {info.error?.message ?? t('online.invalid')}
        </Notice>
      </LightPage>
    );
  if (info.isLoading || !info.data)
    return (
      <LightPage title={title}>
        <p className="fq-muted">{t('common.loading')}</p>
      </LightPage>
    );
  if (r.kind === 'join') return <JoinPage sessionId={r.sessionId} token={r.token} info={info.data} />;
  if (r.kind === 'deliver') return <DeliverPage token={r.token} info={info.data} />;
  return <SignPage token={r.token} info={info.data} />;
}

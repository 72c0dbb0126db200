import { useState } from 'react';
import { useI18n } from '../../../app/i18n.js';
import { Button, Choices, LightPage, Notice } from '../../../light/ui.js';
import { useAction, useLoad } from '../../../light/use-async.js';
import { readKiosk, submitKiosk } from './service.js';

/**
 * 心理自评 on the service room's tablet (or the person's phone), by a one-time link: the scale in plain Chinese, large
 * touch targets, no name and no score shown. A crisis answer shows where help is, at once.
 */
export function KioskPage() {
  const { t } = useI18n();
  const token = window.location.pathname.match(/^\/kiosk\/([^/]+)/)?.[1] ?? '';
  const [answers, setAnswers] = useState<Record<number, number>>({});
  const kiosk = useLoad(() => readKiosk(token), [token]);
  const submit = useAction((list: number[]) => submitKiosk(token, { answers: list }));
  const wrap = (children: React.ReactNode) => (
    <LightPage title={t('kiosk.title')} wide>
      <div style={{ fontSize: 18 }} data-testid="kiosk">
        {children}
      </div>
    </LightPage>
  );
  if (kiosk.isLoading) return wrap(<p className="fq-muted">{t('common.loading')}</p>);
  if (kiosk.error || !kiosk.data) return wrap(<Notice kind="warning">{t('kiosk.invalid')}</Notice>);
  if (submit.data)
    return wrap(
      <>
        <Notice kind="success">{t('kiosk.thanks')}</Notice>
        {submit.data.needsHelpNow && (
          <div className="fq-notice fq-notice--warning" role="alert" style={{ fontSize: 20 }} data-testid="kiosk-help">
            {t('kiosk.help')}
          </div>
        )}
      </>,
    );
  const scale = kiosk.data.scale;
  const left = scale.items.filter((i) => answers[i.no] === undefined).length;
  return wrap(
    <>
      <p style={{ fontSize: 20 }}>{scale.instructions}</p>
      {scale.items.map((item) => (
        <div key={item.no} className="fq-card" data-testid={`kiosk-item-${item.no}`}>
          <Choices
            large
            legend={<span style={{ fontSize: 20 }}>{`${item.no}. ${item.text}`}</span>}
            name={`item-${item.no}`}
            value={answers[item.no]}
            onChange={(v) => setAnswers((a) => ({ ...a, [item.no]: v }))}
            options={scale.options.map((o) => ({ value: o.value, label: o.label }))}
          />
        </div>
      ))}
      {submit.error && <Notice kind="error">{submit.error.message}</Notice>}
      <Button
        kind="primary"
        block
        disabled={left > 0}
        busy={submit.isPending}
        onClick={() => void submit.run(scale.items.map((i) => answers[i.no]!))}
        style={{ height: 56, fontSize: 22 }}
        data-testid="kiosk-submit"
      >
        {left > 0 ? t('kiosk.unanswered', { n: left }) : t('kiosk.submit')}
      </Button>
    </>,
  );
}

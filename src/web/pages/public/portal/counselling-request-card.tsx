import { useState, type FormEvent } from 'react';
import { useI18n } from '../../../app/i18n.js';
import { Button, Field, Notice, useFieldProps } from '../../../light/ui.js';
import { useAction } from '../../../light/use-async.js';
import { requestCounsellingOnPortal } from './service.js';

function Input({ value, onChange, multiline }: { value: string; onChange: (v: string) => void; multiline?: boolean }) {
  const field = useFieldProps();
  return multiline ? (
    <textarea className="fq-textarea" rows={3} maxLength={500} value={value} onChange={(e) => onChange(e.target.value)} {...field} />
  ) : (
    <input className="fq-input" maxLength={50} value={value} onChange={(e) => onChange(e.target.value)} {...field} />
  );
}

/** 申请心理咨询 for a verified phone: a counsellor calls back; what is written reaches counsellors only. */
export function CounsellingRequestCard({ ticket }: { ticket: string }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [reason, setReason] = useState('');
  const [checked, setChecked] = useState<{ name?: string; reason?: string }>({});
  const send = useAction((v: { name: string; reason: string }) => requestCounsellingOnPortal(v, ticket));
  const handleSubmit = (e: FormEvent) => {
    e.preventDefault();
    const bad = {
      name: name.trim() ? undefined : t('portal.counselling.name'),
      reason: reason.trim().length >= 2 ? undefined : t('portal.counselling.reason'),
    };
    setChecked(bad);
    if (!bad.name && !bad.reason) void send.run({ name: name.trim(), reason: reason.trim() });
  };
  return (
    <details className="fq-card">
      <summary style={{ cursor: 'pointer', fontWeight: 600 }}>{t('portal.counselling.title')}</summary>
      {send.data ? (
        <Notice kind="success" data-testid="portal-counselling-received">
          {t('portal.counselling.received')} {t('kiosk.help')}
        </Notice>
      ) : (
        <form onSubmit={handleSubmit} noValidate style={{ marginTop: 12 }}>
          <p className="fq-muted">{t('portal.counselling.intro')}</p>
          <Field label={t('portal.counselling.name')} error={checked.name}>
            <Input value={name} onChange={setName} />
          </Field>
          <Field label={t('portal.counselling.reason')} error={checked.reason}>
            <Input value={reason} onChange={setReason} multiline />
          </Field>
          {send.error && <Notice kind="error">{send.error.message}</Notice>}
          <Button type="submit" busy={send.isPending}>
            {t('portal.counselling.send')}
          </Button>
        </form>
      )}
    </details>
  );
}

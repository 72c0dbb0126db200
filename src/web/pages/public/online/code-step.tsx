import { useState, type FormEvent } from 'react';
import { useI18n } from '../../../app/i18n.js';
import { Button, Field, Notice, useFieldProps } from '../../../light/ui.js';
import { useAction } from '../../../light/use-async.js';
import { sendOnlineLinkCode, type LinkInfo } from './service.js';

function CodeInput({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  const props = useFieldProps();
  return (
    <input
      {...props}
      className="fq-input"
      inputMode="numeric"
      autoComplete="one-time-code"
      maxLength={6}
      value={value}
      onChange={(e) => onChange(e.target.value.replace(/\D/g, ''))}
    />
  );
}

/**
 * The SMS code to the phone on the case (the link says whose it is; the code proves the phone is in that person's
 * hand). `onCode` does what the code is for: open the agreement, or join the session.
 */
export function CodeStep({
  token,
  info,
  submitLabel,
  onCode,
  children,
}: {
  token: string;
  info: LinkInfo;
  submitLabel?: string;
  onCode: (verificationId: string, code: string) => Promise<unknown>;
  children?: React.ReactNode;
}) {
  const { t } = useI18n();
  const [code, setCode] = useState('');
  const [bad, setBad] = useState<string | undefined>();
  const send = useAction(() => sendOnlineLinkCode(token));
  const confirm = useAction((id: string, c: string) => onCode(id, c));
  const handleSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!send.data) return void send.run();
    const problem = /^\d{6}$/.test(code) ? undefined : t('online.codeInvalid');
    setBad(problem);
    if (!problem) await confirm.run(send.data.verificationId, code);
  };
  const error = send.error ?? confirm.error;
  return (
    <form className="fq-card" onSubmit={handleSubmit} noValidate data-testid="code-step">
      <p className="fq-muted">{t('online.caseCode', { code: info.caseCode })}</p>
      {children}
      <p>{t('online.codeTo', { phone: info.maskedPhone })}</p>
      <Button block busy={send.isPending} onClick={() => void send.run()}>
        {send.data ? t('online.resend') : t('online.sendCode')}
      </Button>
      {send.data && (
        <>
          {send.data.demoCode && <Notice kind="info">{t('online.demoCode', { code: send.data.demoCode })}</Notice>}
          <div style={{ marginTop: 12 }}>
            <Field label={t('online.code')} error={bad}>
              <CodeInput value={code} onChange={setCode} />
            </Field>
          </div>
          <Button type="submit" kind="primary" block busy={confirm.isPending}>
            {submitLabel ?? t('online.verify')}
          </Button>
        </>
      )}
      {error && <Notice kind="error">{error.message}</Notice>}
    </form>
  );
}

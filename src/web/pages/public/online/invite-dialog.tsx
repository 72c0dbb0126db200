import { useRef, useState } from 'react';
import { inviteToOnlineSessionBodySchema, ONLINE_INVITEE_ROLES, type OnlineInviteeRole } from '../../../../shared/schemas/online.js';
import { mobileSchema } from '../../../../shared/schemas/text.js';
import { useI18n } from '../../../app/i18n.js';
import { Button, Choices, Field, Notice, useFieldProps } from '../../../light/ui.js';
import { useAction, useLoad } from '../../../light/use-async.js';
import { inviteToOnlineSession, listOnlineInvitees } from './service.js';

function TextInput(props: { value: string; onChange: (v: string) => void; inputMode?: 'tel' | 'text'; autoComplete?: string }) {
  const field = useFieldProps();
  return (
    <input
      {...field}
      className="fq-input"
      type={props.inputMode === 'tel' ? 'tel' : 'text'}
      inputMode={props.inputMode}
      autoComplete={props.autoComplete ?? 'off'}
      value={props.value}
      onChange={(e) => props.onChange(e.target.value)}
    />
  );
}

/**
 * 邀请翻译/律师 on the mediator's room page: who is invited (phones masked, as the server gives them), how many places
 * are left, and a dialog to invite one more by name, role and mobile — checked with the server's own schemas
 * (shared/schemas/online.ts), then confirmed before the SMS goes out.
 */
export function InvitePanel({ caseId, sessionId }: { caseId: string; sessionId: string }) {
  const { t } = useI18n();
  const list = useLoad(() => listOnlineInvitees(caseId, sessionId), [caseId, sessionId]);
  const dialog = useRef<HTMLDialogElement>(null);
  const [form, setForm] = useState<{ name: string; role: OnlineInviteeRole; phone: string }>({ name: '', role: 'interpreter', phone: '' });
  const [errors, setErrors] = useState<{ name?: string; phone?: string }>({});
  const [confirming, setConfirming] = useState(false);
  const [sent, setSent] = useState<string | null>(null);
  const send = useAction(() => inviteToOnlineSession(caseId, sessionId, inviteToOnlineSessionBodySchema.parse(form)));
  const roleLabel = (r: OnlineInviteeRole) => t(`onlineRole.${r}`);

  const open = () => {
    setForm({ name: '', role: 'interpreter', phone: '' });
    setErrors({});
    setConfirming(false);
    send.reset();
    dialog.current?.showModal();
  };
  const close = () => dialog.current?.close();
  const check = () => {
    const next = {
      name: form.name.trim() ? undefined : t('online.invite.nameRequired'),
      phone: mobileSchema.safeParse(form.phone).success ? undefined : t('online.invite.mobileInvalid'),
    };
    setErrors(next);
    if (!next.name && !next.phone) setConfirming(true);
  };
  const submit = async () => {
    const r = await send.run();
    if (!r.ok) return setConfirming(false);
    setSent(r.data.name);
    close();
    await list.reload();
  };

  const data = list.data;
  const full = !!data && data.places === 0;
  return (
    <section data-testid="invitees" aria-labelledby="invitees-title">
      <h3 id="invitees-title">{t('online.invite.listTitle')}</h3>
      {list.error && <Notice kind="error">{list.error.message}</Notice>}
      {sent && <Notice kind="success">{t('online.invite.sent', { name: sent })}</Notice>}
      {data && data.invitees.length === 0 && <p className="fq-muted">{t('online.invite.empty')}</p>}
      {data && data.invitees.length > 0 && (
        <ul>
          {data.invitees.map((i) => (
            <li key={i.id}>
              {i.name}（{roleLabel(i.role)}）{i.maskedPhone} · {i.joined ? t('online.invite.joined') : t('online.invite.notJoined')}
            </li>
          ))}
        </ul>
      )}
      {data && (
        <p className="fq-muted">{full ? t('online.invite.full', { max: data.max }) : t('online.invite.places', { places: data.places })}</p>
      )}
      <Button size="small" onClick={open} disabled={!data || full} data-testid="invite-open">
        {t('online.invite.open')}
      </Button>
      <dialog ref={dialog} aria-labelledby="invite-title" className="fq-dialog" onClose={() => setConfirming(false)}>
        <h3 id="invite-title">{t('online.invite.title')}</h3>
        <p className="fq-hint">{t('online.invite.hint')}</p>
        {send.error && <Notice kind="error">{send.error.message}</Notice>}
        {confirming ? (
          <>
            <p role="status">
              {t('online.invite.confirm', { name: form.name.trim(), role: roleLabel(form.role), phone: mobileSchema.parse(form.phone) })}
            </p>
            <Button kind="primary" busy={send.isPending} onClick={() => void submit()} data-testid="invite-submit">
              {t('online.invite.submit')}
            </Button>{' '}
            <Button onClick={() => setConfirming(false)}>{t('online.invite.back')}</Button>
          </>
        ) : (
          <form
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              check();
            }}
          >
            <Field label={t('online.invite.name')} error={errors.name}>
              <TextInput value={form.name} onChange={(name) => setForm({ ...form, name })} autoComplete="name" />
            </Field>
            <Choices
              legend={t('online.invite.role')}
              name="invitee-role"
              value={form.role}
              options={ONLINE_INVITEE_ROLES.map((r) => ({ value: r, label: roleLabel(r) }))}
              onChange={(role) => setForm({ ...form, role })}
            />
            <Field label={t('online.invite.phone')} error={errors.phone}>
              <TextInput value={form.phone} onChange={(phone) => setForm({ ...form, phone })} inputMode="tel" autoComplete="tel" />
            </Field>
            <button type="submit" className="fq-button fq-button--primary">
              {t('online.invite.submit')}
            </button>{' '}
            <Button onClick={close}>{t('online.invite.cancel')}</Button>
          </form>
        )}
      </dialog>
    </section>
  );
}

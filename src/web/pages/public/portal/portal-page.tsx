import { useMemo, useState, type FormEvent } from 'react';
import { CATEGORIES, type Category } from '../../../../shared/enums.js';
import { isValidMobile, normalizePhone } from '../../../../shared/identifiers.js';
import { ATTACHMENT_LIMITS } from '../../../../shared/limits.js';
import type { PortalReportBody } from '../../../../shared/schemas/portal.js';
import { ApiError, newIdempotencyKey } from '../../../app/api.js';
import { useI18n } from '../../../app/i18n.js';
import { getPublicReceipt } from '../../../app/services/public.js';
import { Receipt } from '../../../components/receipt/receipt.js';
import { Button, Choices, Field, LightPage, Notice, Steps, useFieldProps } from '../../../light/ui.js';
import { useAction, useLoad } from '../../../light/use-async.js';
import { CounsellingRequestCard } from './counselling-request-card.js';
import {
  addPortalPhoto,
  confirmPhoneVerification,
  filePortalReport,
  listPublicPlaces,
  startPhoneVerification,
  type FiledReport as Filed,
  type PhoneVerification as Verified,
} from './service.js';

const TICKET_KEY = 'fq.portal.ticket';
const MAX_PHOTOS = 6;

function loadTicket(): Verified | null {
  try {
    const v = JSON.parse(sessionStorage.getItem(TICKET_KEY) ?? 'null') as Verified | null;
    return v && new Date(v.expiresAt) > new Date() ? v : null;
  } catch {
    return null;
  }
}

/**
 * 群众自助申请: the resident's page on a phone, no account. Verify the phone by SMS, tell what happened, add photos,
 * and take away the receipt with the tracking code. A light page of its own (plain controls, no staff app), served
 * by the platform itself: no map, font or script from outside.
 */
export function PortalPage() {
  const { t } = useI18n();
  const [verified, setVerified] = useState<Verified | null>(loadTicket);
  const [filed, setFiled] = useState<Filed | null>(null);
  const step = filed ? 2 : verified ? 1 : 0;

  return (
    <LightPage
      title={t('portal.title')}
      footer={
        <>
          <a className="fq-link" href="/progress">
            {t('portal.checkProgress')}
          </a>
          <a className="fq-link" href="/login">
            {t('login.title')}
          </a>
        </>
      }
    >
      <p className="fq-muted">{t('portal.intro')}</p>
      <Steps current={step} items={[t('portal.step.phone'), t('portal.step.report'), t('portal.step.done')]} />
      {step === 0 && (
        <PhoneStep
          onVerified={(v) => {
            sessionStorage.setItem(TICKET_KEY, JSON.stringify(v));
            setVerified(v);
          }}
        />
      )}
      {step === 1 && verified && (
        <>
          <ReportStep
            verified={verified}
            onExpired={() => {
              sessionStorage.removeItem(TICKET_KEY);
              setVerified(null);
            }}
            onFiled={setFiled}
          />
          <CounsellingRequestCard ticket={verified.ticket} />
        </>
      )}
      {step === 2 && filed && <DoneStep filed={filed} onAnother={() => setFiled(null)} />}
    </LightPage>
  );
}

function PhoneInput(props: { value: string; onChange: (v: string) => void }) {
  return (
    <input
      className="fq-input"
      type="tel"
      inputMode="tel"
      autoComplete="tel"
      maxLength={13}
      placeholder="13800000000"
      value={props.value}
      onChange={(e) => props.onChange(e.target.value)}
      {...useFieldProps()}
    />
  );
}

function CodeInput(props: { value: string; onChange: (v: string) => void }) {
  return (
    <input
      className="fq-input"
      inputMode="numeric"
      autoComplete="one-time-code"
      maxLength={6}
      value={props.value}
      onChange={(e) => props.onChange(e.target.value)}
      {...useFieldProps()}
    />
  );
}

function PhoneStep({ onVerified }: { onVerified: (v: Verified) => void }) {
  const { t } = useI18n();
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [checked, setChecked] = useState<{ phone?: string; code?: string }>({});
  const send = useAction((p: string) => startPhoneVerification(p));
  const confirm = useAction((id: string, c: string) => confirmPhoneVerification(id, c));
  const sent = send.data;
  const error = send.error ?? confirm.error;

  const handleSend = async () => {
    const bad = !isValidMobile(phone) ? t('portal.phoneInvalid') : undefined;
    setChecked({ phone: bad });
    if (!bad) await send.run(normalizePhone(phone));
  };
  const handleConfirm = async (e: FormEvent) => {
    e.preventDefault();
    if (!sent) return handleSend();
    const bad = /^\d{6}$/.test(code) ? undefined : t('portal.codeInvalid');
    setChecked((c) => ({ ...c, code: bad }));
    if (bad) return;
    const r = await confirm.run(sent.verificationId, code);
    if (r.ok) onVerified(r.data);
  };
  return (
    <form className="fq-card" onSubmit={handleConfirm} noValidate>
      <Field label={t('portal.phone')} error={checked.phone}>
        <PhoneInput value={phone} onChange={setPhone} />
      </Field>
      <Button block busy={send.isPending} onClick={() => void handleSend()}>
        {sent ? t('portal.resend') : t('portal.sendCode')}
      </Button>
      {sent && (
        <>
          {sent.demoCode && (
            <Notice kind="info" data-testid="demo-code">
              {t('portal.demoCode', { code: sent.demoCode })}
            </Notice>
          )}
          <div style={{ marginTop: 12 }}>
            <Field label={t('portal.code')} error={checked.code}>
              <CodeInput value={code} onChange={setCode} />
            </Field>
          </div>
          <Button type="submit" kind="primary" block busy={confirm.isPending}>
            {t('portal.verify')}
          </Button>
        </>
      )}
      {error && <Notice kind="error">{error.message}</Notice>}
      <p className="fq-muted fq-small" style={{ marginBottom: 0 }}>
        {t('portal.privacy')}
      </p>
    </form>
  );
}

interface ReportValues {
  kind: 'dispute' | 'help';
  category: Category | '';
  narrative: string;
  street: string;
  community: string;
  address: string;
  respondent: string;
  peopleInvolved: string;
  name: string;
  website: string;
}

const EMPTY: ReportValues = {
  kind: 'dispute',
  category: '',
  narrative: '',
  street: '',
  community: '',
  address: '',
  respondent: '',
  peopleInvolved: '1',
  name: '',
  website: '',
};

function ReportStep({ verified, onFiled, onExpired }: { verified: Verified; onFiled: (f: Filed) => void; onExpired: () => void }) {
  const { t, label } = useI18n();
  const [v, setV] = useState<ReportValues>(EMPTY);
  const [errors, setErrors] = useState<Partial<Record<keyof ReportValues | 'photos', string>>>({});
  const [photos, setPhotos] = useState<File[]>([]);
  const [photoWarning, setPhotoWarning] = useState<string>();
  // One key per submission, kept across retries: a double tap or a retry after a lost answer is one case.
  const [key] = useState(newIdempotencyKey);
  const places = useLoad(() => listPublicPlaces(), []);
  const streets = useMemo(() => (places.data ?? []).filter((p) => p.kind === 'street'), [places.data]);
  const communities = useMemo(() => (places.data ?? []).filter((p) => p.parentCode === v.street), [places.data, v.street]);
  const set =
    <K extends keyof ReportValues>(k: K) =>
    (value: ReportValues[K]) =>
      setV((s) => ({ ...s, [k]: value }));

  const submit = useAction(async (values: ReportValues) => {
    const body: PortalReportBody = {
      kind: values.kind,
      category: values.category as Category,
      name: values.name.trim(),
      narrative: values.narrative.trim(),
      peopleInvolved: Math.max(1, Number(values.peopleInvolved) || 1),
      place: { address: values.address.trim(), unitCode: values.community || values.street },
      ...(values.respondent.trim() ? { respondent: values.respondent.trim() } : {}),
      ...(values.website ? { website: values.website } : {}),
    };
    try {
      const filed = await filePortalReport(body, verified.ticket, key);
      let failed = 0;
      for (const p of photos) {
        const data = new FormData();
        data.append('file', p, p.name);
        await addPortalPhoto(filed.trackingToken, verified.ticket, data).catch(() => failed++);
      }
      if (failed) setPhotoWarning(t('portal.photosFailed', { count: failed }));
      return filed;
    } catch (err) {
      if (err instanceof ApiError && err.code === 'PORTAL_TICKET_INVALID') onExpired();
      throw err;
    }
  });

  const handleSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const required = t('common.required');
    const found: typeof errors = {
      category: v.category ? undefined : required,
      narrative: v.narrative.trim().length >= 10 ? undefined : t('portal.narrativeShort'),
      street: v.street ? undefined : required,
      address: v.address.trim() ? undefined : required,
      name: v.name.trim() ? undefined : required,
    };
    setErrors(found);
    const first = (Object.keys(found) as (keyof typeof found)[]).find((k) => found[k]);
    if (first) {
      // The first field to fix gets the focus, so a screen reader reads its error and a phone scrolls to it.
      e.currentTarget.querySelector<HTMLElement>(`[name="${first}"]`)?.focus();
      return;
    }
    const r = await submit.run(v);
    if (r.ok) onFiled(r.data);
  };

  const handlePhotos = (files: FileList | null) => {
    const list = [...(files ?? [])];
    const tooLarge = list.some((f) => f.size > ATTACHMENT_LIMITS.photo.maxBytes);
    setErrors((s) => ({ ...s, photos: tooLarge ? t('portal.photoTooLarge') : undefined }));
    setPhotos(list.filter((f) => f.size <= ATTACHMENT_LIMITS.photo.maxBytes).slice(0, MAX_PHOTOS));
  };

  return (
    <form className="fq-card" onSubmit={handleSubmit} noValidate aria-labelledby="portal-report-title">
      <h2 id="portal-report-title">{t('portal.verifiedAs', { phone: verified.maskedPhone })}</h2>
      <fieldset disabled={submit.isPending} style={{ border: 0, margin: 0, padding: 0, minWidth: 0 }}>
        <Choices
          legend={t('portal.kind')}
          name="kind"
          value={v.kind}
          onChange={set('kind')}
          options={[
            { value: 'dispute', label: t('portal.kind.dispute') },
            { value: 'help', label: t('portal.kind.help') },
          ]}
        />
        <Field label={t('case.category')} error={errors.category}>
          <Select
            name="category"
            value={v.category}
            onChange={set('category') as (x: string) => void}
            placeholder={t('portal.categoryPlaceholder')}
            options={CATEGORIES.map((c) => ({ value: c, label: label('category', c) }))}
          />
        </Field>
        <Field label={t('portal.narrative')} error={errors.narrative} hint={t('portal.narrativePlaceholder')}>
          <TextArea name="narrative" value={v.narrative} onChange={set('narrative')} rows={5} maxLength={5000} />
        </Field>
        <Field label={t('portal.street')} error={errors.street}>
          <Select
            name="street"
            value={v.street}
            onChange={(x) => setV((s) => ({ ...s, street: x, community: '' }))}
            placeholder={places.isLoading ? t('common.loading') : t('portal.placePlaceholder')}
            options={streets.map((s) => ({ value: s.code, label: s.name }))}
          />
        </Field>
        <Field label={t('portal.community')}>
          <Select
            name="community"
            value={v.community}
            onChange={set('community')}
            placeholder={t('portal.communityPlaceholder')}
            options={communities.map((c) => ({ value: c.code, label: c.name.replace(/(居民委员会|村民委员会)$/, '') }))}
          />
        </Field>
        <Field label={t('portal.address')} error={errors.address} hint={t('portal.addressPlaceholder')}>
          <TextInput name="address" value={v.address} onChange={set('address')} maxLength={200} />
        </Field>
        <Field label={t('portal.respondent')} hint={t('portal.respondentPlaceholder')}>
          <TextInput name="respondent" value={v.respondent} onChange={set('respondent')} maxLength={100} />
        </Field>
        <Field label={t('case.peopleInvolved')}>
          <TextInput name="peopleInvolved" value={v.peopleInvolved} onChange={set('peopleInvolved')} inputMode="numeric" maxLength={5} />
        </Field>
        <Field label={t('portal.name')} error={errors.name}>
          <TextInput name="name" value={v.name} onChange={set('name')} maxLength={50} autoComplete="name" />
        </Field>
        {/* Left empty by people (it is hidden from them); robots that fill every field are refused. */}
        <div aria-hidden="true" style={{ position: 'absolute', left: -10000, width: 1, height: 1, overflow: 'hidden' }}>
          <label>
            Website
            <input tabIndex={-1} autoComplete="off" name="website" value={v.website} onChange={(e) => set('website')(e.target.value)} />
          </label>
        </div>
        <Field
          label={t('portal.photos')}
          hint={photos.length ? t('portal.photosChosen', { count: photos.length }) : t('portal.photosHint')}
          error={errors.photos}
        >
          <PhotoInput onChange={handlePhotos} />
        </Field>
        {submit.error && <Notice kind="error">{submit.error.message}</Notice>}
        {photoWarning && <Notice kind="warning">{photoWarning}</Notice>}
        <Button type="submit" kind="primary" block busy={submit.isPending} style={{ fontSize: 18 }}>
          {t('portal.submit')}
        </Button>
      </fieldset>
    </form>
  );
}

function TextInput({
  onChange,
  ...rest
}: {
  name: string;
  value: string;
  onChange: (v: string) => void;
  maxLength?: number;
  inputMode?: 'numeric';
  autoComplete?: string;
}) {
  return <input className="fq-input" {...rest} onChange={(e) => onChange(e.target.value)} {...useFieldProps()} />;
}

function TextArea({ onChange, ...rest }: { name: string; value: string; onChange: (v: string) => void; rows: number; maxLength: number }) {
  return <textarea className="fq-textarea" {...rest} onChange={(e) => onChange(e.target.value)} {...useFieldProps()} />;
}

function Select({
  name,
  value,
  onChange,
  placeholder,
  options,
}: {
  name: string;
  value: string;
  onChange: (v: string) => void;
  placeholder: string;
  options: { value: string; label: string }[];
}) {
  return (
    <select className="fq-select" name={name} value={value} onChange={(e) => onChange(e.target.value)} {...useFieldProps()}>
      <option value="">{placeholder}</option>
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}

function PhotoInput({ onChange }: { onChange: (files: FileList | null) => void }) {
  return (
    <input
      className="fq-input"
      type="file"
      name="photos"
      accept={ATTACHMENT_LIMITS.photo.mimeTypes.join(',')}
      multiple
      onChange={(e) => onChange(e.target.files)}
      {...useFieldProps()}
    />
  );
}

function DoneStep({ filed, onAnother }: { filed: Filed; onAnother: () => void }) {
  const { t } = useI18n();
  const receipt = useLoad(() => getPublicReceipt(filed.trackingToken), [filed.trackingToken]);
  return (
    <div className="fq-card">
      <Notice kind="success">
        <strong>{t('portal.doneTitle')}</strong>
        <br />
        {t('portal.doneHint')}
      </Notice>
      {/* The codes stay on screen even if the receipt cannot be fetched (a dropped connection). */}
      <p className="fq-visually-hidden">
        <span data-testid="portal-code">{filed.code}</span> <span data-testid="portal-token">{filed.trackingToken}</span>
      </p>
      {receipt.data ? (
        <Receipt receipt={receipt.data} />
      ) : receipt.error ? (
        <FallbackCodes filed={filed} />
      ) : (
        <p className="fq-muted">{t('receipt.loading')}</p>
      )}
      <div className="fq-row" style={{ marginTop: 16 }}>
        <a className="fq-button fq-button--primary" href={`/progress/${filed.trackingToken}`}>
          {t('portal.checkProgress')}
        </a>
        <Button onClick={() => window.print()}>{t('portal.saveReceipt')}</Button>
        <Button onClick={onAnother}>{t('portal.another')}</Button>
      </div>
    </div>
  );
}

function FallbackCodes({ filed }: { filed: Filed }) {
  const { t } = useI18n();
  return (
    <dl className="fq-dl">
      <dt>{t('case.code')}</dt>
      <dd>{filed.code}</dd>
      <dt>{t('portal.token')}</dt>
      <dd style={{ fontSize: 24, fontWeight: 700, fontFamily: 'monospace' }}>{filed.trackingToken}</dd>
    </dl>
  );
}

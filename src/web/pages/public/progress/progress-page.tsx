import { useState, type FormEvent } from 'react';
import { SATISFACTIONS, type Satisfaction } from '../../../../shared/enums.js';
import { useI18n } from '../../../app/i18n.js';
import { shanghaiDateTime } from '../../../light/format.js';
import { Button, Choices, Field, LightPage, Notice, useFieldProps } from '../../../light/ui.js';
import { useAction, useLoad } from '../../../light/use-async.js';
import { getPublicProgress, rateCase } from './service.js';

/** The token in the address (`/progress/<token>`), if any. */
function tokenInPath(): string {
  return decodeURIComponent(window.location.pathname.match(/^\/progress\/([^/]+)/)?.[1] ?? '');
}

function TokenInput({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  return (
    <input
      className="fq-input"
      name="token"
      autoComplete="off"
      autoCapitalize="characters"
      spellCheck={false}
      maxLength={40}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      style={{ fontSize: 18 }}
      {...useFieldProps()}
    />
  );
}

/** The resident's page: type the tracking code from the receipt (or scan its QR code), see where the matter stands. No sign-in. */
export function ProgressPage() {
  const { t, label } = useI18n();
  const [token, setToken] = useState(tokenInPath);
  const [typed, setTyped] = useState(token);
  const query = useLoad(token ? () => getPublicProgress(token) : null, [token]);

  const handleSearch = (e: FormEvent) => {
    e.preventDefault();
    const v = typed.trim();
    if (!v) return;
    // The address carries the token, so the page can be bookmarked or reloaded.
    window.history.pushState(null, '', `/progress/${encodeURIComponent(v)}`);
    setToken(v);
  };

  return (
    <LightPage
      title={t('progress.title')}
      footer={
        <>
          <a className="fq-link" href="/portal">
            {t('portal.title')}
          </a>
          <a className="fq-link" href="/login">
            {t('login.title')}
          </a>
        </>
      }
    >
      <form className="fq-card" onSubmit={handleSearch} role="search">
        <Field label={t('progress.prompt')} hint={t('progress.privacy')}>
          <TokenInput value={typed} onChange={setTyped} />
        </Field>
        <Button type="submit" kind="primary" block busy={query.isLoading}>
          {t('progress.submit')}
        </Button>
      </form>
      {query.error && <Notice kind="error">{query.error.message}</Notice>}
      {query.data && (
        <section className="fq-card" data-testid="progress-result" aria-labelledby="progress-result-title">
          <h2 id="progress-result-title">{t('progress.resultTitle')}</h2>
          <dl className="fq-dl">
            <dt>{t('case.code')}</dt>
            <dd>{query.data.code}</dd>
            <dt>{t('case.status')}</dt>
            <dd>
              <span className="fq-tag">{label('status', query.data.status)}</span>
            </dd>
            <dt>{t('case.category')}</dt>
            <dd>
              {label('kind', query.data.kind)} · {label('category', query.data.category)}
            </dd>
            <dt>{t('progress.handlingUnit')}</dt>
            <dd>{query.data.handlingUnit ?? '—'}</dd>
            <dt>{t('progress.registeredAt')}</dt>
            <dd>{shanghaiDateTime(query.data.registeredAt)}</dd>
          </dl>
          <h3 style={{ fontSize: 16, margin: '16px 0 8px' }}>{t('progress.steps')}</h3>
          <ol className="fq-timeline">
            {query.data.steps.map((s, i) => (
              <li key={i}>
                <strong>{s.toStatus ? label('status', s.toStatus) : label('action', s.action)}</strong>
                <div className="fq-muted fq-small">{shanghaiDateTime(s.at)}</div>
              </li>
            ))}
          </ol>
          {query.data.canRate && <RatingForm token={token} onRated={() => void query.reload()} />}
          {query.data.satisfaction && (
            <Notice kind="success" data-testid="progress-rated">
              {t('progress.rated', { satisfaction: label('satisfaction', query.data.satisfaction) })}
            </Notice>
          )}
        </section>
      )}
    </LightPage>
  );
}

function CommentInput({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  return (
    <textarea
      className="fq-textarea"
      rows={2}
      maxLength={500}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      {...useFieldProps()}
    />
  );
}

/** 评价: once the case is concluded, the resident rates how it was handled (it is the case's follow-up). */
function RatingForm({ token, onRated }: { token: string; onRated: () => void }) {
  const { t, label } = useI18n();
  const [satisfaction, setSatisfaction] = useState<Satisfaction>();
  const [comment, setComment] = useState('');
  const [missing, setMissing] = useState(false);
  const rate = useAction((v: { satisfaction: Satisfaction; comment?: string }) => rateCase(token, v));
  const handleSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setMissing(!satisfaction);
    if (!satisfaction) return;
    if ((await rate.run({ satisfaction, ...(comment.trim() ? { comment: comment.trim() } : {}) })).ok) onRated();
  };
  return (
    <form className="fq-card" onSubmit={handleSubmit} data-testid="rating-form" aria-labelledby="rating-title" noValidate>
      <h3 id="rating-title" style={{ fontSize: 16, marginTop: 0 }}>
        {t('progress.rateTitle')}
      </h3>
      <Choices
        legend={t('progress.rateQuestion')}
        name="satisfaction"
        value={satisfaction}
        onChange={setSatisfaction}
        options={SATISFACTIONS.map((s) => ({ value: s, label: label('satisfaction', s) }))}
      />
      {missing && <Notice kind="error">{t('common.required')}</Notice>}
      <Field label={t('progress.rateComment')}>
        <CommentInput value={comment} onChange={setComment} />
      </Field>
      {rate.error && <Notice kind="error">{rate.error.message}</Notice>}
      <Button type="submit" kind="primary" busy={rate.isPending}>
        {t('progress.rateSubmit')}
      </Button>
    </form>
  );
}

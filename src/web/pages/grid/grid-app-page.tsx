import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { CATEGORIES, type Category } from '../../../shared/enums.js';
import type { Me } from '../../../shared/schemas/auth.js';
import type { CaseSummary } from '../../../shared/schemas/cases.js';
import { ApiError } from '../../app/api.js';
import { getSession } from '../../app/services/auth.js';
import { actOnCase, getCase, listCases, uploadAttachment } from '../../app/services/cases.js';
import { useI18n } from '../../app/i18n.js';
import { shanghaiDateTime } from '../../light/format.js';
import { Button, Choices, Field, LightPage, Notice, useFieldProps } from '../../light/ui.js';
import { useLoad } from '../../light/use-async.js';
import { enqueue, listQueue, removeItem, retryItem, syncQueue, type QueueItem } from './grid-queue.js';
import { listMyCheckins } from './service.js';

const ME_KEY = 'fq.grid.me';
const RETRY_MS = 5_000;

/** The signed-in worker, or the one last seen on this phone when there is no network to ask. */
function useGridWorker(): { me: Me | null; isLoading: boolean } {
  const session = useLoad(() => getSession(), []);
  const me = session.data?.me ?? null;
  useEffect(() => {
    if (me) localStorage.setItem(ME_KEY, JSON.stringify(me));
  }, [me]);
  if (me || session.isLoading) return { me, isLoading: session.isLoading };
  const cached = !navigator.onLine || session.error ? (JSON.parse(localStorage.getItem(ME_KEY) ?? 'null') as Me | null) : null;
  return { me: cached, isLoading: false };
}

function usePosition() {
  const [pos, setPos] = useState<{ lat: number; lng: number; accuracy: number } | null>(null);
  const [error, setError] = useState<string>();
  const locate = useCallback(() => {
    if (!('geolocation' in navigator)) return setError('no-geolocation');
    navigator.geolocation.getCurrentPosition(
      (p) => {
        setPos({
          lat: Number(p.coords.latitude.toFixed(6)),
          lng: Number(p.coords.longitude.toFixed(6)),
          accuracy: Math.round(p.coords.accuracy),
        });
        setError(undefined);
      },
      (e) => setError(e.message),
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  }, []);
  return { pos, error, locate };
}

/** A short confirmation that goes away by itself (announced politely to screen readers). */
function useFlash() {
  const [text, setText] = useState<{ kind: 'success' | 'error'; text: string }>();
  useEffect(() => {
    if (!text) return;
    const timer = setTimeout(() => setText(undefined), 4_000);
    return () => clearTimeout(timer);
  }, [text]);
  return { flash: text, show: (kind: 'success' | 'error', t: string) => setText({ kind, text: t }) };
}

type Tab = 'report' | 'checkin' | 'queue' | 'tasks';

/**
 * 网格通: the grid worker's phone app, installable and usable offline. Reports and check-ins go to a queue on the
 * phone and are sent in order when the network returns; the worker sees what is waiting, what went through and what
 * failed and why. Tasks dispatched to the worker can be settled on the spot (就地化解). A light page of its own.
 */
export function GridAppPage() {
  const { t } = useI18n();
  const { me, isLoading } = useGridWorker();
  const [items, setItems] = useState<QueueItem[]>([]);
  const [isOnline, setOnline] = useState(navigator.onLine);
  const [syncState, setSyncState] = useState<'idle' | 'syncing' | 'offline' | 'signed-out'>('idle');
  const [tab, setTab] = useState<Tab>('report');
  const { flash, show } = useFlash();

  const reload = useCallback(async () => setItems(await listQueue()), []);
  const sync = useCallback(async () => {
    if (!navigator.onLine) return setSyncState('offline');
    setSyncState('syncing');
    const result = await syncQueue(() => void reload());
    await reload();
    setSyncState(result === 'done' ? 'idle' : result);
  }, [reload]);

  useEffect(() => {
    void reload().then(sync);
    const online = () => {
      setOnline(true);
      void sync();
    };
    const offline = () => {
      setOnline(false);
      setSyncState('offline');
    };
    window.addEventListener('online', online);
    window.addEventListener('offline', offline);
    return () => {
      window.removeEventListener('online', online);
      window.removeEventListener('offline', offline);
    };
  }, [reload, sync]);

  // A send cut off mid-way (the connection dropped) is tried again shortly, while anything is waiting.
  const waiting = items.filter((i) => i.state === 'queued').length;
  useEffect(() => {
    if (!waiting || !isOnline || syncState === 'syncing' || syncState === 'signed-out') return;
    const timer = setTimeout(() => void sync(), RETRY_MS);
    return () => clearTimeout(timer);
  }, [waiting, isOnline, syncState, sync]);

  if (isLoading) return null;
  if (!me) {
    return (
      <LightPage title={t('grid.title')}>
        <Notice kind="info">{t('grid.signInFirst')}</Notice>
        <a className="fq-button fq-button--primary" href="/login?from=/grid">
          {t('login.submit')}
        </a>
      </LightPage>
    );
  }

  const failed = items.filter((i) => i.state === 'failed').length;
  const queued = async () => {
    await reload();
    void sync();
  };
  const tabs: { key: Tab; label: string; testId?: string }[] = [
    { key: 'report', label: t('grid.tab.report') },
    { key: 'checkin', label: t('grid.tab.checkin') },
    {
      key: 'queue',
      label: `${t('grid.tab.queue')}${waiting ? ` (${waiting})` : ''}${failed ? ` · ${t('grid.state.failed')} ${failed}` : ''}`,
      testId: 'queue-tab',
    },
    { key: 'tasks', label: t('grid.tab.tasks') },
  ];
  return (
    <LightPage
      title={t('grid.title')}
      footer={
        <a className="fq-link" href="/mine">
          {t('grid.fullSite')}
        </a>
      }
    >
      <div className="fq-row" style={{ justifyContent: 'space-between' }}>
        <span className="fq-muted fq-small">
          {me.displayName} · {me.unit.name}
        </span>
        <span className="fq-row">
          <span data-testid="network-state" data-online={isOnline} className="fq-small">
            <span aria-hidden="true" style={{ color: isOnline ? 'var(--fq-ok)' : 'var(--fq-error)' }}>
              ●{' '}
            </span>
            {isOnline ? t('grid.online') : t('grid.offline')}
          </span>
          <Button size="small" busy={syncState === 'syncing'} disabled={!isOnline} onClick={() => void sync()}>
            {t('grid.syncNow')}
          </Button>
        </span>
      </div>
      {syncState === 'signed-out' && (
        <Notice kind="warning">
          {t('grid.signedOut')}{' '}
          <a className="fq-link" href="/login?from=/grid">
            {t('login.submit')}
          </a>
        </Notice>
      )}
      {flash && <Notice kind={flash.kind}>{flash.text}</Notice>}
      <div role="tablist" className="fq-row" style={{ margin: '12px 0' }}>
        {tabs.map((x) => (
          <button
            key={x.key}
            type="button"
            role="tab"
            id={`grid-tab-${x.key}`}
            aria-selected={tab === x.key}
            aria-controls="grid-panel"
            className={tab === x.key ? 'fq-button fq-button--small fq-button--primary' : 'fq-button fq-button--small'}
            onClick={() => setTab(x.key)}
            data-testid={x.testId}
          >
            {x.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="grid-panel" aria-labelledby={`grid-tab-${tab}`}>
        {tab === 'report' && <ReportForm onQueued={queued} show={show} />}
        {tab === 'checkin' && <CheckinForm onQueued={queued} show={show} isOnline={isOnline} />}
        {tab === 'queue' && <QueueList items={items} onChange={reload} onSync={sync} />}
        {tab === 'tasks' && <Tasks isOnline={isOnline} show={show} />}
      </div>
    </LightPage>
  );
}

function TextInput({
  value,
  onChange,
  multiline,
  maxLength,
  placeholder,
}: {
  value: string;
  onChange: (v: string) => void;
  multiline?: boolean;
  maxLength: number;
  placeholder?: string;
}) {
  const field = useFieldProps();
  return multiline ? (
    <textarea
      className="fq-textarea"
      rows={3}
      maxLength={maxLength}
      value={value}
      placeholder={placeholder}
      onChange={(e) => onChange(e.target.value)}
      {...field}
    />
  ) : (
    <input
      className="fq-input"
      maxLength={maxLength}
      value={value}
      placeholder={placeholder}
      onChange={(e) => onChange(e.target.value)}
      {...field}
    />
  );
}

function CategorySelect({ value, onChange }: { value: Category; onChange: (v: Category) => void }) {
  const { label } = useI18n();
  return (
    <select className="fq-select" value={value} onChange={(e) => onChange(e.target.value as Category)} {...useFieldProps()}>
      {CATEGORIES.map((c) => (
        <option key={c} value={c}>
          {label('category', c)}
        </option>
      ))}
    </select>
  );
}

function PhotoInput({ onChange, multiple }: { onChange: (files: File[]) => void; multiple?: boolean }) {
  return (
    <input
      className="fq-input"
      type="file"
      accept="image/jpeg,image/png,image/webp"
      capture="environment"
      multiple={multiple}
      onChange={(e) => onChange([...(e.target.files ?? [])].slice(0, 6))}
      {...useFieldProps()}
    />
  );
}

interface ReportValues {
  kind: 'grid_event' | 'dispute';
  category: Category;
  summary: string;
  narrative: string;
  peopleInvolved: string;
  address: string;
  partyName: string;
}
const EMPTY_REPORT: ReportValues = {
  kind: 'grid_event',
  category: 'other',
  summary: '',
  narrative: '',
  peopleInvolved: '1',
  address: '',
  partyName: '',
};

function ReportForm({ onQueued, show }: { onQueued: () => void; show: (kind: 'success' | 'error', text: string) => void }) {
  const { t, label } = useI18n();
  const [v, setV] = useState<ReportValues>(EMPTY_REPORT);
  const [photos, setPhotos] = useState<File[]>([]);
  const [photoKey, setPhotoKey] = useState(0);
  const [errors, setErrors] = useState<Partial<Record<keyof ReportValues, string>>>({});
  const { pos, error, locate } = usePosition();
  useEffect(locate, [locate]);
  const set =
    <K extends keyof ReportValues>(k: K) =>
    (value: ReportValues[K]) =>
      setV((s) => ({ ...s, [k]: value }));

  const handleSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const required = t('common.required');
    const found = {
      summary: v.summary.trim() ? undefined : required,
      narrative: v.narrative.trim() ? undefined : required,
      address: v.address.trim() ? undefined : required,
    };
    setErrors(found);
    if (found.summary || found.narrative || found.address) return;
    await enqueue({
      type: 'report',
      body: {
        channel: 'grid',
        kind: v.kind,
        category: v.category,
        summary: v.summary.trim(),
        narrative: v.narrative.trim(),
        peopleInvolved: Math.max(1, Number(v.peopleInvolved) || 1),
        parties: v.partyName.trim() ? [{ role: 'applicant', type: 'person', name: v.partyName.trim() }] : [],
        place: { address: v.address.trim(), ...(pos ? { lat: pos.lat, lng: pos.lng } : {}) },
      },
      photos,
    });
    show('success', navigator.onLine ? t('grid.queuedOnline') : t('grid.queuedOffline'));
    setV(EMPTY_REPORT);
    setPhotos([]);
    setPhotoKey((k) => k + 1);
    onQueued();
  };

  return (
    <form className="fq-card" onSubmit={handleSubmit} noValidate data-testid="grid-report-form">
      <Choices
        legend={t('grid.kind')}
        name="kind"
        value={v.kind}
        onChange={set('kind')}
        options={[
          { value: 'grid_event', label: label('kind', 'grid_event') },
          { value: 'dispute', label: label('kind', 'dispute') },
        ]}
      />
      <Field label={t('case.category')}>
        <CategorySelect value={v.category} onChange={set('category')} />
      </Field>
      <Field label={t('case.summary')} error={errors.summary}>
        <TextInput value={v.summary} onChange={set('summary')} maxLength={200} />
      </Field>
      <Field label={t('grid.narrative')} error={errors.narrative}>
        <TextInput value={v.narrative} onChange={set('narrative')} maxLength={5000} multiline />
      </Field>
      <Field label={t('grid.address')} error={errors.address}>
        <TextInput value={v.address} onChange={set('address')} maxLength={200} />
      </Field>
      <div className="fq-field">
        <div style={{ fontWeight: 600 }}>{t('grid.position')}</div>
        <div className="fq-row">
          <span className={pos ? undefined : 'fq-muted'} data-testid="gps">
            {pos ? `${pos.lat}, ${pos.lng}（±${pos.accuracy}m）` : error ? t('grid.noPosition') : t('grid.locating')}
          </span>
          <Button size="small" onClick={locate}>
            {t('grid.locate')}
          </Button>
        </div>
      </div>
      <Field label={t('grid.partyName')}>
        <TextInput value={v.partyName} onChange={set('partyName')} maxLength={50} />
      </Field>
      <Field label={t('case.peopleInvolved')}>
        <TextInput value={v.peopleInvolved} onChange={set('peopleInvolved')} maxLength={5} />
      </Field>
      <Field label={t('grid.photos')} hint={photos.length ? t('grid.photoCount', { count: photos.length }) : undefined}>
        <PhotoInput key={photoKey} onChange={setPhotos} multiple />
      </Field>
      <Button type="submit" kind="primary" block style={{ fontSize: 18 }}>
        {t('grid.submitReport')}
      </Button>
    </form>
  );
}

function CheckinForm({
  onQueued,
  show,
  isOnline,
}: {
  onQueued: () => void;
  show: (kind: 'success' | 'error', text: string) => void;
  isOnline: boolean;
}) {
  const { t } = useI18n();
  const [note, setNote] = useState('');
  const { pos, error, locate } = usePosition();
  useEffect(locate, [locate]);
  const checkins = useLoad(isOnline ? () => listMyCheckins() : null, [isOnline]);
  const handle = async () => {
    await enqueue({
      type: 'checkin',
      body: {
        id: crypto.randomUUID(),
        at: new Date().toISOString(),
        ...(pos ? { lat: pos.lat, lng: pos.lng } : {}),
        ...(note.trim() ? { note: note.trim() } : {}),
      },
    });
    show('success', t('grid.checkedIn'));
    setNote('');
    onQueued();
  };
  return (
    <div className="fq-card">
      <p className={pos ? undefined : 'fq-muted'}>{pos ? `${pos.lat}, ${pos.lng}` : error ? t('grid.noPosition') : t('grid.locating')}</p>
      <Field label={t('grid.checkinNote')}>
        <TextInput value={note} onChange={setNote} maxLength={500} multiline />
      </Field>
      <Button kind="primary" block onClick={() => void handle()}>
        {t('grid.checkIn')}
      </Button>
      <h2 style={{ fontSize: 16, margin: '16px 0 8px' }}>{t('grid.recentCheckins')}</h2>
      {(checkins.data ?? []).length === 0 ? (
        <p className="fq-muted">{t('grid.noCheckins')}</p>
      ) : (
        <ul className="fq-timeline">
          {checkins.data!.map((c) => (
            <li key={c.id}>
              {shanghaiDateTime(c.at).slice(5)} {c.note}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function QueueList({ items, onChange, onSync }: { items: QueueItem[]; onChange: () => void; onSync: () => void }) {
  const { t } = useI18n();
  if (items.length === 0) return <p className="fq-muted">{t('grid.queueEmpty')}</p>;
  return (
    <ul className="fq-card" style={{ listStyle: 'none', paddingLeft: 16 }} data-testid="queue-list">
      {[...items].reverse().map((i) => (
        <li key={i.id} data-state={i.state} style={{ borderBottom: '1px solid var(--fq-line)', padding: '8px 0' }}>
          <div className="fq-row">
            <span className="fq-tag">{t(`grid.state.${i.state}`)}</span>
            <span>{i.type === 'report' ? i.body.summary : t('grid.checkinItem')}</span>
          </div>
          <div className="fq-muted fq-small">
            {shanghaiDateTime(i.createdAt).slice(5)}
            {i.type === 'report' && i.caseCode ? ` · ${i.caseCode}` : ''}
            {i.type === 'report' && i.photos.length ? ` · ${t('grid.photoCount', { count: i.photos.length })}` : ''}
          </div>
          {i.error && (
            <div className="fq-small" style={{ color: i.state === 'failed' ? 'var(--fq-error)' : 'var(--fq-warn)' }}>
              {i.error}
            </div>
          )}
          {i.state === 'failed' && (
            <div className="fq-row" style={{ marginTop: 4 }}>
              <Button size="small" onClick={async () => (await retryItem(i.id), onChange(), onSync())}>
                {t('grid.retry')}
              </Button>
              <Button size="small" onClick={async () => (await removeItem(i.id), onChange())}>
                {t('grid.remove')}
              </Button>
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}

/** Tasks dispatched to the worker's grid; simple ones can be settled on the spot with a note and a photo. */
function Tasks({ isOnline, show }: { isOnline: boolean; show: (kind: 'success' | 'error', text: string) => void }) {
  const { t, label } = useI18n();
  const tasks = useLoad(isOnline ? () => listCases('mine=true&status=dispatched&status=in_progress&pageSize=50') : null, [isOnline]);
  const [resolving, setResolving] = useState<string>();
  const [note, setNote] = useState('');
  const [photo, setPhoto] = useState<File[]>([]);
  if (!isOnline) return <Notice kind="info">{t('grid.tasksOffline')}</Notice>;
  const resolve = async (c: CaseSummary) => {
    try {
      const detail = await getCase(c.id);
      const attachmentIds: string[] = [];
      for (const p of photo) {
        const data = new FormData();
        data.append('file', p, p.name);
        attachmentIds.push((await uploadAttachment(c.id, { kind: 'photo' }, data)).id);
      }
      await actOnCase(c.id, {
        action: 'resolve_on_spot',
        expectedVersion: detail.version,
        note,
        ...(attachmentIds.length ? { attachmentIds } : {}),
      });
      show('success', t('grid.resolved'));
      setResolving(undefined);
      setNote('');
      setPhoto([]);
      await tasks.reload();
    } catch (err) {
      show('error', err instanceof ApiError ? err.message : String(err));
    }
  };
  if (tasks.isLoading) return <p className="fq-muted">{t('common.loading')}</p>;
  const list = tasks.data?.items ?? [];
  if (!list.length) return <p className="fq-muted">{t('grid.noTasks')}</p>;
  return (
    <ul className="fq-card" style={{ listStyle: 'none', paddingLeft: 16 }}>
      {list.map((c) => (
        <li key={c.id} style={{ borderBottom: '1px solid var(--fq-line)', padding: '8px 0' }}>
          <div className="fq-row" style={{ justifyContent: 'space-between' }}>
            <a className="fq-link" href={`/cases/${c.id}`}>
              {c.summary}
            </a>
            <span className="fq-tag">{label('status', c.status)}</span>
          </div>
          <div className="fq-muted fq-small">{c.code}</div>
          {resolving === c.id ? (
            <div style={{ marginTop: 8 }}>
              <Field label={t('grid.resolveNote')}>
                <TextInput value={note} onChange={setNote} maxLength={2000} multiline />
              </Field>
              <Field label={t('grid.takePhoto')}>
                <PhotoInput onChange={setPhoto} />
              </Field>
              <div className="fq-row">
                <Button kind="primary" size="small" disabled={!note.trim()} onClick={() => void resolve(c)}>
                  {t('grid.confirmResolve')}
                </Button>
                <Button size="small" onClick={() => setResolving(undefined)}>
                  {t('common.cancel')}
                </Button>
              </div>
            </div>
          ) : (
            <Button size="small" style={{ marginTop: 4 }} onClick={() => setResolving(c.id)}>
              {label('action', 'resolve_on_spot')}
            </Button>
          )}
        </li>
      ))}
    </ul>
  );
}

import { AimOutlined, CameraOutlined, CloudSyncOutlined, EnvironmentOutlined, ReloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, App, Badge, Button, Card, Empty, Form, Input, InputNumber, List, Radio, Select, Space, Tabs, Tag, Typography, Upload, type UploadFile } from 'antd';
import dayjs from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { CATEGORIES } from '../../../shared/enums.js';
import type { Me } from '../../../shared/schemas/auth.js';
import type { CaseDetail, CaseSummary } from '../../../shared/schemas/cases.js';
import { api, ApiError } from '../../app/api.js';
import { useI18n } from '../../app/i18n.js';
import { useSession } from '../../app/session.js';
import { enqueue, listQueue, removeItem, retryItem, syncQueue, type QueueItem } from './grid-queue.js';

const ME_KEY = 'fq.grid.me';
const RETRY_MS = 5_000;

/** The signed-in worker, or the one last seen on this phone when there is no network to ask. */
function useGridWorker(): { me: Me | null; isLoading: boolean } {
  const session = useSession();
  useEffect(() => {
    if (session.me) localStorage.setItem(ME_KEY, JSON.stringify(session.me));
  }, [session.me]);
  if (session.me || session.isLoading) return session;
  const cached = !navigator.onLine || session.isUnreachable ? (JSON.parse(localStorage.getItem(ME_KEY) ?? 'null') as Me | null) : null;
  return { me: cached, isLoading: false };
}

function usePosition() {
  const [pos, setPos] = useState<{ lat: number; lng: number; accuracy: number } | null>(null);
  const [error, setError] = useState<string>();
  const locate = useCallback(() => {
    if (!('geolocation' in navigator)) return setError('no-geolocation');
    navigator.geolocation.getCurrentPosition(
      (p) => {
        setPos({ lat: Number(p.coords.latitude.toFixed(6)), lng: Number(p.coords.longitude.toFixed(6)), accuracy: Math.round(p.coords.accuracy) });
        setError(undefined);
      },
      (e) => setError(e.message),
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  }, []);
  return { pos, error, locate };
}

/**
 * 网格通: the grid worker's phone app, installable and usable offline. Reports and check-ins go to a queue on the
 * phone and are sent in order when the network returns; the worker sees what is waiting, what went through and what
 * failed and why. Tasks dispatched to the worker can be settled on the spot (就地化解).
 */
export function GridAppPage() {
  const { t } = useI18n();
  const { me, isLoading } = useGridWorker();
  const navigate = useNavigate();
  const [items, setItems] = useState<QueueItem[]>([]);
  const [isOnline, setOnline] = useState(navigator.onLine);
  const [syncState, setSyncState] = useState<'idle' | 'syncing' | 'offline' | 'signed-out'>('idle');
  const [tab, setTab] = useState('report');

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
      <div style={{ maxWidth: 480, margin: '40px auto', padding: 16 }}>
        <Alert type="info" showIcon title={t('grid.signInFirst')} action={<Button onClick={() => navigate('/login', { state: { from: '/grid' } })}>{t('login.submit')}</Button>} />
      </div>
    );
  }

  const failed = items.filter((i) => i.state === 'failed').length;
  return (
    <div style={{ maxWidth: 560, margin: '0 auto', padding: 8 }}>
      <Space style={{ width: '100%', justifyContent: 'space-between', padding: '4px 4px 8px' }}>
        <div>
          <Typography.Text strong>{t('grid.title')}</Typography.Text>
          <br />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {me.displayName} · {me.unit.name}
          </Typography.Text>
        </div>
        <Space>
          <span data-testid="network-state" data-online={isOnline}>
            <Badge status={isOnline ? 'success' : 'error'} text={isOnline ? t('grid.online') : t('grid.offline')} />
          </span>
          <Button size="small" icon={<CloudSyncOutlined />} loading={syncState === 'syncing'} disabled={!isOnline} onClick={() => void sync()}>
            {t('grid.syncNow')}
          </Button>
        </Space>
      </Space>
      {syncState === 'signed-out' && (
        <Alert type="warning" showIcon title={t('grid.signedOut')} style={{ marginBottom: 8 }} action={<Button size="small" onClick={() => navigate('/login', { state: { from: '/grid' } })}>{t('login.submit')}</Button>} />
      )}
      <Tabs
        activeKey={tab}
        onChange={setTab}
        items={[
          { key: 'report', label: t('grid.tab.report'), children: <ReportForm onQueued={async () => (await reload(), void sync())} /> },
          { key: 'checkin', label: t('grid.tab.checkin'), children: <CheckinForm onQueued={async () => (await reload(), void sync())} /> },
          {
            key: 'queue',
            label: (
              <span data-testid="queue-tab">
                {t('grid.tab.queue')} <Badge count={waiting} size="small" /> {failed > 0 && <Badge count={failed} size="small" color="red" />}
              </span>
            ),
            children: <QueueList items={items} onChange={reload} onSync={sync} />,
          },
          { key: 'tasks', label: t('grid.tab.tasks'), children: <Tasks isOnline={isOnline} /> },
        ]}
      />
      <div style={{ textAlign: 'center', marginTop: 12 }}>
        <Link to="/mine">{t('grid.fullSite')}</Link>
      </div>
    </div>
  );
}

interface ReportValues {
  kind: 'grid_event' | 'dispute';
  category: (typeof CATEGORIES)[number];
  summary: string;
  narrative: string;
  peopleInvolved: number;
  address: string;
  partyName?: string;
}

function ReportForm({ onQueued }: { onQueued: () => void }) {
  const { t, label } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<ReportValues>();
  const [photos, setPhotos] = useState<UploadFile[]>([]);
  const { pos, error, locate } = usePosition();
  useEffect(locate, [locate]);

  const handleFinish = async (v: ReportValues) => {
    await enqueue({
      type: 'report',
      body: {
        channel: 'grid',
        kind: v.kind,
        category: v.category,
        summary: v.summary,
        narrative: v.narrative,
        peopleInvolved: v.peopleInvolved,
        parties: v.partyName ? [{ role: 'applicant', type: 'person', name: v.partyName }] : [],
        place: { address: v.address, ...(pos ? { lat: pos.lat, lng: pos.lng } : {}) },
      },
      photos: photos.map((p) => p.originFileObj as Blob).filter(Boolean),
    });
    message.success(navigator.onLine ? t('grid.queuedOnline') : t('grid.queuedOffline'));
    form.resetFields();
    setPhotos([]);
    onQueued();
  };

  return (
    <Form<ReportValues> form={form} layout="vertical" initialValues={{ kind: 'grid_event', category: 'other', peopleInvolved: 1 }} onFinish={handleFinish} data-testid="grid-report-form">
      <Form.Item name="kind" label={t('grid.kind')}>
        <Radio.Group optionType="button" options={[{ value: 'grid_event', label: label('kind', 'grid_event') }, { value: 'dispute', label: label('kind', 'dispute') }]} />
      </Form.Item>
      <Form.Item name="category" label={t('case.category')}>
        <Select options={CATEGORIES.map((c) => ({ value: c, label: label('category', c) }))} />
      </Form.Item>
      <Form.Item name="summary" label={t('case.summary')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
        <Input maxLength={200} />
      </Form.Item>
      <Form.Item name="narrative" label={t('grid.narrative')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
        <Input.TextArea rows={3} maxLength={5000} />
      </Form.Item>
      <Form.Item name="address" label={t('grid.address')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
        <Input maxLength={200} />
      </Form.Item>
      <Form.Item label={t('grid.position')}>
        <Space>
          <Typography.Text type={pos ? undefined : 'secondary'} data-testid="gps">
            <EnvironmentOutlined /> {pos ? `${pos.lat}, ${pos.lng}（±${pos.accuracy}m）` : error ? t('grid.noPosition') : t('grid.locating')}
          </Typography.Text>
          <Button size="small" icon={<AimOutlined />} onClick={locate}>
            {t('grid.locate')}
          </Button>
        </Space>
      </Form.Item>
      <Space.Compact style={{ width: '100%' }}>
        <Form.Item name="partyName" label={t('grid.partyName')} style={{ flex: 1 }}>
          <Input maxLength={50} />
        </Form.Item>
        <Form.Item name="peopleInvolved" label={t('case.peopleInvolved')}>
          <InputNumber min={1} max={10000} />
        </Form.Item>
      </Space.Compact>
      <Form.Item label={t('grid.photos')}>
        <Upload listType="picture" accept="image/jpeg,image/png,image/webp" capture="environment" multiple maxCount={6} fileList={photos} beforeUpload={() => false} onChange={({ fileList }) => setPhotos(fileList)}>
          <Button icon={<CameraOutlined />}>{t('grid.takePhoto')}</Button>
        </Upload>
      </Form.Item>
      <Button type="primary" htmlType="submit" block size="large">
        {t('grid.submitReport')}
      </Button>
    </Form>
  );
}

function CheckinForm({ onQueued }: { onQueued: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [note, setNote] = useState('');
  const { pos, error, locate } = usePosition();
  useEffect(locate, [locate]);
  const checkins = useQuery({ queryKey: ['checkins'], queryFn: () => api<{ id: string; at: string; note: string | null }[]>('/api/grid/checkins'), enabled: navigator.onLine });
  const handle = async () => {
    await enqueue({ type: 'checkin', body: { id: crypto.randomUUID(), at: new Date().toISOString(), ...(pos ? { lat: pos.lat, lng: pos.lng } : {}), ...(note.trim() ? { note: note.trim() } : {}) } });
    message.success(t('grid.checkedIn'));
    setNote('');
    onQueued();
  };
  return (
    <Card size="small">
      <Typography.Paragraph type={pos ? undefined : 'secondary'}>
        <EnvironmentOutlined /> {pos ? `${pos.lat}, ${pos.lng}` : error ? t('grid.noPosition') : t('grid.locating')}
      </Typography.Paragraph>
      <Input.TextArea rows={2} maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} placeholder={t('grid.checkinNote')} />
      <Button type="primary" block style={{ marginTop: 8 }} onClick={handle}>
        {t('grid.checkIn')}
      </Button>
      <List
        size="small"
        header={t('grid.recentCheckins')}
        dataSource={checkins.data ?? []}
        locale={{ emptyText: t('grid.noCheckins') }}
        renderItem={(c) => (
          <List.Item>
            {dayjs(c.at).format('MM-DD HH:mm')} {c.note}
          </List.Item>
        )}
      />
    </Card>
  );
}

function QueueList({ items, onChange, onSync }: { items: QueueItem[]; onChange: () => void; onSync: () => void }) {
  const { t } = useI18n();
  if (items.length === 0) return <Empty description={t('grid.queueEmpty')} />;
  const color = { queued: 'processing', synced: 'success', failed: 'error' } as const;
  return (
    <List
      size="small"
      data-testid="queue-list"
      dataSource={[...items].reverse()}
      renderItem={(i) => (
        <List.Item
          data-state={i.state}
          actions={
            i.state === 'failed'
              ? [
                  <Button key="retry" size="small" icon={<ReloadOutlined />} onClick={async () => (await retryItem(i.id), onChange(), onSync())}>
                    {t('grid.retry')}
                  </Button>,
                  <Button key="remove" size="small" danger onClick={async () => (await removeItem(i.id), onChange())}>
                    {t('grid.remove')}
                  </Button>,
                ]
              : []
          }
        >
          <List.Item.Meta
            title={
              <Space>
                <Tag color={color[i.state]}>{t(`grid.state.${i.state}`)}</Tag>
                {i.type === 'report' ? i.body.summary : t('grid.checkinItem')}
              </Space>
            }
            description={
              <>
                {dayjs(i.createdAt).format('MM-DD HH:mm:ss')}
                {i.type === 'report' && i.caseCode ? ` · ${i.caseCode}` : ''}
                {i.type === 'report' && i.photos.length ? ` · ${t('grid.photoCount', { count: i.photos.length })}` : ''}
                {i.error && (
                  <Typography.Text type={i.state === 'failed' ? 'danger' : 'warning'} style={{ display: 'block' }}>
                    {i.error}
                  </Typography.Text>
                )}
              </>
            }
          />
        </List.Item>
      )}
    />
  );
}

/** Tasks dispatched to the worker's grid; simple ones can be settled on the spot with a note and a photo. */
function Tasks({ isOnline }: { isOnline: boolean }) {
  const { t, label } = useI18n();
  const { message } = App.useApp();
  const tasks = useQuery({
    queryKey: ['cases', 'grid-tasks'],
    queryFn: () => api<{ items: CaseSummary[] }>('/api/cases?mine=true&status=dispatched&status=in_progress&pageSize=50'),
    enabled: isOnline,
  });
  const [resolving, setResolving] = useState<string>();
  const [note, setNote] = useState('');
  const [photo, setPhoto] = useState<UploadFile[]>([]);
  if (!isOnline) return <Alert type="info" showIcon title={t('grid.tasksOffline')} />;
  const resolve = async (c: CaseSummary) => {
    try {
      const detail = await api<CaseDetail>(`/api/cases/${c.id}`);
      const attachmentIds: string[] = [];
      for (const p of photo) {
        const data = new FormData();
        data.append('file', p.originFileObj as Blob, p.name);
        attachmentIds.push((await api<{ id: string }>(`/api/cases/${c.id}/attachments?kind=photo`, { method: 'POST', body: data })).id);
      }
      await api(`/api/cases/${c.id}/actions`, { method: 'POST', json: { action: 'resolve_on_spot', expectedVersion: detail.version, note, ...(attachmentIds.length ? { attachmentIds } : {}) } });
      message.success(t('grid.resolved'));
      setResolving(undefined);
      setNote('');
      setPhoto([]);
      await tasks.refetch();
    } catch (err) {
      message.error(err instanceof ApiError ? err.message : String(err));
    }
  };
  return (
    <List
      size="small"
      loading={tasks.isLoading}
      dataSource={tasks.data?.items ?? []}
      locale={{ emptyText: t('grid.noTasks') }}
      renderItem={(c) => (
        <List.Item>
          <div style={{ width: '100%' }}>
            <Space style={{ justifyContent: 'space-between', width: '100%' }}>
              <Link to={`/cases/${c.id}`}>{c.summary}</Link>
              <Tag>{label('status', c.status)}</Tag>
            </Space>
            <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
              {c.code}
            </Typography.Text>
            {resolving === c.id ? (
              <div style={{ marginTop: 8 }}>
                <Input.TextArea rows={2} value={note} onChange={(e) => setNote(e.target.value)} placeholder={t('grid.resolveNote')} />
                <Upload accept="image/*" capture="environment" maxCount={1} fileList={photo} beforeUpload={() => false} onChange={({ fileList }) => setPhoto(fileList)}>
                  <Button size="small" icon={<CameraOutlined />} style={{ marginTop: 4 }}>
                    {t('grid.takePhoto')}
                  </Button>
                </Upload>
                <Space style={{ marginTop: 4 }}>
                  <Button type="primary" size="small" disabled={!note.trim()} onClick={() => void resolve(c)}>
                    {t('grid.confirmResolve')}
                  </Button>
                  <Button size="small" onClick={() => setResolving(undefined)}>
                    {t('common.cancel')}
                  </Button>
                </Space>
              </div>
            ) : (
              <Button size="small" style={{ marginTop: 4 }} onClick={() => setResolving(c.id)}>
                {label('action', 'resolve_on_spot')}
              </Button>
            )}
          </div>
        </List.Item>
      )}
    />
  );
}

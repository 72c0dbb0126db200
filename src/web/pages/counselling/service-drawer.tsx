import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Drawer,
  Form,
  Input,
  List,
  Modal,
  Popconfirm,
  Radio,
  Select,
  Space,
  Spin,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { lazy, Suspense, useState } from 'react';
import { addSessionSchema, referOutSchema, type ReferOutBody } from '../../../shared/schemas/counselling.js';
import { zodRule } from '../../components/zod-rule.js';
import { useI18n } from '../../app/i18n.js';
import { atCentre, centreToday, fromCentre } from '../../app/centre-date.js';
import {
  addCounsellingSession,
  administerScale,
  bookAppointment,
  closeCounsellingService,
  createKioskLink,
  getCounsellingService,
  listCounsellingRooms,
  listCounsellors,
  listScales,
  readSession,
  referOut,
} from './service.js';

const ScoreTrend = lazy(() => import('./score-trend.js').then((m) => ({ default: m.ScoreTrend })));

/** One service, for counsellors: reason, appointments, sealed sessions, scales and their trend, kiosk link, referrals. */
export function ServiceDrawer({ serviceId, onClose }: { serviceId: string | null; onClose: () => void }) {
  const { t, label } = useI18n();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [bookForm] = Form.useForm();
  const [sessionForm] = Form.useForm();
  const [scaleForm] = Form.useForm();
  const [referForm] = Form.useForm();
  const [scaleCode, setScaleCode] = useState('PHQ-9');
  const [reading, setReading] = useState<{ heldOn: string; counsellor: string; notes: string } | null>(null);
  const [kioskPath, setKioskPath] = useState<string | null>(null);
  const detail = useQuery({
    queryKey: ['counselling', 'service', serviceId],
    queryFn: () => getCounsellingService(serviceId!),
    enabled: !!serviceId,
  });
  const rooms = useQuery({
    queryKey: ['counselling', 'rooms'],
    queryFn: () => listCounsellingRooms(),
  });
  const counsellors = useQuery({
    queryKey: ['counselling', 'counsellors'],
    queryFn: () => listCounsellors(),
  });
  const scales = useQuery({ queryKey: ['counselling', 'scales'], queryFn: () => listScales() });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['counselling'] });
  const done = async () => {
    message.success(t('threeZero.saved'));
    await refresh();
  };
  const book = useMutation({
    mutationFn: (v: { counsellorId: string; roomId: string; range: [Dayjs, Dayjs] }) =>
      bookAppointment({
        serviceId: serviceId!,
        counsellorId: v.counsellorId,
        roomId: v.roomId,
        startsAt: fromCentre(v.range[0]),
        endsAt: fromCentre(v.range[1]),
      }),
    onSuccess: async () => {
      bookForm.resetFields();
      await done();
    },
  });
  const addSession = useMutation({
    mutationFn: (v: { notes: string; heldOn: Dayjs }) =>
      addCounsellingSession(serviceId!, { notes: v.notes, heldOn: v.heldOn.format('YYYY-MM-DD') }),
    onSuccess: async () => {
      sessionForm.resetFields();
      await done();
    },
  });
  const administer = useMutation({
    mutationFn: (answers: number[]) => administerScale(serviceId!, { scaleCode, answers }),
    onSuccess: async (r) => {
      scaleForm.resetFields();
      if (r.crisis) message.warning(t('counselling.crisisScored', { score: r.total, band: r.band.label }));
      else message.success(`${t('counselling.total')} ${r.total}（${r.band.label}）`);
      await refresh();
    },
  });
  const kiosk = useMutation({
    mutationFn: (bySms: boolean) => createKioskLink(serviceId!, { scaleCode, bySms }),
    onSuccess: (r) => {
      if (r.sentBySms) {
        message.success(t('counselling.kioskSent'));
        setKioskPath(null);
      } else setKioskPath(r.path);
    },
  });
  const refer = useMutation({
    mutationFn: (v: Omit<ReferOutBody, 'followUpOn'> & { followUpOn: Dayjs }) =>
      referOut(serviceId!, { ...v, followUpOn: v.followUpOn.format('YYYY-MM-DD') }),
    onSuccess: async () => {
      referForm.resetFields();
      await done();
    },
  });
  const close = useMutation({
    mutationFn: () => closeCounsellingService(serviceId!),
    onSuccess: async () => {
      await done();
      onClose();
    },
  });
  const readNotes = async (id: string) => {
    const s = await readSession(id);
    setReading({ heldOn: s.heldOn, counsellor: s.counsellor.name, notes: s.notes });
  };
  const d = detail.data;
  const scale = scales.data?.find((s) => s.code === scaleCode);
  const error = [book, addSession, administer, kiosk, refer, close].find((m) => m.isError)?.error as Error | undefined;

  return (
    <Drawer
      open={!!serviceId}
      onClose={onClose}
      width={760}
      title={d ? `${d.personName} · ${label('counsellingStatus', d.status)}` : t('counselling.title')}
      data-testid="service-drawer"
      destroyOnHidden
      extra={
        d &&
        d.status !== 'closed' && (
          <Popconfirm title={t('counselling.closeConfirm')} onConfirm={() => close.mutate()}>
            <Button loading={close.isPending}>{t('counselling.close')}</Button>
          </Popconfirm>
        )
      }
    >
      {!d ? (
        <Spin />
      ) : (
        <Space direction="vertical" size="middle" style={{ width: '100%' }}>
          {error && <Alert type="error" showIcon message={error.message} />}
          <Descriptions size="small" column={2} bordered>
            <Descriptions.Item label={t('counselling.source')}>{label('counsellingSource', d.source)}</Descriptions.Item>
            <Descriptions.Item label={t('counselling.case')}>{d.caseCode ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('counselling.reason')} span={2}>
              {d.reason}
            </Descriptions.Item>
          </Descriptions>
          {d.alerts.some((a) => !a.assessedAt) && <Alert type="error" showIcon message={t('counselling.unassessedAlerts')} />}

          <Card size="small" title={t('counselling.book')}>
            <Form form={bookForm} layout="inline" onFinish={(v) => book.mutate(v)} style={{ rowGap: 8 }}>
              <Form.Item name="counsellorId" rules={[{ required: true, message: t('counselling.counsellor') }]}>
                <Select
                  placeholder={t('counselling.counsellor')}
                  style={{ width: 120 }}
                  options={(counsellors.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
                  aria-label={t('counselling.counsellor')}
                />
              </Form.Item>
              <Form.Item name="roomId" rules={[{ required: true, message: t('counselling.room') }]}>
                <Select
                  placeholder={t('counselling.room')}
                  style={{ width: 170 }}
                  options={(rooms.data ?? []).map((r) => ({ value: r.id, label: r.name }))}
                  aria-label={t('counselling.room')}
                />
              </Form.Item>
              <Form.Item name="range" rules={[{ required: true, message: t('counselling.time') }]}>
                <DatePicker.RangePicker
                  showTime={{ format: 'HH:mm', minuteStep: 15 }}
                  format="YYYY-MM-DD HH:mm"
                  disabledDate={(x) => x.isBefore(centreToday())}
                  aria-label={t('counselling.time')}
                />
              </Form.Item>
              <Button type="primary" htmlType="submit" loading={book.isPending} data-testid="book-appointment">
                {t('counselling.book')}
              </Button>
            </Form>
            <Table
              size="small"
              rowKey="id"
              style={{ marginTop: 8 }}
              pagination={false}
              dataSource={d.appointments}
              locale={{ emptyText: t('common.empty') }}
              columns={[
                {
                  title: t('counselling.time'),
                  render: (_, r) => `${atCentre(r.startsAt).format('YYYY-MM-DD HH:mm')}–${atCentre(r.endsAt).format('HH:mm')}`,
                },
                { title: t('counselling.counsellor'), render: (_, r) => r.counsellor.name },
                { title: t('counselling.room'), render: (_, r) => r.room.name },
                { title: t('case.status'), dataIndex: 'status', render: (v: string) => label('appointmentStatus', v) },
              ]}
            />
          </Card>

          <Card size="small" title={t('counselling.scales')}>
            <Space direction="vertical" style={{ width: '100%' }}>
              <Space wrap>
                <Select
                  value={scaleCode}
                  onChange={setScaleCode}
                  style={{ width: 220 }}
                  options={(scales.data ?? []).map((s) => ({ value: s.code, label: s.name }))}
                />
                <Button onClick={() => kiosk.mutate(false)} loading={kiosk.isPending && kiosk.variables === false}>
                  {t('counselling.kiosk')}
                </Button>
                <Tooltip
                  title={
                    detail.data?.kioskSms === 'available'
                      ? t('counselling.kioskSmsHint')
                      : t(`counselling.kioskSms.${detail.data?.kioskSms ?? 'no_public_address'}`)
                  }
                >
                  <Button
                    onClick={() => kiosk.mutate(true)}
                    loading={kiosk.isPending && kiosk.variables === true}
                    disabled={detail.data?.kioskSms !== 'available'}
                    data-testid="kiosk-sms"
                  >
                    {t('counselling.kioskBySms')}
                  </Button>
                </Tooltip>
              </Space>
              {kioskPath && (
                <Alert
                  type="info"
                  message={t('counselling.kioskHint')}
                  description={
                    <Typography.Link
                      href={kioskPath}
                      target="_blank"
                      copyable={{ text: `${window.location.origin}${kioskPath}` }}
                      data-testid="kiosk-link"
                    >
                      {`${window.location.origin}${kioskPath}`}
                    </Typography.Link>
                  }
                />
              )}
              {scale && (
                <Form
                  form={scaleForm}
                  layout="vertical"
                  onFinish={(v: Record<string, number>) => administer.mutate(scale.items.map((i) => v[`q${i.no}`]!))}
                >
                  {scale.items.map((i) => (
                    <Form.Item
                      key={i.no}
                      name={`q${i.no}`}
                      label={`${i.no}. ${i.text}`}
                      rules={[{ required: true, message: t('counselling.chooseAnswer') }]}
                      style={{ marginBottom: 8 }}
                    >
                      <Radio.Group options={scale.options.map((o) => ({ value: o.value, label: `${o.label}（${o.value}）` }))} />
                    </Form.Item>
                  ))}
                  <Button htmlType="submit" loading={administer.isPending}>
                    {t('counselling.administer')}
                  </Button>
                </Form>
              )}
              {d.administrations.length > 0 && (
                <>
                  <Suspense fallback={<Spin />}>
                    <ScoreTrend administrations={d.administrations} title={t('counselling.trend')} />
                  </Suspense>
                  <Table
                    size="small"
                    rowKey="id"
                    pagination={false}
                    dataSource={[...d.administrations].reverse()}
                    columns={[
                      {
                        title: t('counselling.time'),
                        dataIndex: 'createdAt',
                        render: (v: string) => atCentre(v).format('YYYY-MM-DD HH:mm'),
                      },
                      { title: t('counselling.scale'), dataIndex: 'scaleCode' },
                      { title: t('counselling.total'), dataIndex: 'total' },
                      { title: t('counselling.band'), render: (_, r) => r.band.label },
                      {
                        title: '',
                        render: (_, r) =>
                          r.crisis ? (
                            <Tag color="red">{t('counselling.crisis')}</Tag>
                          ) : r.mode === 'self' ? (
                            <Tag>{t('counselling.selfAssessed')}</Tag>
                          ) : null,
                      },
                    ]}
                  />
                </>
              )}
            </Space>
          </Card>

          <Card size="small" title={t('counselling.sessions')}>
            <List
              size="small"
              dataSource={d.sessions}
              locale={{ emptyText: t('common.empty') }}
              renderItem={(s) => (
                <List.Item
                  actions={[
                    s.canRead ? (
                      <Button key="read" size="small" onClick={() => void readNotes(s.id)}>
                        {t('counselling.readNotes')}
                      </Button>
                    ) : (
                      <Typography.Text key="sealed" type="secondary">
                        {t('counselling.sealed')}
                      </Typography.Text>
                    ),
                  ]}
                >
                  {`${s.heldOn} · ${s.counsellor.name}`}
                </List.Item>
              )}
            />
            <Form form={sessionForm} layout="vertical" onFinish={(v) => addSession.mutate(v)} initialValues={{ heldOn: centreToday() }}>
              <Form.Item name="heldOn" label={t('counselling.date')} rules={[{ required: true }]}>
                <DatePicker allowClear={false} />
              </Form.Item>
              <Form.Item
                name="notes"
                label={t('counselling.notes')}
                rules={[
                  { required: true, message: t('counselling.needNotes') },
                  zodRule(addSessionSchema.shape.notes, t('counselling.needNotes')),
                ]}
              >
                <Input.TextArea rows={4} maxLength={20000} />
              </Form.Item>
              <Button htmlType="submit" loading={addSession.isPending}>
                {t('counselling.addSession')}
              </Button>
            </Form>
          </Card>

          <Card size="small" title={t('counselling.referrals')}>
            <Table
              size="small"
              rowKey="id"
              pagination={false}
              dataSource={d.referrals}
              locale={{ emptyText: t('common.empty') }}
              columns={[
                { title: t('counselling.institution'), dataIndex: 'institution' },
                { title: t('counselling.referredAt'), dataIndex: 'referredAt', render: (v: string) => atCentre(v).format('YYYY-MM-DD') },
                { title: t('counselling.followUpOn'), dataIndex: 'followUpOn' },
                {
                  title: t('counselling.followUpColumn'),
                  dataIndex: 'followedUpAt',
                  render: (v: string | null) => (v ? atCentre(v).format('YYYY-MM-DD') : t('counselling.followUpDue')),
                },
              ]}
            />
            <Form form={referForm} layout="inline" style={{ marginTop: 8, rowGap: 8 }} onFinish={(v) => refer.mutate(v)}>
              <Form.Item
                name="institution"
                rules={[
                  { required: true, message: t('counselling.institution') },
                  zodRule(referOutSchema.shape.institution, t('counselling.institution')),
                ]}
              >
                <Input placeholder={t('counselling.institution')} style={{ width: 200 }} />
              </Form.Item>
              <Form.Item
                name="reason"
                rules={[
                  { required: true, message: t('counselling.reason') },
                  zodRule(referOutSchema.shape.reason, t('counselling.reason')),
                ]}
              >
                <Input placeholder={t('counselling.reason')} style={{ width: 200 }} />
              </Form.Item>
              <Form.Item name="followUpOn" rules={[{ required: true, message: t('counselling.followUpOn') }]}>
                <DatePicker placeholder={t('counselling.followUpOn')} />
              </Form.Item>
              <Button htmlType="submit" loading={refer.isPending}>
                {t('counselling.referOut')}
              </Button>
            </Form>
            <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
              {t('counselling.noDiagnosis')}
            </Typography.Paragraph>
          </Card>
        </Space>
      )}
      <Modal
        open={!!reading}
        title={`${reading?.heldOn ?? ''} · ${reading?.counsellor ?? ''}`}
        onCancel={() => setReading(null)}
        footer={null}
      >
        <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{reading?.notes}</Typography.Paragraph>
      </Modal>
    </Drawer>
  );
}

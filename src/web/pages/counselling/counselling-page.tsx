import { AlertOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Badge, Button, Card, DatePicker, Form, Input, List, Modal, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router';
import { CRISIS_RISK_LEVELS } from '../../../shared/enums.js';
import {
  addRoomSchema,
  assessAlertSchema,
  walkInSchema,
  type AddRoomBody,
  type Appointment,
  type AppointmentStatusBody,
  type AssessAlertBody,
  type CrisisAlert,
  type ServiceSummary,
  type WalkInBody,
} from '../../../shared/schemas/counselling.js';
import { zodRule } from '../../components/zod-rule.js';
import { atCentre, centreToday, fromCentre } from '../../app/centre-date.js';
import { useI18n } from '../../app/i18n.js';
import { DutyTab } from './duty-tab.js';
import { ScalesTab } from './scales-tab.js';
import { ServiceDrawer } from './service-drawer.js';
import {
  addCounsellingRoom,
  assessCrisisAlert,
  createWalkIn,
  listAppointments,
  listCounsellingRooms,
  listCounsellingServices,
  listCrisisAlerts,
  readCounsellingDuty,
  setAppointmentStatus,
} from './service.js';

/** How often the workspace looks for new crisis alerts (they also arrive as in-app notifications). */
const ALERT_POLL_MS = 10_000;

/** 心理服务工作台: open crisis alerts first, then the services, the week's appointments, and walk-ins. */
export function CounsellingPage() {
  const { t, label } = useI18n();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [openService, setOpenService] = useState<string | null>(null);
  const [assessing, setAssessing] = useState<CrisisAlert | null>(null);
  const [week, setWeek] = useState<Dayjs>(centreToday().startOf('week'));
  const [assessForm] = Form.useForm();
  const [walkInForm] = Form.useForm();
  const alerts = useQuery({
    queryKey: ['counselling', 'alerts'],
    queryFn: () => listCrisisAlerts({ open: 'true' }),
    refetchInterval: ALERT_POLL_MS,
  });
  const services = useQuery({
    queryKey: ['counselling', 'services'],
    queryFn: async () => (await listCounsellingServices()).items,
    refetchInterval: ALERT_POLL_MS,
  });
  const schedule = useQuery({
    queryKey: ['counselling', 'appointments', week.format('YYYY-MM-DD')],
    queryFn: () => listAppointments(fromCentre(week), fromCentre(week.add(7, 'day'))),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['counselling'] });
  const assess = useMutation({
    mutationFn: (v: AssessAlertBody) => assessCrisisAlert(assessing!.id, v),
    onSuccess: async () => {
      message.success(t('threeZero.saved'));
      setAssessing(null);
      assessForm.resetFields();
      await refresh();
    },
  });
  const walkIn = useMutation({
    mutationFn: (v: WalkInBody) => createWalkIn({ ...v, phone: v.phone || undefined }),
    onSuccess: async (r) => {
      walkInForm.resetFields();
      await refresh();
      setOpenService(r.id);
    },
  });
  const setStatus = useMutation({
    mutationFn: (v: { id: string; status: AppointmentStatusBody['status'] }) => setAppointmentStatus(v.id, { status: v.status }),
    onSuccess: refresh,
  });

  const today = centreToday().format('YYYY-MM-DD');
  const duty = useQuery({
    queryKey: ['counselling', 'duty', 'today', today],
    queryFn: () => readCounsellingDuty(today, today),
  });
  const onDutyNames = duty.data?.days[0]?.counsellors.map((c) => c.name).join('、');

  const open = alerts.data ?? [];
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card
        size="small"
        title={
          <Space>
            <AlertOutlined style={{ color: open.length ? '#cf1322' : undefined }} />
            {t('counselling.alerts')}
            <Badge count={open.length} />
          </Space>
        }
        extra={
          <Typography.Text type="secondary">
            {onDutyNames ? t('counselling.todayOnDuty', { names: onDutyNames }) : t('counselling.nobodyOnDuty')}
          </Typography.Text>
        }
        data-testid="crisis-alerts"
      >
        {open.length === 0 ? (
          <Typography.Text type="secondary">{t('counselling.noAlerts')}</Typography.Text>
        ) : (
          <List
            dataSource={open}
            renderItem={(a) => (
              <List.Item
                actions={[
                  <Button key="open" onClick={() => setOpenService(a.serviceId)}>
                    {t('counselling.open')}
                  </Button>,
                  <Button key="assess" type="primary" danger onClick={() => setAssessing(a)} data-testid="assess-alert">
                    {t('counselling.assess')}
                  </Button>,
                ]}
              >
                <List.Item.Meta
                  title={<Typography.Text strong>{`${a.personName} · ${a.reason}`}</Typography.Text>}
                  description={atCentre(a.raisedAt).format('YYYY-MM-DD HH:mm')}
                />
              </List.Item>
            )}
          />
        )}
      </Card>
      <Card size="small">
        <Tabs
          items={[
            {
              key: 'services',
              label: t('counselling.services'),
              children: (
                <Table<ServiceSummary>
                  size="small"
                  rowKey="id"
                  loading={services.isLoading}
                  dataSource={services.data ?? []}
                  pagination={{ pageSize: 20 }}
                  locale={{ emptyText: t('common.empty') }}
                  onRow={(r) => ({ onClick: () => setOpenService(r.id), style: { cursor: 'pointer' } })}
                  data-testid="counselling-services"
                  columns={[
                    { title: t('counselling.name'), dataIndex: 'personName' },
                    { title: t('counselling.source'), dataIndex: 'source', render: (v: string) => label('counsellingSource', v) },
                    {
                      title: t('case.status'),
                      dataIndex: 'status',
                      render: (v: string) => (
                        <Tag color={v === 'requested' ? 'orange' : v === 'active' ? 'purple' : 'default'}>
                          {label('counsellingStatus', v)}
                        </Tag>
                      ),
                    },
                    {
                      title: t('counselling.case'),
                      dataIndex: 'caseCode',
                      render: (v: string | null, r) =>
                        v ? (
                          <Link to={`/cases/${r.caseId}`} onClick={(e) => e.stopPropagation()}>
                            {v}
                          </Link>
                        ) : (
                          '—'
                        ),
                    },
                    { title: t('counselling.counsellor'), render: (_, r) => r.counsellor?.name ?? '—' },
                    {
                      title: t('counselling.alerts'),
                      dataIndex: 'openAlerts',
                      render: (n: number) => (n ? <Tag color="red">{n}</Tag> : ''),
                    },
                    {
                      title: t('counselling.nextAppointment'),
                      dataIndex: 'nextAppointment',
                      render: (v: string | null) => (v ? atCentre(v).format('MM-DD HH:mm') : '—'),
                    },
                  ]}
                />
              ),
            },
            {
              key: 'schedule',
              label: t('counselling.schedule'),
              children: (
                <Space direction="vertical" style={{ width: '100%' }}>
                  <DatePicker picker="week" value={week} onChange={(v) => v && setWeek(v.startOf('week'))} allowClear={false} />
                  <Table<Appointment>
                    size="small"
                    rowKey="id"
                    loading={schedule.isLoading}
                    dataSource={schedule.data ?? []}
                    pagination={false}
                    locale={{ emptyText: t('common.empty') }}
                    columns={[
                      {
                        title: t('counselling.time'),
                        render: (_, r) => `${atCentre(r.startsAt).format('MM-DD ddd HH:mm')}–${atCentre(r.endsAt).format('HH:mm')}`,
                      },
                      { title: t('counselling.name'), dataIndex: 'personName' },
                      { title: t('counselling.counsellor'), render: (_, r) => r.counsellor.name },
                      { title: t('counselling.room'), render: (_, r) => r.room.name },
                      { title: t('case.status'), dataIndex: 'status', render: (v: string) => label('appointmentStatus', v) },
                      {
                        title: '',
                        render: (_, r) =>
                          r.status === 'booked' && (
                            <Space>
                              <Button size="small" onClick={() => setStatus.mutate({ id: r.id, status: 'attended' })}>
                                {t('counselling.attended')}
                              </Button>
                              <Button size="small" onClick={() => setStatus.mutate({ id: r.id, status: 'no_show' })}>
                                {t('counselling.noShow')}
                              </Button>
                              <Button
                                size="small"
                                danger
                                onClick={() =>
                                  Modal.confirm({
                                    title: `${t('counselling.cancel')}？`,
                                    onOk: () => setStatus.mutateAsync({ id: r.id, status: 'cancelled' }),
                                  })
                                }
                              >
                                {t('counselling.cancel')}
                              </Button>
                            </Space>
                          ),
                      },
                    ]}
                  />
                </Space>
              ),
            },
            {
              key: 'duty',
              label: t('counselling.duty'),
              children: <DutyTab />,
            },
            {
              key: 'scales',
              label: t('counselling.scaleLibrary'),
              children: <ScalesTab />,
            },
            {
              key: 'rooms',
              label: t('counselling.room'),
              children: <RoomsTab />,
            },
            {
              key: 'walk-in',
              label: t('counselling.walkIn'),
              children: (
                <Form form={walkInForm} layout="vertical" style={{ maxWidth: 480 }} onFinish={(v) => walkIn.mutate(v)}>
                  <Form.Item
                    name="name"
                    label={t('counselling.name')}
                    rules={[
                      { required: true, message: t('counselling.needName') },
                      zodRule(walkInSchema.shape.name, t('counselling.needName')),
                    ]}
                  >
                    <Input maxLength={50} />
                  </Form.Item>
                  <Form.Item
                    name="phone"
                    label={t('counselling.phone')}
                    rules={[zodRule(walkInSchema.shape.phone, t('counselling.badPhone'))]}
                  >
                    <Input maxLength={11} />
                  </Form.Item>
                  <Form.Item
                    name="reason"
                    label={t('counselling.visitReason')}
                    rules={[
                      { required: true, message: t('counselling.needReason') },
                      zodRule(walkInSchema.shape.reason, t('counselling.needReason')),
                    ]}
                  >
                    <Input.TextArea rows={3} maxLength={500} />
                  </Form.Item>
                  {walkIn.isError && <Alert type="error" showIcon message={(walkIn.error as Error).message} style={{ marginBottom: 12 }} />}
                  <Button type="primary" htmlType="submit" loading={walkIn.isPending}>
                    {t('counselling.walkIn')}
                  </Button>
                </Form>
              ),
            },
          ]}
        />
      </Card>
      <Modal
        open={!!assessing}
        title={`${t('counselling.assess')} · ${assessing?.personName ?? ''}`}
        onCancel={() => setAssessing(null)}
        onOk={() => assessForm.submit()}
        confirmLoading={assess.isPending}
        destroyOnHidden
      >
        <Alert type="warning" showIcon message={assessing?.reason} style={{ marginBottom: 12 }} />
        <Form form={assessForm} layout="vertical" onFinish={(v) => assess.mutate(v)}>
          <Form.Item
            name="riskLevel"
            label={t('counselling.riskLevel')}
            rules={[{ required: true, message: t('counselling.needRiskLevel') }]}
          >
            <Select options={CRISIS_RISK_LEVELS.map((v) => ({ value: v, label: label('crisisRisk', v) }))} />
          </Form.Item>
          <Form.Item
            name="assessment"
            label={t('counselling.assessment')}
            rules={[
              { required: true, message: t('counselling.needAssessment') },
              zodRule(assessAlertSchema.shape.assessment, t('counselling.needAssessment')),
            ]}
          >
            <Input.TextArea rows={5} maxLength={5000} />
          </Form.Item>
          {assess.isError && <Alert type="error" showIcon message={(assess.error as Error).message} />}
        </Form>
      </Modal>
      <ServiceDrawer serviceId={openService} onClose={() => setOpenService(null)} />
    </Space>
  );
}

/** The service room's rooms; a counselling supervisor or an admin adds one. */
function RoomsTab() {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<AddRoomBody>();
  const rooms = useQuery({
    queryKey: ['counselling', 'rooms'],
    queryFn: () => listCounsellingRooms(),
  });
  const add = useMutation({
    mutationFn: (v: AddRoomBody) => addCounsellingRoom(v),
    onSuccess: async () => {
      form.resetFields();
      await queryClient.invalidateQueries({ queryKey: ['counselling', 'rooms'] });
    },
  });
  return (
    <Space direction="vertical" style={{ width: '100%', maxWidth: 480 }}>
      <List
        size="small"
        bordered
        dataSource={rooms.data ?? []}
        loading={rooms.isLoading}
        locale={{ emptyText: t('common.empty') }}
        renderItem={(r) => <List.Item>{r.name}</List.Item>}
      />
      <Form form={form} layout="inline" onFinish={(v) => add.mutate(v)}>
        <Form.Item
          name="name"
          rules={[
            { required: true, message: t('counselling.needRoomName') },
            zodRule(addRoomSchema.shape.name, t('counselling.needRoomName')),
          ]}
        >
          <Input placeholder={t('counselling.roomPlaceholder')} maxLength={40} />
        </Form.Item>
        <Button htmlType="submit" loading={add.isPending}>
          {t('counselling.addRoom')}
        </Button>
      </Form>
      <Typography.Text type="secondary">{t('counselling.roomsWho')}</Typography.Text>
      {add.isError && <Alert type="error" showIcon message={(add.error as Error).message} />}
    </Space>
  );
}

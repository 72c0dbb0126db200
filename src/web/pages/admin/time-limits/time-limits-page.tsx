import { PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Form, Input, InputNumber, Modal, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { CASE_KINDS, CATEGORIES, CHANNELS } from '../../../../shared/enums.js';
import type { TimeLimit, TimeLimitInput } from '../../../../shared/schemas/time-limits.js';
import { CLOCK_STAGES, DAY_UNITS, DIFFICULTIES } from '../../../../shared/time-limits.js';
import { ApiError } from '../../../app/api.js';
import { useI18n } from '../../../app/i18n.js';
import { useSession } from '../../../app/session.js';
import { createTimeLimit, listTimeLimits, recomputeDeadlines, updateTimeLimit } from './service.js';

const EMPTY: TimeLimitInput = {
  priority: 50,
  stage: 'handling',
  kind: null,
  category: null,
  channel: null,
  difficulty: null,
  days: 7,
  unit: 'working',
  maxExtensionDays: null,
  warnPercent: 80,
  legalBasis: '',
  isEnabled: true,
};

/**
 * 办理时限: the district's time limits, tried in priority order (first match wins). Changes apply to stages entered
 * from now on; "recompute" moves running deadlines too, with a reason kept in the admin log.
 */
export function TimeLimitsPage() {
  const { t, label } = useI18n();
  const { can } = useSession();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const canEdit = can('timeLimit.edit');
  const list = useQuery({ queryKey: ['time-limits'], queryFn: async () => (await listTimeLimits()).items });
  const [editing, setEditing] = useState<TimeLimit | 'new'>();
  const [isRecomputeOpen, setRecomputeOpen] = useState(false);
  const [form] = Form.useForm<TimeLimitInput>();
  const [reasonForm] = Form.useForm<{ reason: string }>();

  const options = (group: string, values: readonly string[]) => [
    { value: '', label: t('timeLimit.any') },
    ...values.map((v) => ({ value: v, label: label(group, v) })),
  ];
  // The selects offer “any” as ''; the rule stores it as null.
  const nullable = <T,>(v: T | '' | undefined): T | null => (v === '' || v === undefined ? null : v);

  const handleSave = async () => {
    const v = await form.validateFields();
    const body = {
      ...v,
      kind: nullable(v.kind),
      category: nullable(v.category),
      channel: nullable(v.channel),
      difficulty: nullable(v.difficulty),
      maxExtensionDays: v.maxExtensionDays ?? null,
    };
    try {
      if (editing === 'new') await createTimeLimit(body);
      else await updateTimeLimit(editing!.id, body);
      message.success(t('timeLimit.saved'));
      setEditing(undefined);
      await queryClient.invalidateQueries({ queryKey: ['time-limits'] });
    } catch (err) {
      message.error(err instanceof ApiError ? err.message : String(err));
    }
  };

  const handleRecompute = async () => {
    const { reason } = await reasonForm.validateFields();
    try {
      const res = await recomputeDeadlines({ reason });
      message.success(t('timeLimit.recomputed', { n: res.recomputed }));
      setRecomputeOpen(false);
      await queryClient.invalidateQueries({ queryKey: ['cases'] });
    } catch (err) {
      message.error(err instanceof ApiError ? err.message : String(err));
    }
  };

  const conditions = (p: TimeLimit) => {
    const tags = [
      p.kind && label('kind', p.kind),
      p.category && label('category', p.category),
      p.channel && label('channel', p.channel),
      p.difficulty && label('difficulty', p.difficulty),
    ].filter(Boolean);
    return tags.length ? (
      tags.map((x) => <Tag key={x as string}>{x}</Tag>)
    ) : (
      <Typography.Text type="secondary">{t('timeLimit.any')}</Typography.Text>
    );
  };

  return (
    <Card
      title={t('timeLimit.title')}
      size="small"
      extra={
        canEdit && (
          <Space>
            <Button onClick={() => setRecomputeOpen(true)}>{t('timeLimit.recompute')}</Button>
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => {
                form.setFieldsValue(EMPTY);
                setEditing('new');
              }}
            >
              {t('timeLimit.add')}
            </Button>
          </Space>
        )
      }
    >
      <Typography.Paragraph type="secondary">{t('timeLimit.hint')}</Typography.Paragraph>
      <Table<TimeLimit>
        rowKey="id"
        size="small"
        loading={list.isLoading}
        dataSource={list.data ?? []}
        pagination={false}
        scroll={{ x: 1100 }}
        columns={[
          { title: t('timeLimit.stage'), dataIndex: 'stage', width: 100, render: (v: string) => label('stage', v) },
          { title: t('timeLimit.priority'), dataIndex: 'priority', width: 70 },
          { title: t('timeLimit.conditions'), key: 'conditions', width: 200, render: (_, p) => conditions(p) },
          {
            title: t('timeLimit.period'),
            key: 'period',
            width: 110,
            render: (_, p) => `${p.days}${t(p.unit === 'working' ? 'deadline.workingDays' : 'deadline.calendarDays')}`,
          },
          {
            title: t('timeLimit.maxExtension'),
            dataIndex: 'maxExtensionDays',
            width: 90,
            render: (v: number | null) => (v ? `≤ ${v}` : '—'),
          },
          { title: t('timeLimit.warnPercent'), dataIndex: 'warnPercent', width: 80, render: (v: number) => `${v}%` },
          { title: t('deadline.basis'), dataIndex: 'legalBasis' },
          {
            title: t('timeLimit.enabled'),
            dataIndex: 'isEnabled',
            width: 70,
            render: (v: boolean) => (v ? <Tag color="green">✓</Tag> : <Tag>—</Tag>),
          },
          ...(canEdit
            ? [
                {
                  title: '',
                  key: 'edit',
                  width: 70,
                  render: (_: unknown, p: TimeLimit) => (
                    <Button
                      size="small"
                      onClick={() => {
                        form.setFieldsValue({
                          ...p,
                          kind: p.kind ?? ('' as never),
                          category: p.category ?? ('' as never),
                          channel: p.channel ?? ('' as never),
                          difficulty: p.difficulty ?? ('' as never),
                        });
                        setEditing(p);
                      }}
                    >
                      {t('timeLimit.edit')}
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
      <Modal
        open={!!editing}
        title={t(editing === 'new' ? 'timeLimit.add' : 'timeLimit.edit')}
        onOk={handleSave}
        onCancel={() => setEditing(undefined)}
        okText={t('common.confirm')}
        cancelText={t('common.cancel')}
        width={640}
        forceRender
      >
        <Form form={form} layout="vertical">
          <Space wrap>
            <Form.Item name="stage" label={t('timeLimit.stage')} rules={[{ required: true }]}>
              <Select style={{ width: 140 }} options={CLOCK_STAGES.map((s) => ({ value: s, label: label('stage', s) }))} />
            </Form.Item>
            <Form.Item name="priority" label={t('timeLimit.priority')} rules={[{ required: true }]}>
              <InputNumber min={0} max={10000} />
            </Form.Item>
            <Form.Item name="days" label={t('calendar.days')} rules={[{ required: true }]}>
              <InputNumber min={1} max={3650} />
            </Form.Item>
            <Form.Item name="unit" label={t('timeLimit.unit')} rules={[{ required: true }]}>
              <Select
                style={{ width: 180 }}
                options={DAY_UNITS.map((u) => ({ value: u, label: t(u === 'working' ? 'calendar.workingDays' : 'calendar.calendarDays') }))}
              />
            </Form.Item>
          </Space>
          <Space wrap>
            <Form.Item name="kind" label={t('case.kind')}>
              <Select style={{ width: 130 }} options={options('kind', CASE_KINDS)} />
            </Form.Item>
            <Form.Item name="category" label={t('case.category')}>
              <Select style={{ width: 130 }} options={options('category', CATEGORIES)} />
            </Form.Item>
            <Form.Item name="channel" label={t('case.channel')}>
              <Select style={{ width: 120 }} options={options('channel', CHANNELS)} />
            </Form.Item>
            <Form.Item name="difficulty" label={t('case.difficulty')}>
              <Select style={{ width: 100 }} options={options('difficulty', DIFFICULTIES)} />
            </Form.Item>
          </Space>
          <Space wrap>
            <Form.Item name="maxExtensionDays" label={t('timeLimit.maxExtension')}>
              <InputNumber min={1} max={3650} />
            </Form.Item>
            <Form.Item name="warnPercent" label={t('timeLimit.warnPercent')} rules={[{ required: true }]}>
              <InputNumber min={1} max={100} addonAfter="%" />
            </Form.Item>
            <Form.Item name="isEnabled" label={t('timeLimit.enabled')} valuePropName="checked">
              <Switch />
            </Form.Item>
          </Space>
          <Form.Item name="legalBasis" label={t('deadline.basis')} rules={[{ required: true, min: 2, message: t('common.required') }]}>
            <Input.TextArea rows={2} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={isRecomputeOpen}
        title={t('timeLimit.recompute')}
        onOk={handleRecompute}
        onCancel={() => setRecomputeOpen(false)}
        okText={t('common.confirm')}
        cancelText={t('common.cancel')}
        okButtonProps={{ danger: true }}
        destroyOnHidden
      >
        <Typography.Paragraph>{t('timeLimit.recomputeHint')}</Typography.Paragraph>
        <Form form={reasonForm} layout="vertical" preserve={false}>
          <Form.Item name="reason" label={t('action.reason')} rules={[{ required: true, min: 2, message: t('common.required') }]}>
            <Input.TextArea rows={2} autoFocus />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

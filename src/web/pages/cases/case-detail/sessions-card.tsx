import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Checkbox, DatePicker, Form, Input, List, Modal, Radio, Space, Switch, Tag, Tooltip, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import type { CaseDetail } from '../../../../shared/schemas/cases.js';
import { formatShanghaiDateTime } from '../../../../shared/calendar.js';
import { ApiError } from '../../../app/api.js';
import { useI18n } from '../../../app/i18n.js';
import { listSessions, recordSession, referToPolice, scheduleSession } from './service.js';
import { atCentre, centreNow, fromCentre } from '../../../app/centre-date.js';

/** 调解会 on the case page: schedule (parties told by SMS), record attendance, statements and the 笔录; refer to police. */
export function SessionsCard({ detail, canMediate }: { detail: CaseDetail; canMediate: boolean }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const sessions = useQuery({ queryKey: ['sessions', detail.id], queryFn: () => listSessions(detail.id) });
  const [dialog, setDialog] = useState<'schedule' | 'police' | { record: string }>();
  const [form] = Form.useForm();
  const partyName = (id: string) => detail.parties.find((p) => p.id === id)?.name ?? '';
  const submit = async () => {
    const v = await form.validateFields();
    try {
      if (dialog === 'schedule') {
        await scheduleSession(detail.id, { ...v, scheduledAt: fromCentre(v.scheduledAt as Dayjs) });
      } else if (dialog === 'police') {
        await referToPolice(detail.id, v);
      } else if (dialog) {
        const statements = detail.parties
          .map((p) => ({ partyId: p.id, text: (v[`statement-${p.id}`] as string | undefined)?.trim() ?? '' }))
          .filter((s) => s.text);
        await recordSession(detail.id, dialog.record, {
          attendedPartyIds: v.attendedPartyIds ?? [],
          rightsNote: v.rightsNote,
          record: v.record,
          outcome: v.outcome,
          statements,
        });
      }
      setDialog(undefined);
      form.resetFields();
      await queryClient.invalidateQueries({ queryKey: ['sessions', detail.id] });
      await queryClient.invalidateQueries({ queryKey: ['case', detail.id] });
    } catch (err) {
      message.error(err instanceof ApiError ? err.message : String(err));
    }
  };
  if (!canMediate && !sessions.data?.length) return null;
  return (
    <Card
      size="small"
      title={t('sessions.title')}
      data-testid="sessions-card"
      extra={
        canMediate && (
          <Space>
            <Button
              size="small"
              onClick={() => (
                form.setFieldsValue({
                  scheduledAt: centreNow().add(1, 'day').hour(9).minute(30).second(0),
                  room: '调解室（一）',
                  invitedPartyIds: detail.parties.map((p) => p.id),
                  isPublic: false,
                }),
                setDialog('schedule')
              )}
            >
              {t('sessions.schedule')}
            </Button>
            <Button size="small" danger onClick={() => setDialog('police')}>
              {t('sessions.police')}
            </Button>
          </Space>
        )
      }
    >
      <List
        size="small"
        dataSource={sessions.data ?? []}
        locale={{ emptyText: t('sessions.none') }}
        renderItem={(s) => (
          <List.Item
            actions={
              canMediate && s.status === 'scheduled'
                ? [
                    // 线上调解: the mediator's video room opens in its own tab (a light page: docs/ONLINE-MEDIATION.md).
                    <Button key="online" size="small" href={`/online/host/${detail.id}/${s.id}`} target="_blank" data-testid="start-online">
                      {t('sessions.online')}
                    </Button>,
                    // A session is recorded once it has taken place (the server refuses earlier: SESSION_NOT_YET_HELD).
                    <Tooltip key="record" title={Date.parse(s.scheduledAt) > Date.now() ? t('sessions.notYet') : undefined}>
                      <Button
                        size="small"
                        type="primary"
                        disabled={Date.parse(s.scheduledAt) > Date.now()}
                        onClick={() => (
                          form.setFieldsValue({ attendedPartyIds: s.invitedPartyIds, outcome: 'continue' }),
                          setDialog({ record: s.id })
                        )}
                      >
                        {t('sessions.record')}
                      </Button>
                    </Tooltip>,
                  ]
                : []
            }
          >
            <Space direction="vertical" size={0}>
              <Space>
                <Tag>{t(`sessions.status.${s.status}`)}</Tag>
                {atCentre(s.scheduledAt).format('YYYY-MM-DD HH:mm')} · {s.room} · {s.mediatorNames}
              </Space>
              {s.outcome && <Typography.Text type="secondary">{t(`sessions.outcome.${s.outcome}`)}</Typography.Text>}
              {s.online && (
                <Typography.Text type="secondary" data-testid="online-record">
                  {t('sessions.onlineRecord')}：
                  {s.online.participants
                    .map((p) =>
                      t('sessions.joinedLeft', {
                        name: p.name,
                        joined: p.joinedAt ? formatShanghaiDateTime(new Date(p.joinedAt)) : '',
                        left: p.leftAt ? formatShanghaiDateTime(new Date(p.leftAt)) : t('sessions.stillIn'),
                      }),
                    )
                    .join('；')}
                  {s.online.recordingNote ? `。${s.online.recordingNote}` : ''}
                </Typography.Text>
              )}
              {s.online?.recordings.map((r) => (
                <a key={r.id} href={r.url} target="_blank" rel="noreferrer" data-testid="recording-link">
                  {t('sessions.play')} {formatShanghaiDateTime(new Date(r.startedAt))}
                </a>
              ))}
            </Space>
          </List.Item>
        )}
      />
      <Modal
        open={!!dialog}
        title={dialog === 'schedule' ? t('sessions.schedule') : dialog === 'police' ? t('sessions.police') : t('sessions.record')}
        onCancel={() => setDialog(undefined)}
        onOk={submit}
        okText={t('common.confirm')}
        destroyOnHidden
        width={640}
      >
        <Form form={form} layout="vertical" preserve={false}>
          {dialog === 'schedule' && (
            <>
              <Form.Item name="scheduledAt" label={t('sessions.when')} rules={[{ required: true }]}>
                <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" />
              </Form.Item>
              <Form.Item
                name="room"
                label={t('sessions.room')}
                rules={[{ required: true, whitespace: true, message: t('common.required') }]}
              >
                <Input />
              </Form.Item>
              <Form.Item
                name="mediatorNames"
                label={t('sessions.mediators')}
                rules={[{ required: true, whitespace: true, message: t('common.required') }]}
              >
                <Input />
              </Form.Item>
              <Form.Item name="invitedPartyIds" label={t('sessions.invited')} rules={[{ required: true, message: t('common.required') }]}>
                <Checkbox.Group options={detail.parties.map((p) => ({ value: p.id, label: p.name }))} />
              </Form.Item>
              <Form.Item name="isPublic" label={t('sessions.public')} valuePropName="checked">
                <Switch />
              </Form.Item>
            </>
          )}
          {dialog === 'police' && (
            <Form.Item
              name="reason"
              label={t('sessions.policeReason')}
              rules={[{ required: true, whitespace: true, message: t('common.required') }]}
            >
              <Input.TextArea rows={3} />
            </Form.Item>
          )}
          {dialog && typeof dialog === 'object' && (
            <>
              <Form.Item name="attendedPartyIds" label={t('sessions.attended')}>
                <Checkbox.Group options={detail.parties.map((p) => ({ value: p.id, label: p.name }))} />
              </Form.Item>
              <Form.Item
                name="rightsNote"
                label={t('sessions.rights')}
                rules={[{ required: true, whitespace: true, message: t('common.required') }]}
              >
                <Input.TextArea rows={2} />
              </Form.Item>
              {detail.parties.map((p) => (
                <Form.Item key={p.id} name={`statement-${p.id}`} label={t('sessions.statement', { name: partyName(p.id) })}>
                  <Input.TextArea rows={2} />
                </Form.Item>
              ))}
              <Form.Item
                name="record"
                label={t('sessions.recordText')}
                rules={[{ required: true, whitespace: true, message: t('common.required') }]}
              >
                <Input.TextArea rows={4} />
              </Form.Item>
              <Form.Item name="outcome" label={t('sessions.outcome')} rules={[{ required: true }]}>
                <Radio.Group
                  options={(['continue', 'agreement_reached', 'refused'] as const).map((o) => ({
                    value: o,
                    label: t(`sessions.outcome.${o}`),
                  }))}
                />
              </Form.Item>
            </>
          )}
        </Form>
      </Modal>
    </Card>
  );
}

import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Descriptions,
  Empty,
  Form,
  Input,
  List,
  Modal,
  Radio,
  Row,
  Space,
  Table,
  Timeline,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { OUTCOMES, type Outcome } from '../../../shared/enums.js';
import type { PackageDetail } from '../../../shared/schemas/packages.js';
import { ApiError } from '../../app/api.js';
import { listCases } from '../../app/services/cases.js';
import { useI18n } from '../../app/i18n.js';
import { useSession } from '../../app/session.js';
import { RiskTag, StatusTag } from '../../components/case-tags.js';
import { atCentre, centreToday } from '../../app/centre-date.js';
import { addPackageMember, concludePackage, getPackage, recordPackageMeeting, removePackageMember } from './service.js';

type Dialog = 'meeting' | 'add' | 'conclude' | { remove: string } | undefined;

/** One package: its members, joint meetings and timeline; the dispatcher manages it here. */
export function PackageDetailPage() {
  const { id } = useParams<{ id: string }>();
  const { t, label } = useI18n();
  const { can } = useSession();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const query = useQuery({ queryKey: ['package', id], queryFn: () => getPackage(id!) });
  const [dialog, setDialog] = useState<Dialog>();
  const [form] = Form.useForm();
  const p = query.data;
  const canManage = can('package.manage') && p?.status === 'open';

  const submit = async () => {
    const v = await form.validateFields();
    try {
      if (dialog === 'meeting') await recordPackageMeeting(id!, { ...v, heldOn: (v.heldOn as Dayjs).format('YYYY-MM-DD') });
      else if (dialog === 'add') {
        const found = await listCases(`q=${encodeURIComponent(v.code.trim())}&pageSize=5`);
        const hit = found.items.find((c) => c.code === v.code.trim());
        if (!hit) throw new Error(t('packages.caseNotFound', { code: v.code }));
        await addPackageMember(id!, { caseId: hit.id });
      } else if (dialog === 'conclude') {
        await concludePackage(id!, {
          conclusion: v.conclusion,
          outcomes: p!.members.map((m) => ({
            caseId: m.caseId,
            outcome: v[`outcome-${m.caseId}`] as Outcome,
            note: v[`note-${m.caseId}`] as string,
          })),
        });
      } else if (dialog && typeof dialog === 'object') await removePackageMember(id!, dialog.remove, { reason: v.reason });
      setDialog(undefined);
      form.resetFields();
      await queryClient.invalidateQueries({ queryKey: ['package', id] });
      await queryClient.invalidateQueries({ queryKey: ['packages'] });
    } catch (err) {
      message.error(err instanceof ApiError || err instanceof Error ? err.message : String(err));
    }
  };

  if (query.isError)
    return (
      <Card>
        <Empty description={(query.error as Error).message} />
      </Card>
    );
  if (!p) return <Card loading />;
  return (
    <Row gutter={16}>
      <Col xs={24} xl={16}>
        <Card
          size="small"
          title={p.name}
          extra={
            canManage && (
              <Space>
                <Button onClick={() => setDialog('add')}>{t('packages.addMember')}</Button>
                <Button onClick={() => setDialog('meeting')}>{t('packages.recordMeeting')}</Button>
                <Button type="primary" onClick={() => setDialog('conclude')}>
                  {t('packages.conclude')}
                </Button>
              </Space>
            )
          }
        >
          <Descriptions size="small" column={3}>
            <Descriptions.Item label={t('case.leadUnit')}>{p.leadUnit.name}</Descriptions.Item>
            <Descriptions.Item label={t('case.coUnits')}>{p.coUnits.map((u) => u.name).join('、') || '—'}</Descriptions.Item>
            <Descriptions.Item label={t('packages.handler')}>{p.handler?.name ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('packages.size')}>{p.size}</Descriptions.Item>
            <Descriptions.Item label={t('case.peopleInvolved')}>{p.peopleInvolved}</Descriptions.Item>
            <Descriptions.Item label={t('case.riskLevel')}>
              <RiskTag risk={p.riskLevel} />
            </Descriptions.Item>
            <Descriptions.Item label={t('packages.deadline')}>{p.deadline ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('packages.age')}>{t('packages.days', { n: p.ageDays })}</Descriptions.Item>
            <Descriptions.Item label={t('case.status')}>{t(`packages.${p.status}`)}</Descriptions.Item>
            {p.conclusion && (
              <Descriptions.Item label={t('packages.conclusion')} span={3}>
                {p.conclusion}
              </Descriptions.Item>
            )}
          </Descriptions>
          <Table
            rowKey="caseId"
            size="small"
            pagination={false}
            dataSource={p.members}
            data-testid="package-members"
            columns={[
              { title: t('case.code'), render: (_, m) => <Link to={`/cases/${m.caseId}`}>{m.code}</Link> },
              { title: t('case.summary'), dataIndex: 'summary', ellipsis: true },
              { title: t('case.status'), render: (_, m) => <StatusTag status={m.status} /> },
              { title: t('case.peopleInvolved'), dataIndex: 'peopleInvolved' },
              { title: t('case.riskLevel'), render: (_, m) => <RiskTag risk={m.riskLevel} /> },
              { title: t('packages.proposal'), render: (_, m) => (m.proposedOutcome ? label('outcome', m.proposedOutcome) : '—') },
              ...(canManage
                ? [
                    {
                      title: '',
                      render: (_: unknown, m: PackageDetail['members'][number]) => (
                        <Button size="small" danger onClick={() => setDialog({ remove: m.caseId })}>
                          {t('packages.removeMember')}
                        </Button>
                      ),
                    },
                  ]
                : []),
            ]}
          />
        </Card>
        <Card size="small" title={t('packages.meetings')} style={{ marginTop: 16 }}>
          <List
            dataSource={p.meetings}
            locale={{ emptyText: t('packages.noMeetings') }}
            renderItem={(m) => (
              <List.Item>
                <List.Item.Meta
                  title={`${m.heldOn} · ${m.attendees}`}
                  description={<Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{m.minutes}</Typography.Paragraph>}
                />
              </List.Item>
            )}
          />
        </Card>
      </Col>
      <Col xs={24} xl={8}>
        <Card size="small" title={t('case.timeline')}>
          <Timeline
            items={p.timeline.map((e) => ({
              children: (
                <>
                  <Typography.Text strong>{t(`packages.event.${e.what}`)}</Typography.Text> {e.text}
                  <br />
                  <Typography.Text type="secondary">{atCentre(e.at).format('YYYY-MM-DD HH:mm')}</Typography.Text>
                </>
              ),
            }))}
          />
        </Card>
      </Col>
      <Modal
        open={!!dialog}
        title={
          dialog === 'meeting'
            ? t('packages.recordMeeting')
            : dialog === 'add'
              ? t('packages.addMember')
              : dialog === 'conclude'
                ? t('packages.conclude')
                : t('packages.removeMember')
        }
        onCancel={() => setDialog(undefined)}
        onOk={submit}
        okText={t('common.confirm')}
        destroyOnHidden
        width={dialog === 'conclude' ? 720 : 520}
      >
        <Form form={form} layout="vertical" preserve={false}>
          {dialog === 'meeting' && (
            <>
              <Form.Item name="heldOn" label={t('packages.heldOn')} initialValue={centreToday()} rules={[{ required: true }]}>
                <DatePicker />
              </Form.Item>
              <Form.Item
                name="attendees"
                label={t('packages.attendees')}
                rules={[{ required: true, whitespace: true, message: t('common.required') }]}
              >
                <Input />
              </Form.Item>
              <Form.Item
                name="minutes"
                label={t('packages.minutes')}
                rules={[{ required: true, whitespace: true, message: t('common.required') }]}
              >
                <Input.TextArea rows={5} />
              </Form.Item>
            </>
          )}
          {dialog === 'add' && (
            <Form.Item name="code" label={t('case.code')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
              <Input placeholder="410871-2026-000123" />
            </Form.Item>
          )}
          {dialog && typeof dialog === 'object' && (
            <Form.Item
              name="reason"
              label={t('action.reason')}
              rules={[{ required: true, whitespace: true, message: t('common.required') }]}
            >
              <Input.TextArea rows={2} />
            </Form.Item>
          )}
          {dialog === 'conclude' && (
            <>
              <Form.Item
                name="conclusion"
                label={t('packages.conclusion')}
                rules={[{ required: true, whitespace: true, message: t('common.required') }]}
              >
                <Input.TextArea rows={3} />
              </Form.Item>
              <Typography.Paragraph type="secondary">{t('packages.concludeHint')}</Typography.Paragraph>
              {p.members.map((m) => (
                <Card key={m.caseId} size="small" title={`${m.code} ${m.summary}`} style={{ marginBottom: 8 }}>
                  <Form.Item name={`outcome-${m.caseId}`} initialValue="agreement" rules={[{ required: true }]} style={{ marginBottom: 8 }}>
                    <Radio.Group options={OUTCOMES.map((o) => ({ value: o, label: label('outcome', o) }))} />
                  </Form.Item>
                  <Form.Item
                    name={`note-${m.caseId}`}
                    rules={[{ required: true, whitespace: true, message: t('common.required') }]}
                    style={{ marginBottom: 0 }}
                  >
                    <Input placeholder={t('action.note.label')} />
                  </Form.Item>
                </Card>
              ))}
            </>
          )}
        </Form>
      </Modal>
    </Row>
  );
}

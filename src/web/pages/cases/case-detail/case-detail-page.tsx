import { PaperClipOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Descriptions, Row, Space, Spin, Table, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import type { CaseAction } from '../../../../shared/case-lifecycle.js';
import type { CaseActionBody, Party } from '../../../../shared/schemas/cases.js';
import { ApiError } from '../../../app/api.js';
import { actOnCase, getCase, uploadAttachment } from '../../../app/services/cases.js';
import { useI18n } from '../../../app/i18n.js';
import { useSession } from '../../../app/session.js';
import { RiskTag, StatusTag } from '../../../components/case-tags.js';
import { ClocksCard } from './clocks-card.js';
import { SupervisionCard } from './supervision-card.js';
import { ActionModal } from './action-modal.js';
import { RevealButton } from './reveal-button.js';
import { LikelyPersonsButton } from './likely-persons-button.js';
import { AgreementCard } from './agreement-card.js';
import { SessionsCard } from './sessions-card.js';
import { DeliveriesCard } from './deliveries-card.js';
import { PetitionRepliesCard } from './petition-replies-card.js';
import { CounsellingCard } from './counselling-card.js';
import { SimilarCasesCard } from './similar-cases-card.js';
import { atCentre } from '../../../app/centre-date.js';

async function uploadFile(caseId: string, file: File): Promise<string> {
  const kind = file.type.startsWith('image/') ? 'photo' : file.type.startsWith('audio/') ? 'audio' : 'document';
  const body = new FormData();
  body.append('file', file);
  const res = await uploadAttachment(caseId, { kind }, body);
  return res.id;
}

/** One case: its facts, parties (masked), timeline, and only the actions the user may take now. */
export function CaseDetailPage() {
  const { id } = useParams<{ id: string }>();
  const { t, label } = useI18n();
  const { can } = useSession();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [action, setAction] = useState<CaseAction>();
  const [isSubmitting, setSubmitting] = useState(false);
  const query = useQuery({ queryKey: ['case', id], queryFn: () => getCase(id!) });

  if (query.isLoading) return <Spin style={{ display: 'block', marginTop: 80 }} />;
  if (query.isError) {
    return (
      <Alert
        type="error"
        showIcon
        title={(query.error as Error).message}
        action={<Button onClick={() => navigate('/cases')}>{t('common.back')}</Button>}
      />
    );
  }
  const c = query.data!;
  const canReveal = can('person.reveal');

  const handleSubmit = async (body: Omit<CaseActionBody, 'expectedVersion'>, files: File[]) => {
    setSubmitting(true);
    try {
      const attachmentIds = await Promise.all(files.map((f) => uploadFile(c.id, f)));
      const updated = await actOnCase(c.id, { ...body, expectedVersion: c.version, ...(attachmentIds.length ? { attachmentIds } : {}) });
      queryClient.setQueryData(['case', id], updated);
      await queryClient.invalidateQueries({ queryKey: ['cases'] });
      message.success(t('action.done', { action: label('action', body.action) }));
      setAction(undefined);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'CASE_VERSION_CONFLICT') {
        message.warning(t('case.conflict'));
        setAction(undefined);
        await query.refetch();
      } else {
        message.error(err instanceof ApiError ? err.message : String(err));
      }
    } finally {
      setSubmitting(false);
    }
  };

  const personal = (p: Party, field: 'idNumber' | 'phone' | 'address') =>
    p[field] ? (
      <Space size={0}>
        <span>{p[field]}</span>
        {canReveal && <RevealButton caseId={c.id} partyId={p.id} field={field} />}
      </Space>
    ) : (
      '—'
    );

  return (
    <Row gutter={16}>
      <Col xs={24} xl={16}>
        <Space direction="vertical" size="middle" style={{ width: '100%' }}>
          <Card
            title={
              <Space>
                <span data-testid="case-code">{c.code}</span>
                <StatusTag status={c.status} />
              </Space>
            }
            extra={<Button onClick={() => navigate(-1)}>{t('common.back')}</Button>}
          >
            <Descriptions column={2} size="small" bordered>
              <Descriptions.Item label={t('case.summary')} span={2}>
                {c.summary}
              </Descriptions.Item>
              <Descriptions.Item label={t('case.kind')}>{label('kind', c.kind)}</Descriptions.Item>
              <Descriptions.Item label={t('case.category')}>{label('category', c.category)}</Descriptions.Item>
              <Descriptions.Item label={t('case.channel')}>{label('channel', c.channel)}</Descriptions.Item>
              <Descriptions.Item label={t('case.riskLevel')}>
                <RiskTag risk={c.riskLevel} />
              </Descriptions.Item>
              <Descriptions.Item label={t('case.difficulty')}>{label('difficulty', c.difficulty)}</Descriptions.Item>
              <Descriptions.Item label={t('case.unit')}>{c.unit?.name}</Descriptions.Item>
              <Descriptions.Item label={t('case.peopleInvolved')}>{c.peopleInvolved}</Descriptions.Item>
              <Descriptions.Item label={t('case.leadUnit')}>{c.leadUnit?.name ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('case.coUnits')}>{c.coUnits.map((u) => u.name).join('、') || '—'}</Descriptions.Item>
              <Descriptions.Item label={t('case.handler')}>{c.handler?.name ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('case.trackingToken')}>
                <Typography.Text copyable>{c.trackingToken}</Typography.Text>
              </Descriptions.Item>
              <Descriptions.Item label={t('case.place')} span={2}>
                {c.placeAddress ?? '—'}
                {c.placePosition && (
                  <Typography.Text type="secondary">
                    {' '}
                    （{c.placePosition.lat.toFixed(5)}, {c.placePosition.lng.toFixed(5)}）
                  </Typography.Text>
                )}
              </Descriptions.Item>
              {c.externalRef && <Descriptions.Item label={t('case.externalRef')}>{c.externalRef}</Descriptions.Item>}
              {c.package && (
                <Descriptions.Item label={t('menu.packages')} span={2}>
                  <Link to={`/packages/${c.package.id}`}>{c.package.name}</Link>
                  {c.package.proposedOutcome && (
                    <Typography.Text type="secondary">
                      {' '}
                      · {t('packages.proposal')}：{label('outcome', c.package.proposedOutcome)}（{c.package.proposedNote}）
                    </Typography.Text>
                  )}
                </Descriptions.Item>
              )}
              {c.outcome && <Descriptions.Item label={t('case.outcome')}>{label('outcome', c.outcome)}</Descriptions.Item>}
              {c.satisfaction && (
                <Descriptions.Item label={t('case.satisfaction')}>{label('satisfaction', c.satisfaction)}</Descriptions.Item>
              )}
              {c.rejectReason && (
                <Descriptions.Item label={t('case.rejectReason')} span={2}>
                  {c.rejectReason}
                </Descriptions.Item>
              )}
              <Descriptions.Item label={t('case.narrative')} span={2}>
                <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>{c.narrative}</Typography.Paragraph>
              </Descriptions.Item>
            </Descriptions>
          </Card>
          {c.kind === 'petition' && <PetitionRepliesCard detail={c} />}
          <CounsellingCard detail={c} />
          <SessionsCard detail={c} canMediate={c.abilities.mediate} />
          <AgreementCard detail={c} canMediate={c.abilities.agreement} />
          <DeliveriesCard detail={c} canDeliver={c.abilities.mediate} />
          <Card
            title={t('case.parties')}
            size="small"
            extra={
              can('person.reveal') && (
                <a href={`/api/cases/${c.id}/case-file.zip`} download data-testid="case-file">
                  {t('caseFile.download')}
                </a>
              )
            }
          >
            <Table<Party>
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={c.parties}
              columns={[
                { title: t('party.role'), dataIndex: 'role', render: (v: string) => label('partyRole', v) },
                {
                  title: t('party.name'),
                  dataIndex: 'name',
                  render: (name: string, p) => (
                    <>
                      {name}
                      {can('person.merge') && p.type === 'person' && <LikelyPersonsButton personId={p.personId} name={name} />}
                    </>
                  ),
                },
                { title: t('party.idNumber'), key: 'idNumber', render: (_, p) => personal(p, 'idNumber') },
                { title: t('party.phone'), key: 'phone', render: (_, p) => personal(p, 'phone') },
                { title: t('party.address'), key: 'address', render: (_, p) => personal(p, 'address') },
              ]}
            />
          </Card>
        </Space>
      </Col>
      <Col xs={24} xl={8}>
        <Space direction="vertical" size="middle" style={{ width: '100%' }}>
          <Card title={t('case.actions')} size="small" data-testid="case-actions">
            {c.allowedActions.length === 0 ? (
              <Typography.Text type="secondary">{t('case.noActions')}</Typography.Text>
            ) : (
              <Space wrap>
                {c.allowedActions.map((a) => (
                  <Button
                    key={a}
                    type={
                      ['accept', 'dispatch', 'start', 'conclude', 'follow_up', 'archive', 'answer_urge', 'decide_extension'].includes(a)
                        ? 'primary'
                        : 'default'
                    }
                    danger={a === 'reject' || a === 'escalate'}
                    onClick={() => setAction(a)}
                  >
                    {label('action', a)}
                  </Button>
                ))}
              </Space>
            )}
          </Card>
          <ClocksCard clocks={c.clocks} />
          {can('case.similar') && <SimilarCasesCard caseId={c.id} />}
          <SupervisionCard detail={c} />
          <Card title={t('case.timeline')} size="small">
            <Timeline
              data-testid="timeline"
              items={c.timeline.map((e) => ({
                color: e.toStatus === 'rejected' || e.action === 'escalate' ? 'red' : e.action === 'note' ? 'gray' : 'blue',
                children: (
                  <div>
                    <Typography.Text strong>{label('action', e.action)}</Typography.Text>
                    {e.toStatus && e.action !== 'note' && <> → {label('status', e.toStatus)}</>}
                    <div>
                      <Typography.Text type="secondary">
                        {atCentre(e.at).format('YYYY-MM-DD HH:mm')} · {e.actorName}
                      </Typography.Text>
                    </div>
                    {typeof e.data?.leadUnit === 'string' && (
                      <div>
                        {t('case.leadUnit')}：{e.data.leadUnit}
                      </div>
                    )}
                    {typeof e.data?.outcome === 'string' && <div>{label('outcome', e.data.outcome)}</div>}
                    {typeof e.data?.satisfaction === 'string' && <div>{label('satisfaction', e.data.satisfaction)}</div>}
                    {e.reason && <div style={{ whiteSpace: 'pre-wrap' }}>{e.reason}</div>}
                    {e.attachments.map((a) => (
                      <div key={a.id}>
                        <a href={`/api/cases/${c.id}/attachments/${a.id}`}>
                          <PaperClipOutlined /> {a.fileName}
                        </a>
                      </div>
                    ))}
                  </div>
                ),
              }))}
            />
          </Card>
        </Space>
      </Col>
      {action && (
        <ActionModal action={action} detail={c} isSubmitting={isSubmitting} onCancel={() => setAction(undefined)} onSubmit={handleSubmit} />
      )}
    </Row>
  );
}

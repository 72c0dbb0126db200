import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, DatePicker, Descriptions, Form, Input, Modal, Radio, Select, Space, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { centreDay, centreToday } from '../../../app/centre-date.js';
import { useState } from 'react';
import { ERRORS, type ErrorCode } from '../../../../shared/errors.js';
import { SUBJECT_MATTERS, type AgreementInput } from '../../../../shared/schemas/agreements.js';
import type { CaseDetail } from '../../../../shared/schemas/cases.js';
import { ApiError } from '../../../app/api.js';
import { useI18n } from '../../../app/i18n.js';
import {
  finalizeAgreement,
  getAgreementIfExists,
  recordJudicialConfirmation,
  recordTermPerformance,
  saveAgreement,
  sendAgreementSignLinks,
  signAgreement,
  type SignatureBody,
} from './service.js';

interface EditValues extends Omit<AgreementInput, 'terms'> {
  terms: { text: string; method: string; dueDate?: Dayjs | null }[];
}

/**
 * 人民调解协议书 on the case page: draft it, see what a statute still needs, finalise, download the DOCX or print it,
 * record signatures, fingerprints and the committee's seal, and the court's judicial confirmation.
 */
export function AgreementCard({ detail, canMediate }: { detail: CaseDetail; canMediate: boolean }) {
  const { t, label } = useI18n();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: ['agreement', detail.id],
    // No agreement yet is a 204 (no failed request in the console on every case page).
    queryFn: async () => (await getAgreementIfExists(detail.id)) ?? null,
  });
  const [editing, setEditing] = useState(false);
  const [courtOpen, setCourtOpen] = useState(false);
  const [form] = Form.useForm<EditValues>();
  const [court] = Form.useForm();
  const a = query.data;
  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: ['agreement', detail.id] });
    await queryClient.invalidateQueries({ queryKey: ['case', detail.id] });
  };
  const run = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
      await refresh();
      return true;
    } catch (err) {
      message.error(err instanceof ApiError ? err.message : String(err));
      return false;
    }
  };
  const openEditor = () => {
    form.setFieldsValue(
      a
        ? { ...a, terms: a.terms.map((x) => ({ ...x, dueDate: x.dueDate ? centreDay(x.dueDate) : null })) }
        : {
            form: 'written',
            subjectMatter: 'other',
            facts: detail.narrative,
            disputedMatters: '',
            responsibilities: '',
            terms: [{ text: '', method: '', dueDate: null }],
          },
    );
    setEditing(true);
  };
  const save = async () => {
    const v = await form.validateFields();
    const body = { ...v, terms: v.terms.map((x) => ({ ...x, dueDate: x.dueDate ? x.dueDate.format('YYYY-MM-DD') : null })) };
    if (await run(() => saveAgreement(detail.id, body))) setEditing(false);
  };
  const sign = (signer: SignatureBody['signer'], kind: SignatureBody['kind'], partyId?: string) =>
    run(() => signAgreement(detail.id, { signer, kind, ...(partyId ? { partyId } : {}) }));

  // 手机签署: a one-time link by SMS to each party who has not signed yet (sign-by-link.ts).
  const sendSignLinks = () =>
    run(async () => {
      const sent = await sendAgreementSignLinks(detail.id);
      const names = (ok: boolean) =>
        sent
          .filter((p) => p.sent === ok)
          .map((p) => p.name)
          .join('、');
      if (names(true)) message.success(t('agreement.signLinksSent', { names: names(true) }));
      if (names(false)) message.warning(t('agreement.signLinksNoPhone', { names: names(false) }));
    });

  if (!a && !canMediate) return null;
  return (
    <Card size="small" title={t('agreement.title')} loading={query.isLoading} data-testid="agreement-card">
      {!a ? (
        <Button onClick={openEditor}>{t('agreement.draft')}</Button>
      ) : (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Space wrap>
            <Tag
              color={a.status === 'effective' ? 'green' : a.status === 'final' ? 'blue' : 'default'}
              data-testid="agreement-status"
              data-status={a.status}
            >
              {t(`agreement.status.${a.status}`)}
            </Tag>
            <Tag>{t(`agreement.form.${a.form}`)}</Tag>
            {a.effectiveOn && <Typography.Text>{t('agreement.effectiveOn', { date: a.effectiveOn })}</Typography.Text>}
          </Space>
          {a.status === 'draft' && a.missingItems.length > 0 && (
            <Alert
              type="warning"
              showIcon
              title={t('agreement.missing')}
              description={a.missingItems.map((c) => ERRORS[c as ErrorCode]?.zh ?? c).join('；')}
            />
          )}
          <Alert
            type={a.judicialConfirmation.eligible ? 'info' : 'warning'}
            showIcon
            title={a.judicialConfirmation.reason}
            description={
              a.judicialConfirmation.windowEndsOn
                ? t('agreement.window', { date: a.judicialConfirmation.windowEndsOn }) +
                  (a.judicialConfirmation.decision
                    ? ` · ${a.judicialConfirmation.court} ${t(`agreement.decision.${a.judicialConfirmation.decision}`)}`
                    : '')
                : undefined
            }
            data-testid="judicial-confirmation"
          />
          <Space wrap>
            {canMediate && a.status === 'draft' && <Button onClick={openEditor}>{t('agreement.edit')}</Button>}
            {canMediate && a.status === 'draft' && (
              <Button type="primary" onClick={() => run(() => finalizeAgreement(detail.id))}>
                {t('agreement.finalize')}
              </Button>
            )}
            {/* A draft too, marked 草稿 on every page, for the parties to read before they sign. */}
            <Button href={`/api/cases/${detail.id}/agreement.docx`} download data-testid="agreement-docx">
              {a.status === 'draft' ? t('agreement.draftDocx') : t('agreement.docx')}
            </Button>
            <Button href={`/api/cases/${detail.id}/agreement.html`} target="_blank" rel="noreferrer" data-testid="agreement-print">
              {a.status === 'draft' ? t('agreement.draftPrint') : t('agreement.print')}
            </Button>
          </Space>
          {a.status === 'final' && a.form === 'written' && canMediate && a.parties.some((p) => !p.signed) && (
            <Button onClick={() => void sendSignLinks()} data-testid="send-sign-links">
              {t('agreement.sendSignLinks')}
            </Button>
          )}
          {a.status === 'final' && a.form === 'written' && canMediate && (
            <Descriptions size="small" column={1} bordered title={t('agreement.signatures')}>
              {a.parties.map((p) => (
                <Descriptions.Item key={p.partyId} label={`${label('partyRole', p.role)} ${p.name}`}>
                  {p.signed ? (
                    <Tag color="green">{t('agreement.signed')}</Tag>
                  ) : (
                    <Space>
                      <Button size="small" onClick={() => sign('party', 'signature', p.partyId)}>
                        {t('agreement.kind.signature')}
                      </Button>
                      <Button size="small" onClick={() => sign('party', 'fingerprint', p.partyId)}>
                        {t('agreement.kind.fingerprint')}
                      </Button>
                    </Space>
                  )}
                </Descriptions.Item>
              ))}
              <Descriptions.Item label={`${t('agreement.mediator')} ${a.mediator.name}`}>
                {a.mediator.signed ? (
                  <Tag color="green">{t('agreement.signed')}</Tag>
                ) : (
                  <Button size="small" onClick={() => sign('mediator', 'signature')}>
                    {t('agreement.kind.signature')}
                  </Button>
                )}
              </Descriptions.Item>
              <Descriptions.Item label={a.committeeName}>
                {a.committeeSealed ? (
                  <Tag color="green">{t('agreement.sealed')}</Tag>
                ) : (
                  <Button size="small" onClick={() => sign('committee', 'seal')}>
                    {t('agreement.kind.seal')}
                  </Button>
                )}
              </Descriptions.Item>
            </Descriptions>
          )}
          {a.status === 'effective' && (
            <Descriptions size="small" column={1} bordered title={t('agreement.performance')}>
              {a.terms.map((term, i) => (
                <Descriptions.Item key={i} label={`${i + 1}. ${term.text}（${term.dueDate ?? ''}）`}>
                  <Space wrap>
                    <Tag color={term.performance === 'performed' ? 'green' : term.isOverdue ? 'red' : 'default'}>
                      {term.isOverdue && term.performance === 'pending' ? t('agreement.overdue') : t(`agreement.perf.${term.performance}`)}
                    </Tag>
                    {canMediate &&
                      (['performed', 'partly', 'not_performed'] as const).map((p) => (
                        <Button
                          key={p}
                          size="small"
                          onClick={() => run(() => recordTermPerformance(detail.id, i, { performance: p, note: null }))}
                        >
                          {t(`agreement.perf.${p}`)}
                        </Button>
                      ))}
                  </Space>
                </Descriptions.Item>
              ))}
            </Descriptions>
          )}
          {a.status === 'effective' && a.judicialConfirmation.eligible && canMediate && (
            <Button
              onClick={() => (
                court.setFieldsValue({ court: a.judicialConfirmation.court ?? '焦作市示范区人民法院', appliedOn: centreToday() }),
                setCourtOpen(true)
              )}
            >
              {t('agreement.recordCourt')}
            </Button>
          )}
        </Space>
      )}
      <Modal
        open={editing}
        title={t('agreement.title')}
        onCancel={() => setEditing(false)}
        onOk={save}
        okText={t('common.save')}
        width={760}
        destroyOnHidden
      >
        <Form form={form} layout="vertical">
          <Space>
            <Form.Item name="form" label={t('agreement.formLabel')}>
              <Radio.Group
                options={[
                  { value: 'written', label: t('agreement.form.written') },
                  { value: 'oral', label: t('agreement.form.oral') },
                ]}
              />
            </Form.Item>
            <Form.Item name="subjectMatter" label={t('agreement.subject')}>
              <Select
                style={{ width: 240 }}
                showSearch={{ optionFilterProp: 'label' }}
                options={SUBJECT_MATTERS.map((s) => ({ value: s, label: label('subject', s) }))}
                data-testid="subject-matter"
              />
            </Form.Item>
          </Space>
          <Form.Item name="facts" label={t('agreement.facts')}>
            <Input.TextArea rows={3} />
          </Form.Item>
          <Form.Item name="disputedMatters" label={t('agreement.disputed')}>
            <Input.TextArea rows={2} />
          </Form.Item>
          <Form.Item name="responsibilities" label={t('agreement.responsibilities')}>
            <Input.TextArea rows={2} />
          </Form.Item>
          <Form.List name="terms">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f, i) => (
                  <Space key={f.key} align="start" style={{ display: 'flex' }}>
                    <Form.Item name={[f.name, 'text']} label={i === 0 ? t('agreement.term') : undefined} style={{ width: 320 }}>
                      <Input />
                    </Form.Item>
                    <Form.Item name={[f.name, 'method']} label={i === 0 ? t('agreement.method') : undefined} style={{ width: 150 }}>
                      <Input />
                    </Form.Item>
                    <Form.Item name={[f.name, 'dueDate']} label={i === 0 ? t('agreement.dueDate') : undefined}>
                      <DatePicker />
                    </Form.Item>
                    <Button
                      icon={<DeleteOutlined />}
                      onClick={() => remove(f.name)}
                      style={{ marginTop: i === 0 ? 30 : 0 }}
                      aria-label={t('grid.remove')}
                    />
                  </Space>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ text: '', method: '', dueDate: null })}>
                  {t('agreement.addTerm')}
                </Button>
              </>
            )}
          </Form.List>
        </Form>
      </Modal>
      <Modal
        open={courtOpen}
        title={t('agreement.recordCourt')}
        onCancel={() => setCourtOpen(false)}
        onOk={async () => {
          const v = await court.validateFields();
          const body = {
            court: v.court,
            appliedOn: (v.appliedOn as Dayjs).format('YYYY-MM-DD'),
            decision: v.decision ?? null,
            decidedOn: v.decidedOn ? (v.decidedOn as Dayjs).format('YYYY-MM-DD') : null,
            note: null,
          };
          if (await run(() => recordJudicialConfirmation(detail.id, body))) setCourtOpen(false);
        }}
        destroyOnHidden
      >
        <Form form={court} layout="vertical">
          <Form.Item name="court" label={t('agreement.court')} rules={[{ required: true, message: t('common.required') }]}>
            <Input />
          </Form.Item>
          <Form.Item name="appliedOn" label={t('agreement.appliedOn')} rules={[{ required: true, message: t('common.required') }]}>
            <DatePicker />
          </Form.Item>
          <Form.Item name="decision" label={t('agreement.decisionLabel')}>
            <Radio.Group
              options={[
                { value: 'confirmed', label: t('agreement.decision.confirmed') },
                { value: 'rejected', label: t('agreement.decision.rejected') },
              ]}
            />
          </Form.Item>
          <Form.Item name="decidedOn" label={t('agreement.decidedOn')}>
            <DatePicker />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

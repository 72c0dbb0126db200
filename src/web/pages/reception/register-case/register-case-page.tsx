import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Col, Descriptions, Form, Input, InputNumber, Result, Row, Select, Space, TreeSelect, Typography } from 'antd';
import { useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { CASE_KINDS, CATEGORIES, CHANNELS, PARTY_ROLES, PARTY_TYPES, RISK_LEVELS } from '../../../../shared/enums.js';
import { DIFFICULTIES } from '../../../../shared/time-limits.js';
import { idNumberSchema, phoneSchema, type CaseDetail, type CreateCaseBody } from '../../../../shared/schemas/cases.js';
import { api, ApiError, newIdempotencyKey } from '../../../app/api.js';
import { useI18n } from '../../../app/i18n.js';
import { useSession } from '../../../app/session.js';
import { toUnitTree, useUnits } from '../../../components/use-units.js';
import { zodRule } from '../../../components/zod-rule.js';
import { EarlierCases } from './earlier-cases.js';
import { RelatedPanel } from './related-panel.js';

type FormValues = Omit<CreateCaseBody, 'place'> & { placeAddress?: string; placeUnitCode?: string };

const EMPTY_PARTY = { role: 'applicant', type: 'person' } as const;

/** The reception desk's form: one screen, keyboard-first, with ID/phone checks and earlier cases as you type. */
export function RegisterCasePage() {
  const { t, label } = useI18n();
  const { message } = App.useApp();
  const { me } = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const units = useUnits();
  const [form] = Form.useForm<FormValues>();
  const [created, setCreated] = useState<CaseDetail>();
  const [isSubmitting, setSubmitting] = useState(false);
  // One key per submission: a retry after a dropped connection or a double press sends the same key.
  const idempotencyKey = useRef(newIdempotencyKey());
  const parties = Form.useWatch('parties', form) as CreateCaseBody['parties'] | undefined;
  const firstWithKey = parties?.find((p) => p?.idNumber || p?.phone);
  const draftValues = Form.useWatch((values: FormValues) => values, form) as Partial<FormValues> | undefined;

  const options = (group: string, values: readonly string[]) => values.map((v) => ({ value: v, label: label(group, v) }));
  // The place can be any unit in the clerk's own subtree (the server checks the same).
  const placeTree = toUnitTree(
    (units.data ?? []).filter((u) => u.kind !== 'department'),
    (u) => u.code,
  );

  const handleFinish = async (v: FormValues) => {
    setSubmitting(true);
    const { placeAddress, placeUnitCode, ...rest } = v;
    const body = {
      ...rest,
      parties: rest.parties.map((p) => Object.fromEntries(Object.entries(p).filter(([, x]) => x !== undefined && x !== ''))),
      ...(placeAddress ? { place: { address: placeAddress, ...(placeUnitCode ? { unitCode: placeUnitCode } : {}) } } : {}),
    };
    try {
      const c = await api<CaseDetail>('/api/cases', { method: 'POST', json: body, headers: { 'idempotency-key': idempotencyKey.current } });
      setCreated(c);
      idempotencyKey.current = newIdempotencyKey();
      await queryClient.invalidateQueries({ queryKey: ['cases'] });
    } catch (err) {
      message.error(err instanceof ApiError ? err.message : String(err));
    } finally {
      setSubmitting(false);
    }
  };

  if (created) {
    return (
      <Card>
        <Result
          status="success"
          title={t('register.done')}
          subTitle={t('register.receipt')}
          extra={[
            <Button key="print" onClick={() => window.print()}>
              {t('common.print')}
            </Button>,
            <Button key="open" onClick={() => navigate(`/cases/${created.id}`)}>
              {t('register.open')}
            </Button>,
            <Button
              key="again"
              type="primary"
              autoFocus
              onClick={() => {
                setCreated(undefined);
                form.resetFields();
              }}
            >
              {t('register.another')}
            </Button>,
          ]}
        >
          <Descriptions bordered column={1} size="small" style={{ maxWidth: 520, margin: '0 auto' }}>
            <Descriptions.Item label={t('case.code')}>
              <Typography.Text strong data-testid="created-code">
                {created.code}
              </Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t('case.trackingToken')}>
              <Typography.Text strong copyable data-testid="created-token">
                {created.trackingToken}
              </Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t('case.summary')}>{created.summary}</Descriptions.Item>
            <Descriptions.Item label={t('progress.handlingUnit')}>{created.unit?.name}</Descriptions.Item>
          </Descriptions>
        </Result>
      </Card>
    );
  }

  return (
    <Row gutter={16}>
      <Col xs={24} xl={16}>
        <Card title={t('register.title')} extra={<Typography.Text type="secondary">{t('register.hint')}</Typography.Text>}>
          <Form<FormValues>
            form={form}
            layout="vertical"
            onFinish={handleFinish}
            initialValues={{ channel: 'walk_in', kind: 'dispute', riskLevel: 'low', difficulty: 'ordinary', peopleInvolved: 1, parties: [EMPTY_PARTY] }}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) form.submit();
            }}
          >
            <Row gutter={12}>
              <Col span={5}>
                <Form.Item name="channel" label={t('case.channel')} rules={[{ required: true }]}>
                  <Select options={options('channel', CHANNELS)} />
                </Form.Item>
              </Col>
              <Col span={4}>
                <Form.Item name="kind" label={t('case.kind')} rules={[{ required: true }]}>
                  <Select options={options('kind', CASE_KINDS)} />
                </Form.Item>
              </Col>
              <Col span={6}>
                <Form.Item name="category" label={t('case.category')} rules={[{ required: true, message: t('common.required') }]}>
                  <Select options={options('category', CATEGORIES)} showSearch optionFilterProp="label" data-testid="category" />
                </Form.Item>
              </Col>
              <Col span={3}>
                <Form.Item name="riskLevel" label={t('case.riskLevel')}>
                  <Select options={options('risk', RISK_LEVELS)} />
                </Form.Item>
              </Col>
              <Col span={3}>
                <Form.Item name="difficulty" label={t('case.difficulty')}>
                  <Select options={options('difficulty', DIFFICULTIES)} />
                </Form.Item>
              </Col>
              <Col span={3}>
                <Form.Item name="peopleInvolved" label={t('case.peopleInvolved')} rules={[{ required: true }]}>
                  <InputNumber min={1} max={100000} style={{ width: '100%' }} />
                </Form.Item>
              </Col>
            </Row>

            <Typography.Title level={5}>{t('case.parties')}</Typography.Title>
            <Form.List name="parties">
              {(fields, { add, remove }) => (
                <>
                  {fields.map((field, i) => (
                    <Card size="small" key={field.key} style={{ marginBottom: 8 }} data-testid={`party-${i}`}>
                      <Row gutter={8}>
                        <Col span={4}>
                          <Form.Item name={[field.name, 'role']} label={t('party.role')}>
                            <Select options={options('partyRole', PARTY_ROLES)} />
                          </Form.Item>
                        </Col>
                        <Col span={3}>
                          <Form.Item name={[field.name, 'type']} label={t('party.type')}>
                            <Select options={options('partyType', PARTY_TYPES)} />
                          </Form.Item>
                        </Col>
                        <Col span={4}>
                          <Form.Item name={[field.name, 'name']} label={t('party.name')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
                            <Input autoFocus={i === 0} />
                          </Form.Item>
                        </Col>
                        <Col span={5}>
                          <Form.Item name={[field.name, 'idNumber']} label={t('party.idNumber')} rules={[zodRule(idNumberSchema, t('register.idInvalid'))]} validateTrigger={['onChange', 'onBlur']}>
                            {/* No maxLength: a pasted `110105 19491231 002X` is normalised by the schema, not cut. */}
                            <Input />
                          </Form.Item>
                        </Col>
                        <Col span={4}>
                          <Form.Item name={[field.name, 'phone']} label={t('party.phone')} rules={[zodRule(phoneSchema, t('register.phoneInvalid'))]} validateTrigger={['onChange', 'onBlur']}>
                            <Input placeholder="13812345678 / 0391-1234567" />
                          </Form.Item>
                        </Col>
                        <Col span={3} style={{ display: 'flex', alignItems: 'center' }}>
                          {fields.length > 1 && (
                            <Button type="text" danger icon={<DeleteOutlined />} onClick={() => remove(field.name)} aria-label={t('party.remove')}>
                              {t('party.remove')}
                            </Button>
                          )}
                        </Col>
                        <Col span={24}>
                          <Form.Item name={[field.name, 'address']} label={t('party.address')} style={{ marginBottom: 0 }}>
                            <Input />
                          </Form.Item>
                        </Col>
                      </Row>
                    </Card>
                  ))}
                  <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ role: 'respondent', type: 'person' })} block style={{ marginBottom: 16 }}>
                    {t('party.add')}
                  </Button>
                </>
              )}
            </Form.List>

            <Form.Item name="summary" label={t('case.summary')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
              <Input maxLength={200} />
            </Form.Item>
            <Form.Item name="narrative" label={t('case.narrative')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
              <Input.TextArea rows={5} maxLength={10000} showCount />
            </Form.Item>
            <Row gutter={12}>
              <Col span={14}>
                <Form.Item name="placeAddress" label={t('case.place')}>
                  <Input />
                </Form.Item>
              </Col>
              <Col span={10}>
                <Form.Item name="placeUnitCode" label={t('case.placeUnit')}>
                  <TreeSelect
                    showSearch
                    allowClear
                    treeNodeFilterProp="title"
                    treeData={placeTree}
                    loading={units.isLoading}
                    placeholder={me?.unit.name}
                    data-testid="place-unit"
                  />
                </Form.Item>
              </Col>
            </Row>
            <Space>
              <Button type="primary" htmlType="submit" loading={isSubmitting}>
                {t('register.submit')}
              </Button>
            </Space>
          </Form>
        </Card>
      </Col>
      <Col xs={24} xl={8}>
        <EarlierCases idNumber={firstWithKey?.idNumber} phone={firstWithKey?.phone} />
        <RelatedPanel
          draft={{
            kind: draftValues?.kind,
            category: draftValues?.category,
            summary: draftValues?.summary,
            narrative: draftValues?.narrative,
            peopleInvolved: draftValues?.peopleInvolved,
            parties: (parties ?? []).filter(Boolean).map((p) => Object.fromEntries(Object.entries(p).filter(([, x]) => x !== undefined && x !== ''))) as never,
            ...(draftValues?.placeAddress ? { place: { address: draftValues.placeAddress, ...(draftValues.placeUnitCode ? { unitCode: draftValues.placeUnitCode } : {}) } } : {}),
          }}
        />
      </Col>
    </Row>
  );
}

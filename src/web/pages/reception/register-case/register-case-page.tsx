import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Form, Input, InputNumber, Result, Row, Select, Space, Spin, TreeSelect, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { CASE_KINDS, CATEGORIES, CHANNELS, PARTY_ROLES, PARTY_TYPES, RISK_LEVELS } from '../../../../shared/enums.js';
import { DIFFICULTIES } from '../../../../shared/time-limits.js';
import { idNumberSchema, phoneSchema, type CaseDetail, type CreateCaseBody, type PartyInput } from '../../../../shared/schemas/cases.js';
import { ApiError, newIdempotencyKey } from '../../../app/api.js';
import { createCase } from '../../../app/services/cases.js';
import { getPublicReceipt } from '../../../app/services/public.js';
import { useI18n } from '../../../app/i18n.js';
import { useSession } from '../../../app/session.js';
import { toUnitTree, useUnits } from '../../../components/use-units.js';
import { zodRule } from '../../../components/zod-rule.js';
import { Receipt } from '../../../components/receipt/receipt.js';
import { EarlierCases } from './earlier-cases.js';
import { RelatedPanel } from './related-panel.js';
import { RoutingSuggestions, useRoutingFeedback } from '../../../components/routing-suggestions.js';

type FormValues = Omit<CreateCaseBody, 'place'> & { placeAddress?: string; placeUnitCode?: string };

const EMPTY_PARTY = { role: 'applicant', type: 'person' } as const;

/** The reception desk's form: one screen, keyboard-first, with ID/phone checks and earlier cases as you type. */
export function RegisterCasePage() {
  const { t, label } = useI18n();
  const { message, modal } = App.useApp();
  const { me, can } = useSession();
  const routingFeedback = useRoutingFeedback('reception');
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const units = useUnits();
  const [form] = Form.useForm<FormValues>();
  const [created, setCreated] = useState<CaseDetail>();
  // The resident's receipt: the same document the portal gives (centre, codes, QR code of the progress page, next step).
  const receipt = useQuery({
    queryKey: ['receipt', created?.trackingToken],
    queryFn: () => getPublicReceipt(created!.trackingToken),
    enabled: !!created,
  });
  const [isSubmitting, setSubmitting] = useState(false);
  // One key per submission: a retry after a dropped connection or a double press sends the same key.
  const idempotencyKey = useRef(newIdempotencyKey());
  const parties = Form.useWatch('parties', form) as CreateCaseBody['parties'] | undefined;
  const focusPartyName = useRef<number | null>(null);
  useEffect(() => {
    if (focusPartyName.current === null || (parties?.length ?? 0) <= focusPartyName.current) return;
    (form.getFieldInstance(['parties', focusPartyName.current, 'name']) as { focus?: () => void } | undefined)?.focus?.();
    focusPartyName.current = null;
  }, [parties?.length, form]);
  const firstWithKey = parties?.find((p) => p?.idNumber || p?.phone);
  const draftValues = Form.useWatch((values: FormValues) => values, form) as Partial<FormValues> | undefined;

  const options = (group: string, values: readonly string[]) => values.map((v) => ({ value: v, label: label(group, v) }));
  // The place can be any unit in the clerk's own subtree (the server checks the same).
  const placeTree = toUnitTree(
    (units.data ?? []).filter((u) => u.kind !== 'department'),
    (u) => u.code,
  );

  /**
   * An ID number already on file under another name (PERSON_NAME_DIFFERS): never replaced silently. The clerk checks
   * the card and either confirms it is the same person — the case keeps the name as typed and the registry records
   * it as another name of that person — or goes back to the ID number.
   */
  const confirmSamePerson = (details: { partyIndex: number; registeredName: string }) =>
    new Promise<boolean>((resolve) => {
      const typed = form.getFieldValue(['parties', details.partyIndex, 'name']) as string;
      modal.confirm({
        title: t('register.nameDiffers.title', { name: details.registeredName }),
        content: t('register.nameDiffers.body', { n: details.partyIndex + 1, typed, name: details.registeredName }),
        okText: t('register.nameDiffers.same'),
        cancelText: t('register.nameDiffers.check'),
        onOk: () => resolve(true),
        onCancel: () => {
          resolve(false);
          (form.getFieldInstance(['parties', details.partyIndex, 'idNumber']) as { focus?: () => void } | undefined)?.focus?.();
        },
      });
    });

  const handleFinish = async (v: FormValues) => {
    setSubmitting(true);
    const { placeAddress, placeUnitCode, ...rest } = v;
    const body = {
      ...rest,
      // Fields left empty are left out (the form has checked the required ones: role, type, name).
      parties: rest.parties.map((p) => Object.fromEntries(Object.entries(p).filter(([, x]) => x !== undefined && x !== '')) as PartyInput),
      ...(placeAddress ? { place: { address: placeAddress, ...(placeUnitCode ? { unitCode: placeUnitCode } : {}) } } : {}),
    };
    try {
      const c = await createCase(body, idempotencyKey.current);
      setCreated(c);
      routingFeedback.finish();
      idempotencyKey.current = newIdempotencyKey();
      await queryClient.invalidateQueries({ queryKey: ['cases'] });
    } catch (err) {
      if (err instanceof ApiError && err.code === 'PERSON_NAME_DIFFERS') {
        const details = err.details as { partyIndex: number; registeredName: string };
        setSubmitting(false);
        if (await confirmSamePerson(details)) {
          form.setFieldValue(['parties', details.partyIndex, 'samePersonConfirmed'], true);
          await handleFinish(form.getFieldsValue(true) as FormValues);
        }
        return;
      }
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
          title={<h2 style={{ fontSize: 24, margin: 0 }}>{t('register.done')}</h2>}
          subTitle={
            <span>
              {t('case.code')}：<strong data-testid="created-code">{created.code}</strong> · {t('case.trackingToken')}：
              <strong data-testid="created-token">{created.trackingToken}</strong>
            </span>
          }
          extra={[
            <Button key="print" type="primary" onClick={() => window.print()} disabled={!receipt.data}>
              {t('common.print')}
            </Button>,
            <Button key="open" onClick={() => navigate(`/cases/${created.id}`)}>
              {t('register.open')}
            </Button>,
            <Button
              key="again"
              autoFocus
              onClick={() => {
                setCreated(undefined);
                form.resetFields();
              }}
            >
              {t('register.another')}
            </Button>,
          ]}
        />
        {receipt.data ? (
          <Receipt receipt={receipt.data} />
        ) : receipt.isError ? (
          <Alert type="error" showIcon title={(receipt.error as Error).message} />
        ) : (
          <Spin />
        )}
      </Card>
    );
  }

  return (
    <Row gutter={16}>
      <Col xs={24} xl={16}>
        {/* No card title: the page's h1 (the layout's) already says 来访登记. */}
        <Card extra={<Typography.Text type="secondary">{t('register.hint')}</Typography.Text>}>
          <Form<FormValues>
            form={form}
            layout="vertical"
            onFinish={handleFinish}
            initialValues={{
              channel: 'walk_in',
              kind: 'dispute',
              riskLevel: 'low',
              difficulty: 'ordinary',
              peopleInvolved: 1,
              parties: [EMPTY_PARTY],
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) form.submit();
            }}
          >
            {/* Each field as wide as its longest label and value in either language ("Camera alert", "Ordinary"),
                wrapping to a second line on a narrow form rather than cutting a value to "Or…"; 涉及人数 keeps its width there. */}
            <Row gutter={8}>
              <Col flex="1 0 136px">
                <Form.Item name="channel" label={t('case.channel')} rules={[{ required: true }]}>
                  {/* The clerk's work starts here (how the person came, what kind, which category), then the parties. */}
                  <Select options={options('channel', CHANNELS)} autoFocus />
                </Form.Item>
              </Col>
              <Col flex="1 0 110px">
                <Form.Item name="kind" label={t('case.kind')} rules={[{ required: true }]}>
                  <Select options={options('kind', CASE_KINDS)} />
                </Form.Item>
              </Col>
              <Col flex="2 0 150px">
                <Form.Item name="category" label={t('case.category')} rules={[{ required: true, message: t('common.required') }]}>
                  <Select options={options('category', CATEGORIES)} showSearch optionFilterProp="label" data-testid="category" />
                </Form.Item>
              </Col>
              <Col flex="1 0 90px">
                <Form.Item name="riskLevel" label={t('case.riskLevel')}>
                  <Select options={options('risk', RISK_LEVELS)} />
                </Form.Item>
              </Col>
              <Col flex="1 0 112px">
                <Form.Item name="difficulty" label={t('case.difficulty')}>
                  <Select options={options('difficulty', DIFFICULTIES)} />
                </Form.Item>
              </Col>
              <Col flex="0 0 100px">
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
                      {/* Widths fit the longest label and value at 1366 px (申请人/反映人, an 18-digit ID, an 11-digit phone). */}
                      <Row gutter={8}>
                        <Col xs={12} xxl={4}>
                          <Form.Item name={[field.name, 'role']} label={t('party.role')}>
                            <Select options={options('partyRole', PARTY_ROLES)} popupMatchSelectWidth={false} />
                          </Form.Item>
                        </Col>
                        <Col xs={12} xxl={4}>
                          <Form.Item name={[field.name, 'type']} label={t('party.type')}>
                            <Select options={options('partyType', PARTY_TYPES)} popupMatchSelectWidth={false} />
                          </Form.Item>
                        </Col>
                        <Col xs={8} xxl={5}>
                          <Form.Item
                            name={[field.name, 'name']}
                            label={t('party.name')}
                            rules={[{ required: true, whitespace: true, message: t('common.required') }]}
                          >
                            <Input />
                          </Form.Item>
                        </Col>
                        <Col xs={9} xxl={6}>
                          <Form.Item
                            name={[field.name, 'idNumber']}
                            label={t('party.idNumber')}
                            rules={[zodRule(idNumberSchema, t('register.idInvalid'))]}
                            validateTrigger={['onChange', 'onBlur']}
                          >
                            {/* No maxLength: a pasted `110105 19491231 002X` is normalised by the schema, not cut. */}
                            <Input />
                          </Form.Item>
                        </Col>
                        <Col xs={7} xxl={5}>
                          <Form.Item
                            name={[field.name, 'phone']}
                            label={t('party.phone')}
                            rules={[zodRule(phoneSchema, t('register.phoneInvalid'))]}
                            validateTrigger={['onChange', 'onBlur']}
                          >
                            <Input inputMode="tel" placeholder="13812345678 / 0391-1234567" />
                          </Form.Item>
                        </Col>
                        <Col xs={fields.length > 1 ? 20 : 24}>
                          <Form.Item name={[field.name, 'address']} label={t('party.address')} style={{ marginBottom: 0 }}>
                            <Input />
                          </Form.Item>
                        </Col>
                        {fields.length > 1 && (
                          <Col xs={4} style={{ display: 'flex', alignItems: 'flex-end' }}>
                            <Button type="text" danger icon={<DeleteOutlined />} onClick={() => remove(field.name)}>
                              {t('party.remove')}
                            </Button>
                          </Col>
                        )}
                      </Row>
                    </Card>
                  ))}
                  <Button
                    type="dashed"
                    icon={<PlusOutlined />}
                    onClick={() => {
                      add({ role: 'respondent', type: 'person' });
                      // The clerk goes on typing the new party's name, not five Shift+Tab back to it.
                      focusPartyName.current = fields.length;
                    }}
                    block
                    style={{ marginBottom: 16 }}
                  >
                    {t('party.add')}
                  </Button>
                </>
              )}
            </Form.List>

            <Form.Item
              name="summary"
              label={t('case.summary')}
              rules={[{ required: true, whitespace: true, message: t('common.required') }]}
            >
              <Input maxLength={200} />
            </Form.Item>
            <Form.Item
              name="narrative"
              label={t('case.narrative')}
              rules={[{ required: true, whitespace: true, message: t('common.required') }]}
            >
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
        {can('routing.suggest') && (
          <RoutingSuggestions
            summary={draftValues?.summary}
            narrative={draftValues?.narrative}
            show={['kind', 'category', 'unit']}
            feedback={routingFeedback}
            onAccept={(v) => form.setFieldsValue({ ...(v.kind ? { kind: v.kind } : {}), ...(v.category ? { category: v.category } : {}) })}
          />
        )}
        <RelatedPanel
          draft={{
            kind: draftValues?.kind,
            category: draftValues?.category,
            summary: draftValues?.summary,
            narrative: draftValues?.narrative,
            peopleInvolved: draftValues?.peopleInvolved,
            parties: (parties ?? [])
              .filter(Boolean)
              .map((p) => Object.fromEntries(Object.entries(p).filter(([, x]) => x !== undefined && x !== ''))) as never,
            ...(draftValues?.placeAddress
              ? {
                  place: {
                    address: draftValues.placeAddress,
                    ...(draftValues.placeUnitCode ? { unitCode: draftValues.placeUnitCode } : {}),
                  },
                }
              : {}),
          }}
        />
      </Col>
    </Row>
  );
}

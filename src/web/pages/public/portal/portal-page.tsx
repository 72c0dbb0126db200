import { CounsellingRequestCard } from './counselling-request-card.js';
import { CameraOutlined, CheckCircleTwoTone } from '@ant-design/icons';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, App, Button, Card, Cascader, Form, Input, InputNumber, Radio, Result, Select, Space, Steps, Typography, Upload, type UploadFile } from 'antd';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { CATEGORIES } from '../../../../shared/enums.js';
import { mobileSchema } from '../../../../shared/schemas/text.js';
import type { PortalReportBody } from '../../../../shared/schemas/portal.js';
import { ATTACHMENT_LIMITS } from '../../../../shared/limits.js';
import { api, ApiError, newIdempotencyKey } from '../../../app/api.js';
import { useI18n } from '../../../app/i18n.js';
import { zodRule } from '../../../components/zod-rule.js';

interface Place {
  code: string;
  name: string;
  kind: 'street' | 'community';
  parentCode: string | null;
}
interface Verified {
  ticket: string;
  maskedPhone: string;
  expiresAt: string;
}
interface Filed {
  code: string;
  trackingToken: string;
  photoLimit: number;
}

const TICKET_KEY = 'fq.portal.ticket';

function loadTicket(): Verified | null {
  try {
    const v = JSON.parse(sessionStorage.getItem(TICKET_KEY) ?? 'null') as Verified | null;
    return v && new Date(v.expiresAt) > new Date() ? v : null;
  } catch {
    return null;
  }
}

/**
 * 群众自助申请: the resident's page on a phone, no account. Verify the phone by SMS, tell what happened, add photos,
 * and keep the tracking code to follow it. Everything is served by the platform itself (no map, font or script
 * from outside).
 */
export function PortalPage() {
  const { t, lang, setLang } = useI18n();
  const [verified, setVerified] = useState<Verified | null>(loadTicket);
  const [filed, setFiled] = useState<Filed | null>(null);
  const step = filed ? 2 : verified ? 1 : 0;

  return (
    <div style={{ maxWidth: 560, margin: '0 auto', padding: 12 }}>
      <Space style={{ width: '100%', justifyContent: 'space-between' }} align="center">
        <Typography.Title level={4} style={{ margin: '8px 0' }}>
          {t('portal.title')}
        </Typography.Title>
        <Button size="small" onClick={() => setLang(lang === 'zh-CN' ? 'en-US' : 'zh-CN')}>
          {t('app.language')}
        </Button>
      </Space>
      <Typography.Paragraph type="secondary">{t('portal.intro')}</Typography.Paragraph>
      <Steps size="small" current={step} responsive={false} style={{ marginBottom: 12 }} items={[{ title: t('portal.step.phone') }, { title: t('portal.step.report') }, { title: t('portal.step.done') }]} />
      {step === 0 && (
        <PhoneStep
          onVerified={(v) => {
            sessionStorage.setItem(TICKET_KEY, JSON.stringify(v));
            setVerified(v);
          }}
        />
      )}
      {step === 1 && verified && (
        <ReportStep
          verified={verified}
          onExpired={() => {
            sessionStorage.removeItem(TICKET_KEY);
            setVerified(null);
          }}
          onFiled={setFiled}
        />
      )}
      {step === 1 && verified && <CounsellingRequestCard ticket={verified.ticket} />}
      {step === 2 && filed && <DoneStep filed={filed} onAnother={() => setFiled(null)} />}
      <div style={{ marginTop: 16, textAlign: 'center' }}>
        <Space split="·">
          <Link to="/progress">{t('portal.checkProgress')}</Link>
          <Link to="/login">{t('login.title')}</Link>
        </Space>
      </div>
    </div>
  );
}

function PhoneStep({ onVerified }: { onVerified: (v: Verified) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ phone: string; code: string }>();
  const [sent, setSent] = useState<{ verificationId: string; demoCode?: string } | null>(null);
  const send = useMutation({
    mutationFn: (phone: string) => api<{ verificationId: string; demoCode?: string }>('/api/public/verifications', { method: 'POST', json: { phone } }),
    onSuccess: setSent,
  });
  const confirm = useMutation({
    mutationFn: (code: string) => api<Verified>(`/api/public/verifications/${sent!.verificationId}/confirm`, { method: 'POST', json: { code } }),
    onSuccess: onVerified,
  });
  const error = (send.error ?? confirm.error) as ApiError | null;
  return (
    <Card size="small">
      <Form form={form} layout="vertical" requiredMark={false}>
        <Form.Item name="phone" label={t('portal.phone')} rules={[{ required: true, message: t('common.required') }, zodRule(mobileSchema, t('portal.phoneInvalid'))]}>
          <Input inputMode="tel" autoComplete="tel" maxLength={13} placeholder="13800000000" />
        </Form.Item>
        <Button block loading={send.isPending} onClick={async () => send.mutate((await form.validateFields(['phone'])).phone)}>
          {sent ? t('portal.resend') : t('portal.sendCode')}
        </Button>
        {sent && (
          <>
            {sent.demoCode && <Alert style={{ marginTop: 12 }} type="info" showIcon title={t('portal.demoCode', { code: sent.demoCode })} data-testid="demo-code" />}
            <Form.Item name="code" label={t('portal.code')} style={{ marginTop: 12 }} rules={[{ required: true, pattern: /^\d{6}$/, message: t('portal.codeInvalid') }]}>
              <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} />
            </Form.Item>
            <Button type="primary" block loading={confirm.isPending} onClick={async () => confirm.mutate((await form.validateFields(['code'])).code)}>
              {t('portal.verify')}
            </Button>
          </>
        )}
        {error && <Alert style={{ marginTop: 12 }} type="error" showIcon title={error.message} role="alert" />}
      </Form>
      <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0, fontSize: 12 }}>
        {t('portal.privacy')}
      </Typography.Paragraph>
    </Card>
  );
}

interface ReportForm {
  kind: 'dispute' | 'help';
  category: (typeof CATEGORIES)[number];
  name: string;
  narrative: string;
  peopleInvolved: number;
  place: string[];
  address: string;
  respondent?: string;
  website?: string;
}

function ReportStep({ verified, onFiled, onExpired }: { verified: Verified; onFiled: (f: Filed) => void; onExpired: () => void }) {
  const { t, label } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<ReportForm>();
  const [photos, setPhotos] = useState<UploadFile[]>([]);
  // One key per submission, kept across retries: a double tap or a retry after a lost answer is one case.
  const [key] = useState(newIdempotencyKey);
  const places = useQuery({ queryKey: ['public-places'], queryFn: () => api<Place[]>('/api/public/places'), staleTime: Infinity });
  const options = useMemo(() => {
    const all = places.data ?? [];
    return all
      .filter((p) => p.kind === 'street')
      .map((s) => ({ value: s.code, label: s.name, children: all.filter((c) => c.parentCode === s.code).map((c) => ({ value: c.code, label: c.name.replace(/居民委员会|村民委员会$/, '') })) }));
  }, [places.data]);

  const submit = useMutation({
    mutationFn: async (v: ReportForm) => {
      const body: PortalReportBody = {
        kind: v.kind,
        category: v.category,
        name: v.name,
        narrative: v.narrative,
        peopleInvolved: v.peopleInvolved,
        place: { address: v.address, ...(v.place?.length ? { unitCode: v.place[v.place.length - 1] } : {}) },
        ...(v.respondent ? { respondent: v.respondent } : {}),
        ...(v.website ? { website: v.website } : {}),
      };
      const filed = await api<Filed>('/api/public/reports', { method: 'POST', json: body, headers: { 'x-portal-ticket': verified.ticket, 'idempotency-key': key } });
      let failed = 0;
      for (const p of photos) {
        const data = new FormData();
        data.append('file', p.originFileObj as File, p.name);
        await api(`/api/public/reports/${filed.trackingToken}/photos`, { method: 'POST', body: data, headers: { 'x-portal-ticket': verified.ticket } }).catch(() => failed++);
      }
      if (failed) message.warning(t('portal.photosFailed', { count: failed }));
      return filed;
    },
    onSuccess: onFiled,
    onError: (err) => {
      if (err instanceof ApiError && err.code === 'PORTAL_TICKET_INVALID') onExpired();
    },
  });

  return (
    <Card size="small" title={t('portal.verifiedAs', { phone: verified.maskedPhone })}>
      <Form<ReportForm>
        form={form}
        layout="vertical"
        initialValues={{ kind: 'dispute', peopleInvolved: 1 }}
        onFinish={(v) => submit.mutate(v)}
        scrollToFirstError
        disabled={submit.isPending}
      >
        <Form.Item name="kind" label={t('portal.kind')}>
          <Radio.Group optionType="button" buttonStyle="solid" options={[{ value: 'dispute', label: t('portal.kind.dispute') }, { value: 'help', label: t('portal.kind.help') }]} />
        </Form.Item>
        <Form.Item name="category" label={t('case.category')} rules={[{ required: true, message: t('common.required') }]}>
          <Select showSearch={{ optionFilterProp: 'label' }} placeholder={t('portal.categoryPlaceholder')} options={CATEGORIES.map((c) => ({ value: c, label: label('category', c) }))} />
        </Form.Item>
        <Form.Item name="narrative" label={t('portal.narrative')} rules={[{ required: true, min: 10, message: t('portal.narrativeShort') }]}>
          <Input.TextArea rows={5} showCount maxLength={5000} placeholder={t('portal.narrativePlaceholder')} />
        </Form.Item>
        <Form.Item name="place" label={t('portal.place')} rules={[{ required: true, message: t('common.required') }]}>
          <Cascader options={options} changeOnSelect placeholder={t('portal.placePlaceholder')} loading={places.isLoading} showSearch />
        </Form.Item>
        <Form.Item name="address" label={t('portal.address')} rules={[{ required: true, message: t('common.required') }]}>
          <Input maxLength={200} placeholder={t('portal.addressPlaceholder')} />
        </Form.Item>
        <Form.Item name="respondent" label={t('portal.respondent')}>
          <Input maxLength={100} placeholder={t('portal.respondentPlaceholder')} />
        </Form.Item>
        <Form.Item name="peopleInvolved" label={t('case.peopleInvolved')}>
          <InputNumber min={1} max={10000} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="name" label={t('portal.name')} rules={[{ required: true, message: t('common.required') }]}>
          <Input maxLength={50} autoComplete="name" />
        </Form.Item>
        {/* Left empty by people (it is hidden from them); robots that fill every field are refused. */}
        <div aria-hidden="true" style={{ position: 'absolute', left: -10000, width: 1, height: 1, overflow: 'hidden' }}>
          <Form.Item name="website" label="Website">
            <Input tabIndex={-1} autoComplete="off" />
          </Form.Item>
        </div>
        <Form.Item label={t('portal.photos')} extra={t('portal.photosHint')}>
          <Upload
            listType="picture"
            accept={ATTACHMENT_LIMITS.photo.mimeTypes.join(',')}
            multiple
            maxCount={6}
            fileList={photos}
            beforeUpload={(file) => {
              if (file.size > ATTACHMENT_LIMITS.photo.maxBytes) {
                message.error(t('portal.photoTooLarge'));
                return Upload.LIST_IGNORE;
              }
              return false;
            }}
            onChange={({ fileList }) => setPhotos(fileList)}
          >
            <Button icon={<CameraOutlined />}>{t('portal.addPhoto')}</Button>
          </Upload>
        </Form.Item>
        {submit.error && <Alert style={{ marginBottom: 12 }} type="error" showIcon title={(submit.error as Error).message} role="alert" />}
        <Button type="primary" htmlType="submit" block size="large" loading={submit.isPending}>
          {t('portal.submit')}
        </Button>
      </Form>
    </Card>
  );
}

function DoneStep({ filed, onAnother }: { filed: Filed; onAnother: () => void }) {
  const { t } = useI18n();
  return (
    <Card size="small">
      <Result
        icon={<CheckCircleTwoTone twoToneColor="#52c41a" />}
        title={t('portal.doneTitle')}
        subTitle={t('portal.doneHint')}
        extra={[
          <Link key="progress" to={`/progress/${filed.trackingToken}`}>
            <Button type="primary">{t('portal.checkProgress')}</Button>
          </Link>,
          <Button key="again" onClick={onAnother}>
            {t('portal.another')}
          </Button>,
        ]}
      >
        <Typography.Paragraph>
          {t('case.code')}：<Typography.Text strong data-testid="portal-code">{filed.code}</Typography.Text>
        </Typography.Paragraph>
        <Typography.Paragraph>
          {t('portal.token')}：
          <Typography.Text strong copyable code data-testid="portal-token" style={{ fontSize: 16 }}>
            {filed.trackingToken}
          </Typography.Text>
        </Typography.Paragraph>
      </Result>
    </Card>
  );
}

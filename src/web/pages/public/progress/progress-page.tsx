import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Form, Input, Radio, Space, Steps, Typography } from 'antd';
import { SATISFACTIONS, type Satisfaction } from '../../../../shared/enums.js';
import dayjs from 'dayjs';
import { Link, useNavigate, useParams } from 'react-router';
import type { PublicProgress } from '../../../../shared/schemas/cases.js';
import { api } from '../../../app/api.js';
import { useI18n } from '../../../app/i18n.js';
import { StatusTag } from '../../../components/case-tags.js';

/** The resident's page: type the tracking code from the receipt, see where the matter stands. No sign-in. */
export function ProgressPage() {
  const { t, label, lang, setLang } = useI18n();
  const { token } = useParams<{ token?: string }>();
  const navigate = useNavigate();
  const query = useQuery({
    queryKey: ['progress', token],
    queryFn: () => api<PublicProgress>(`/api/public/progress/${encodeURIComponent(token!)}`),
    enabled: !!token,
    retry: false,
  });

  return (
    <div style={{ maxWidth: 640, margin: '0 auto', padding: 16 }}>
      <Space style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Title level={3}>{t('progress.title')}</Typography.Title>
        <Button size="small" onClick={() => setLang(lang === 'zh-CN' ? 'en-US' : 'zh-CN')}>
          {t('app.language')}
        </Button>
      </Space>
      <Card>
        <Input.Search
          placeholder={t('progress.prompt')}
          enterButton={t('progress.submit')}
          size="large"
          defaultValue={token}
          autoFocus
          aria-label={t('progress.prompt')}
          onSearch={(v) => v.trim() && navigate(`/progress/${encodeURIComponent(v.trim())}`)}
          loading={query.isFetching}
        />
        <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
          {t('progress.privacy')}
        </Typography.Paragraph>
      </Card>
      {query.isError && <Alert type="error" showIcon title={(query.error as Error).message} style={{ marginTop: 16 }} role="alert" />}
      {query.data && (
        <Card style={{ marginTop: 16 }} data-testid="progress-result">
          <Descriptions column={1} size="small">
            <Descriptions.Item label={t('case.code')}>{query.data.code}</Descriptions.Item>
            <Descriptions.Item label={t('case.status')}>
              <StatusTag status={query.data.status} />
            </Descriptions.Item>
            <Descriptions.Item label={t('case.category')}>
              {label('kind', query.data.kind)} · {label('category', query.data.category)}
            </Descriptions.Item>
            <Descriptions.Item label={t('progress.handlingUnit')}>{query.data.handlingUnit ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('progress.registeredAt')}>{dayjs(query.data.registeredAt).format('YYYY-MM-DD HH:mm')}</Descriptions.Item>
          </Descriptions>
          <Typography.Title level={5}>{t('progress.steps')}</Typography.Title>
          <Steps
            direction="vertical"
            size="small"
            current={query.data.steps.length - 1}
            items={query.data.steps.map((s) => ({
              title: s.toStatus ? label('status', s.toStatus) : label('action', s.action),
              description: dayjs(s.at).format('YYYY-MM-DD HH:mm'),
            }))}
          />
          {query.data.canRate && <RatingForm token={token!} onRated={() => void query.refetch()} />}
          {query.data.satisfaction && (
            <Alert type="success" showIcon title={t('progress.rated', { satisfaction: label('satisfaction', query.data.satisfaction) })} data-testid="progress-rated" />
          )}
        </Card>
      )}
      <div style={{ marginTop: 16, textAlign: 'center' }}>
        <Link to="/login">{t('login.title')}</Link>
      </div>
    </div>
  );
}

/** 评价: once the case is concluded, the resident rates how it was handled (it is the case's follow-up). */
function RatingForm({ token, onRated }: { token: string; onRated: () => void }) {
  const { t, label } = useI18n();
  const rate = useMutation({
    mutationFn: (v: { satisfaction: Satisfaction; comment?: string }) =>
      api(`/api/public/progress/${encodeURIComponent(token)}/rating`, { method: 'POST', json: v }),
    onSuccess: onRated,
  });
  return (
    <Card size="small" type="inner" title={t('progress.rateTitle')} data-testid="rating-form">
      <Form layout="vertical" onFinish={(v: { satisfaction: Satisfaction; comment?: string }) => rate.mutate(v)} disabled={rate.isPending}>
        <Form.Item name="satisfaction" rules={[{ required: true, message: t('common.required') }]}>
          <Radio.Group options={SATISFACTIONS.map((s) => ({ value: s, label: label('satisfaction', s) }))} />
        </Form.Item>
        <Form.Item name="comment" label={t('progress.rateComment')}>
          <Input.TextArea rows={2} maxLength={500} showCount />
        </Form.Item>
        {rate.error && <Alert type="error" showIcon title={(rate.error as Error).message} style={{ marginBottom: 12 }} />}
        <Button type="primary" htmlType="submit" loading={rate.isPending}>
          {t('progress.rateSubmit')}
        </Button>
      </Form>
    </Card>
  );
}

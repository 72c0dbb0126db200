import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Card, Collapse, Form, Input, Typography } from 'antd';
import { api } from '../../../app/api.js';
import { useI18n } from '../../../app/i18n.js';

/** 申请心理咨询 for a verified phone: a counsellor calls back; what is written reaches counsellors only. */
export function CounsellingRequestCard({ ticket }: { ticket: string }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ name: string; reason: string }>();
  const send = useMutation({
    mutationFn: (v: { name: string; reason: string }) => api<{ received: boolean }>('/api/public/counselling-requests', { method: 'POST', json: v, headers: { 'x-portal-ticket': ticket } }),
  });
  return (
    <Card size="small" style={{ marginTop: 12 }}>
      <Collapse
        ghost
        items={[
          {
            key: 'counselling',
            label: t('portal.counselling.title'),
            children: send.isSuccess ? (
              <Alert type="success" showIcon message={t('portal.counselling.received')} description={t('kiosk.help')} data-testid="portal-counselling-received" />
            ) : (
              <Form form={form} layout="vertical" onFinish={(v) => send.mutate(v)}>
                <Typography.Paragraph type="secondary">{t('portal.counselling.intro')}</Typography.Paragraph>
                <Form.Item name="name" label={t('portal.counselling.name')} rules={[{ required: true, message: t('portal.counselling.name') }]}>
                  <Input maxLength={50} />
                </Form.Item>
                <Form.Item name="reason" label={t('portal.counselling.reason')} rules={[{ required: true, min: 2, message: t('portal.counselling.reason') }]}>
                  <Input.TextArea rows={3} maxLength={500} />
                </Form.Item>
                {send.isError && <Alert type="error" showIcon message={(send.error as Error).message} style={{ marginBottom: 12 }} />}
                <Button htmlType="submit" loading={send.isPending}>
                  {t('portal.counselling.send')}
                </Button>
              </Form>
            ),
          },
        ]}
      />
    </Card>
  );
}

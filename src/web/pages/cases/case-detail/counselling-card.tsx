import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Form, Input, Modal, Select, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import type { CaseDetail } from '../../../../shared/schemas/cases.js';
import { requestFromCaseSchema, type RequestFromCaseBody } from '../../../../shared/schemas/counselling.js';
import { zodRule } from '../../../components/zod-rule.js';
import { useI18n } from '../../../app/i18n.js';
import { useSession } from '../../../app/session.js';
import { getCaseCounselling, referToCounselling } from './service.js';
import { atCentre } from '../../../app/centre-date.js';

/**
 * 心理服务 on the case page: refer a party who is in distress; afterwards only that a service exists and its status
 * are shown here — what is said in counselling stays with the counsellors.
 */
export function CounsellingCard({ detail }: { detail: CaseDetail }) {
  const { t, label } = useI18n();
  const { can } = useSession();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm();
  const services = useQuery({
    queryKey: ['cases', detail.id, 'counselling'],
    queryFn: () => getCaseCounselling(detail.id),
  });
  const refer = useMutation({
    mutationFn: (v: RequestFromCaseBody) => referToCounselling(detail.id, v),
    onSuccess: async () => {
      message.success(t('counselling.referred'));
      setOpen(false);
      form.resetFields();
      await queryClient.invalidateQueries({ queryKey: ['cases', detail.id, 'counselling'] });
    },
  });
  const people = detail.parties.filter((p) => p.type === 'person');
  const list = services.data?.services ?? [];
  if (!can('counselling.request') && list.length === 0) return null;
  return (
    <Card
      size="small"
      title={t('counselling.title')}
      data-testid="case-counselling"
      extra={
        can('counselling.request') &&
        people.length > 0 && (
          <Button size="small" onClick={() => setOpen(true)}>
            {t('counselling.refer')}
          </Button>
        )
      }
    >
      {list.length === 0 ? (
        <Typography.Text type="secondary">{t('counselling.none')}</Typography.Text>
      ) : (
        <Space direction="vertical">
          {list.map((s) => (
            <Space key={s.id}>
              <Tag color={s.status === 'closed' ? 'default' : 'purple'}>{label('counsellingStatus', s.status)}</Tag>
              <Typography.Text type="secondary">{atCentre(s.createdAt).format('YYYY-MM-DD')}</Typography.Text>
            </Space>
          ))}
          <Typography.Text type="secondary">{t('counselling.sealedHint')}</Typography.Text>
        </Space>
      )}
      <Modal
        open={open}
        title={t('counselling.refer')}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        confirmLoading={refer.isPending}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={(v) => refer.mutate(v)}>
          <Form.Item name="personId" label={t('counselling.person')} rules={[{ required: true, message: t('counselling.person') }]}>
            <Select options={people.map((p) => ({ value: p.personId, label: `${p.name}（${label('partyRole', p.role)}）` }))} />
          </Form.Item>
          <Form.Item
            name="reason"
            label={t('counselling.reason')}
            rules={[
              { required: true, message: t('counselling.needReferReason') },
              zodRule(requestFromCaseSchema.shape.reason, t('counselling.needReferReason')),
            ]}
          >
            <Input.TextArea rows={3} maxLength={500} placeholder={t('counselling.referReasonPlaceholder')} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

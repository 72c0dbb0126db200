import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Form, InputNumber, Select, Space, Typography } from 'antd';
import { useEffect } from 'react';
import type { RiskRules } from '../../../../shared/schemas/related.js';
import { ApiError } from '../../../app/api.js';
import { useI18n } from '../../../app/i18n.js';
import { useSession } from '../../../app/session.js';
import { getRiskRules, updateRiskRules } from './service.js';

/** 风险研判规则: the thresholds and expressions behind the risk signals at intake. Everyone sees them; the admin edits. */
export function RiskRulesPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const rules = useQuery({ queryKey: ['risk-rules'], queryFn: () => getRiskRules() });
  const [form] = Form.useForm<RiskRules>();
  const canEdit = can('riskRules.edit');
  useEffect(() => {
    if (rules.data) form.setFieldsValue(rules.data);
  }, [rules.data, form]);

  const save = async (v: RiskRules) => {
    try {
      await updateRiskRules(v);
      message.success(t('cameras.saved'));
      await queryClient.invalidateQueries({ queryKey: ['risk-rules'] });
    } catch (err) {
      message.error(err instanceof ApiError ? err.message : String(err));
    }
  };
  const number = (name: keyof RiskRules, min: number, max: number) => (
    <Form.Item name={name} label={t(`riskRules.${name}`)} rules={[{ required: true, message: t('common.required') }]}>
      <InputNumber min={min} max={max} />
    </Form.Item>
  );
  return (
    <Card size="small" title={t('riskRules.title')} loading={rules.isLoading}>
      <Typography.Paragraph type="secondary">{t('riskRules.hint')}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={save} disabled={!canEdit} style={{ maxWidth: 720 }}>
        <Space wrap size="large">
          {number('massPeopleThreshold', 2, 10000)}
          {number('massCaseCount', 2, 1000)}
          {number('massWindowDays', 1, 365)}
          {number('repeatVisitCount', 2, 100)}
          {number('repeatVisitDays', 1, 3650)}
          {number('vulnerableAgeFrom', 50, 120)}
          {number('vulnerableAgeUnder', 1, 30)}
          {number('skipLevelDays', 1, 3650)}
        </Space>
        <Form.Item name="threatWords" label={t('riskRules.threatWords')} extra={t('riskRules.threatWordsHint')}>
          <Select mode="tags" tokenSeparators={[',', '，', '、', ' ']} />
        </Form.Item>
        {canEdit && (
          <Button type="primary" htmlType="submit">
            {t('common.save')}
          </Button>
        )}
      </Form>
    </Card>
  );
}

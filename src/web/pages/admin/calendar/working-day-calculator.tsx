import { Alert, Button, Card, DatePicker, Form, InputNumber, Radio, Space, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { ApiError } from '../../../app/api.js';
import { useI18n } from '../../../app/i18n.js';
import { centreDay, centreToday } from '../../../app/centre-date.js';
import { addCalendarDays, addWorkingDays } from './service.js';

/** A deadline calculator for staff: from a date, N working days or N calendar days (with the last-day rule). */
export function WorkingDayCalculator() {
  const { t } = useI18n();
  const [result, setResult] = useState<{ date: string; provisional: boolean }>();
  const [error, setError] = useState<string>();

  const handleFinish = async (v: { from: Dayjs; days: number; unit: 'working' | 'calendar' }) => {
    setError(undefined);
    try {
      const add = v.unit === 'working' ? addWorkingDays : addCalendarDays;
      setResult(await add(v.from.format('YYYY-MM-DD'), v.days));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };

  return (
    <Card size="small" title={t('calendar.calculator')}>
      <Form layout="inline" onFinish={handleFinish} initialValues={{ from: centreToday(), days: 15, unit: 'working' }}>
        <Form.Item name="from" label={t('calendar.from')} rules={[{ required: true }]}>
          <DatePicker allowClear={false} />
        </Form.Item>
        <Form.Item name="days" rules={[{ required: true }]}>
          <InputNumber min={0} max={3650} aria-label={t('calendar.days')} />
        </Form.Item>
        <Form.Item name="unit">
          <Radio.Group
            options={[
              { value: 'working', label: t('calendar.workingDays') },
              { value: 'calendar', label: t('calendar.calendarDays') },
            ]}
          />
        </Form.Item>
        <Button htmlType="submit" type="primary">
          {t('calendar.compute')}
        </Button>
      </Form>
      {error && <Alert type="error" title={error} style={{ marginTop: 12 }} />}
      {result && (
        <Space style={{ marginTop: 12 }} data-testid="calculator-result">
          <Typography.Text>{t('calendar.dueDate')}</Typography.Text>
          <Typography.Text strong>
            {result.date}（{centreDay(result.date).format('ddd')}）
          </Typography.Text>
          {result.provisional && <Typography.Text type="warning">{t('calendar.provisional')}</Typography.Text>}
        </Space>
      )}
    </Card>
  );
}

import { DownloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Col, DatePicker, Row, Space, Statistic, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { COUNSELLING_FIGURE_KEYS } from '../../../shared/schemas/counselling.js';
import { useState } from 'react';
import { centreToday } from '../../app/centre-date.js';
import { useI18n } from '../../app/i18n.js';
import { getCounsellingFigures } from './service.js';

/** 心理服务数据 for leaders: counts only — never a name, a reason, a score or a note. */
export function CounsellingFiguresPage() {
  const { t } = useI18n();
  const [range, setRange] = useState<[Dayjs, Dayjs]>([centreToday().startOf('year'), centreToday()]);
  const [from, to] = [range[0].format('YYYY-MM-DD'), range[1].format('YYYY-MM-DD')];
  const qs = `from=${from}&to=${to}`;
  const figures = useQuery({
    queryKey: ['counselling', 'figures', qs],
    queryFn: () => getCounsellingFigures(from, to),
  });
  const f = figures.data;
  return (
    <Card
      title={t('counselling.figures')}
      extra={
        <Space wrap>
          <DatePicker.RangePicker allowClear={false} value={range} onChange={(v) => v && setRange([v[0]!, v[1]!])} />
          <Button
            icon={<DownloadOutlined />}
            href={`/api/counselling/figures.xlsx?${qs}`}
            download
            data-testid="counselling-figures-export"
          >
            {t('cockpit.export')}
          </Button>
        </Space>
      }
    >
      {figures.isError && <Alert type="error" showIcon message={(figures.error as Error).message} />}
      <Row gutter={[16, 16]}>
        {COUNSELLING_FIGURE_KEYS.map((k) => (
          <Col xs={12} md={6} key={k}>
            <Card size="small" loading={figures.isLoading}>
              <Statistic
                title={t(`counselling.figure.${k}` as never, { n: f?.answerWithinMinutes ?? 60 })}
                value={f?.[k] ?? 0}
                valueStyle={k === 'alertsOpen' && f?.alertsOpen ? { color: '#cf1322' } : undefined}
              />
            </Card>
          </Col>
        ))}
      </Row>
      <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0 }}>
        {t('counselling.figuresConfidential')}
      </Typography.Paragraph>
    </Card>
  );
}

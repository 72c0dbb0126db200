import { Card, Empty, List, Space, Tag, Typography } from 'antd';
import type { Clock } from '../../../../shared/schemas/cases.js';
import { useI18n } from '../../../app/i18n.js';
import { DeadlineBadge } from '../../../components/deadline-badge.js';

/** Every clock of the case: running ones with their colour, ended ones with whether they ended late. */
export function ClocksCard({ clocks }: { clocks: Clock[] }) {
  const { t, label } = useI18n();
  const ordered = [...clocks].sort((a, b) => Number(b.isRunning) - Number(a.isRunning) || b.startedOn.localeCompare(a.startedOn));
  return (
    <Card title={t('deadline.title')} size="small" data-testid="clocks">
      {ordered.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('common.empty')} />
      ) : (
        <List
          size="small"
          dataSource={ordered}
          renderItem={(k) => (
            <List.Item>
              <Space direction="vertical" size={2} style={{ width: '100%' }}>
                <Space wrap>
                  <Typography.Text strong>{label('stage', k.stage)}</Typography.Text>
                  <Typography.Text type="secondary">
                    {k.days}
                    {t(k.unit === 'working' ? 'deadline.workingDays' : 'deadline.calendarDays')}
                    {k.extendedDays > 0 ? ` + ${k.extendedDays}${t('deadline.calendarDays')}` : ''}
                    {k.pausedDays > 0 ? ` · ${t('deadline.pausedDays', { n: k.pausedDays })}` : ''}
                  </Typography.Text>
                  {k.isRunning ? (
                    <DeadlineBadge clock={k} />
                  ) : (
                    <>
                      <Tag>{t('deadline.stopped')}</Tag>
                      <Tag color={k.level === 'overdue' ? 'red' : 'green'}>
                        {t(k.level === 'overdue' ? 'deadline.late' : 'deadline.onTime')}
                      </Tag>
                    </>
                  )}
                </Space>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('deadline.basis')}：{k.legalBasis}
                </Typography.Text>
              </Space>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}

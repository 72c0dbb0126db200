import { Card, List, Space, Tag, Typography } from 'antd';
import type { CaseDetail } from '../../../../shared/schemas/cases.js';
import { useI18n } from '../../../app/i18n.js';
import { atCentre } from '../../../app/centre-date.js';

/** 督办 and 延期 of the case; shown only when there are any. */
export function SupervisionCard({ detail }: { detail: CaseDetail }) {
  const { t } = useI18n();
  if (detail.urges.length === 0 && detail.extensions.length === 0) return null;
  return (
    <Card size="small" title={`${t('urge.title')} / ${t('extension.title')}`} data-testid="supervision">
      <List
        size="small"
        dataSource={[
          ...detail.urges.map((u) => ({ key: u.id, at: u.urgedAt, kind: 'urge' as const, u })),
          ...detail.extensions.map((e) => ({ key: e.id, at: e.requestedAt, kind: 'extension' as const, e })),
        ].sort((a, b) => b.at.localeCompare(a.at))}
        renderItem={(item) =>
          item.kind === 'urge' ? (
            <List.Item>
              <Space direction="vertical" size={2}>
                <Space wrap>
                  <Typography.Text strong>{t('urge.title')}</Typography.Text>
                  <Typography.Text type="secondary">
                    {item.u.isAutomatic ? t('urge.auto') : item.u.urgedBy} · {atCentre(item.u.urgedAt).format('YYYY-MM-DD')} ·{' '}
                    {t('urge.replyBy')} {item.u.replyBy}
                  </Typography.Text>
                  {item.u.answeredAt ? (
                    <Tag color={item.u.isLate ? 'orange' : 'green'}>{t('urge.answered')}</Tag>
                  ) : (
                    <Tag color={item.u.isLate ? 'red' : 'gold'}>{t(item.u.isLate ? 'urge.late' : 'urge.waiting')}</Tag>
                  )}
                </Space>
                <Typography.Text>{item.u.note}</Typography.Text>
                {item.u.answer && <Typography.Text type="secondary">↳ {item.u.answer}</Typography.Text>}
              </Space>
            </List.Item>
          ) : (
            <List.Item>
              <Space direction="vertical" size={2}>
                <Space wrap>
                  <Typography.Text strong>{t('extension.title')}</Typography.Text>
                  <Typography.Text type="secondary">
                    {item.e.days}
                    {t('deadline.calendarDays')} · {atCentre(item.e.requestedAt).format('YYYY-MM-DD')}
                  </Typography.Text>
                  <Tag color={item.e.status === 'approved' ? 'green' : item.e.status === 'refused' ? 'default' : 'gold'}>
                    {t(`extension.status.${item.e.status}`)}
                  </Tag>
                </Space>
                <Typography.Text>{item.e.reason}</Typography.Text>
                {item.e.residentNotice && <Typography.Text type="secondary">↳ {item.e.residentNotice}</Typography.Text>}
                {item.e.decisionNote && <Typography.Text type="secondary">↳ {item.e.decisionNote}</Typography.Text>}
              </Space>
            </List.Item>
          )
        }
      />
    </Card>
  );
}

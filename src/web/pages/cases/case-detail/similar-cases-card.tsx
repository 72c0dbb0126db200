import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Empty, List, Space, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { useI18n } from '../../../app/i18n.js';
import { getSimilarCases } from './service.js';
import { atCentre } from '../../../app/centre-date.js';

/** 类案参考: how the centre settled the concluded cases most like this one (never the same parties' own cases). */
export function SimilarCasesCard({ caseId }: { caseId: string }) {
  const { t, label } = useI18n();
  const similar = useQuery({
    queryKey: ['similar-cases', caseId],
    queryFn: () => getSimilarCases(caseId),
    staleTime: 5 * 60_000,
  });
  return (
    <Card title={t('similar.title')} size="small" loading={similar.isLoading} data-testid="similar-cases">
      {similar.isError && <Alert type="error" title={(similar.error as Error).message} />}
      {similar.data && similar.data.similar.length === 0 && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('similar.none')} />}
      {similar.data && similar.data.similar.length > 0 && (
        <List
          size="small"
          dataSource={similar.data.similar}
          renderItem={(s) => (
            <List.Item>
              <Space direction="vertical" size={2} style={{ width: '100%' }}>
                <Space wrap>
                  {s.canOpen ? (
                    <Link to={`/cases/${s.caseId}`} target="_blank">
                      {s.code}
                    </Link>
                  ) : (
                    <Typography.Text>{s.code}</Typography.Text>
                  )}
                  <Tag>{label('category', s.category)}</Tag>
                  {s.outcome && <Tag color={s.outcome === 'agreement' ? 'green' : undefined}>{label('outcome', s.outcome)}</Tag>}
                  <Typography.Text type="secondary">{t('similar.duration', { days: s.durationDays })}</Typography.Text>
                </Space>
                <Typography.Text>{s.summary}</Typography.Text>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {atCentre(s.concludedAt).format('YYYY-MM-DD')} · {s.reasons.join('；')}
                </Typography.Text>
                {s.parties && s.parties.length > 0 && (
                  <Typography.Text style={{ fontSize: 12 }}>
                    {t('case.parties')}：{s.parties.join('、')}
                  </Typography.Text>
                )}
                {s.agreementTerms.length > 0 && (
                  <Typography.Text style={{ fontSize: 12 }}>
                    {t('similar.terms')}：{s.agreementTerms.join('；')}
                  </Typography.Text>
                )}
              </Space>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}

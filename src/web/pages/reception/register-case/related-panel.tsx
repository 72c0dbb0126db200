import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Empty, List, Progress, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import type { RelatedPreviewBody } from '../../../../shared/schemas/related.js';
import { useI18n } from '../../../app/i18n.js';
import { useSession } from '../../../app/session.js';
import { StatusTag } from '../../../components/case-tags.js';
import { previewRelated } from './service.js';
import { atCentre } from '../../../app/centre-date.js';

const FLAG_COLOR = {
  repeat: 'orange',
  repeat_visits: 'gold',
  skip_level: 'gold',
  mass: 'red',
  threat: 'red',
  vulnerable: 'purple',
} as const;

/** The draft, asked about once typing pauses (600 ms): not on every key press. */
function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/**
 * 关联研判 beside the reception form: the person's record, likely matches to confirm, related cases with the reason
 * for each, and the risk signals — from `POST /api/cases/related-preview`, which saves nothing.
 */
export function RelatedPanel({ draft }: { draft: RelatedPreviewBody }) {
  const { t, label } = useI18n();
  const { can } = useSession();
  const settled = useSettled(JSON.stringify(draft), 600);
  const hasSomething = draft.parties?.some((p) => p.name || p.idNumber || p.phone) || !!draft.narrative || !!draft.place?.address;
  const preview = useQuery({
    queryKey: ['related-preview', settled],
    queryFn: () => previewRelated(JSON.parse(settled) as RelatedPreviewBody),
    enabled: hasSomething,
    staleTime: 30_000,
  });
  const p = preview.data;
  return (
    <Card
      size="small"
      title={t('related.title')}
      style={{ marginTop: 16 }}
      loading={preview.isLoading && hasSomething}
      data-testid="related-panel"
    >
      {!hasSomething && <Typography.Text type="secondary">{t('related.hint')}</Typography.Text>}
      {preview.isError && <Alert type="error" title={(preview.error as Error).message} />}
      {p && (
        <Space direction="vertical" style={{ width: '100%' }}>
          {p.signals.map((s) => (
            <Alert
              key={s.flag}
              type={s.flag === 'threat' || s.flag === 'mass' ? 'error' : 'warning'}
              showIcon
              title={
                <>
                  <Tag color={FLAG_COLOR[s.flag]}>{label('riskFlag', s.flag)}</Tag>
                  {s.reason}
                </>
              }
              data-testid={`signal-${s.flag}`}
            />
          ))}
          {p.suggestedPackage &&
            (p.suggestedPackage.existingPackage ? (
              <Link to={`/packages/${p.suggestedPackage.existingPackage.id}`} target="_blank">
                {t('related.joinPackage', { name: p.suggestedPackage.existingPackage.name })}
              </Link>
            ) : (
              can('package.manage') && (
                <Link
                  to={`/packages?${new URLSearchParams({ caseIds: p.suggestedPackage.caseIds.join(','), name: p.suggestedPackage.name })}`}
                  target="_blank"
                >
                  {t('related.makePackage')}
                </Link>
              )
            ))}
          {p.person?.nameDiffers && (
            <Alert type="warning" showIcon title={t('related.nameDiffers', { name: p.person.name })} data-testid="name-differs" />
          )}
          {p.person && (
            <Typography.Text>
              {t('related.person', { name: p.person.name, count: p.person.caseCount, open: p.person.openCaseCount })}
            </Typography.Text>
          )}
          {p.likelyPersons.length > 0 && (
            <Alert
              type="info"
              title={t('related.likely')}
              description={p.likelyPersons.map((l) => (
                <div key={l.id}>
                  {l.name}（{Math.round(l.score * 100)}%）：{l.reasons.join('、')}
                </div>
              ))}
            />
          )}
          {p.related.length === 0 ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('related.none')} />
          ) : (
            <List
              size="small"
              dataSource={p.related}
              renderItem={(r) => (
                <List.Item>
                  <Space direction="vertical" size={0} style={{ width: '100%' }}>
                    <Space>
                      <Link to={`/cases/${r.caseId}`} target="_blank">
                        {r.code}
                      </Link>
                      <StatusTag status={r.status} />
                      <Progress percent={Math.round(r.score * 100)} size="small" steps={5} showInfo />
                    </Space>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {atCentre(r.createdAt).format('YYYY-MM-DD')} {r.summary}
                    </Typography.Text>
                    <Typography.Text style={{ fontSize: 12 }}>{r.reasons.join('；')}</Typography.Text>
                  </Space>
                </List.Item>
              )}
            />
          )}
        </Space>
      )}
    </Card>
  );
}

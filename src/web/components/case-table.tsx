import { Empty, Table, Typography } from 'antd';
import { Link } from 'react-router';
import type { CaseListItem as CaseSummary } from '../../shared/schemas/cases.js';
import { useI18n } from '../app/i18n.js';
import type { MessageKey } from '../../shared/locales/zh-CN.js';
import { RiskTag, StatusTag } from './case-tags.js';
import { DeadlineBadge } from './deadline-badge.js';
import { atCentre } from '../app/centre-date.js';

/** The case table shared by the list, the dispatch board and "my cases"; paging is done by the server. */
export function CaseTable(props: {
  items: CaseSummary[] | undefined;
  total: number;
  /** The total is the database's estimate: shown as “约 N”. */
  isTotalEstimate?: boolean;
  page: number;
  pageSize: number;
  isLoading: boolean;
  emptyText: MessageKey;
  onPage(page: number, pageSize: number): void;
}) {
  const { t, label } = useI18n();
  return (
    <Table<CaseSummary>
      rowKey="id"
      size="middle"
      loading={props.isLoading}
      dataSource={props.items ?? []}
      scroll={{ x: 'max-content' }}
      locale={{ emptyText: <Empty description={t(props.emptyText)} /> }}
      pagination={{
        current: props.page,
        pageSize: props.pageSize,
        total: props.total,
        showSizeChanger: true,
        showTotal: (n) => (props.isTotalEstimate ? t('common.totalEstimate', { n }) : t('common.total', { n })),
        onChange: props.onPage,
      }}
      columns={[
        { title: t('case.code'), dataIndex: 'code', render: (code: string, c) => <Link to={`/cases/${c.id}`}>{code}</Link>, width: 170 },
        {
          title: t('case.summary'),
          dataIndex: 'summary',
          ellipsis: true,
          width: 240,
          render: (summary: string, c) =>
            c.snippet ? (
              <>
                {summary}
                {/* Found by words: the passage that matched, its words marked. */}
                <Typography.Paragraph
                  type="secondary"
                  style={{ margin: 0, fontSize: 12, whiteSpace: 'normal' }}
                  data-testid="search-snippet"
                >
                  {c.snippet.map((p, i) => (p.hit ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}
                </Typography.Paragraph>
              </>
            ) : (
              summary
            ),
        },
        { title: t('case.status'), dataIndex: 'status', render: (s) => <StatusTag status={s} />, width: 100 },
        // Columns a desk can do without at 1366–1440 px (they are on the case page) only from 1600 px on.
        { title: t('case.kind'), dataIndex: 'kind', render: (v: string) => label('kind', v), width: 100, responsive: ['xxl'] },
        { title: t('case.category'), dataIndex: 'category', render: (v: string) => label('category', v), width: 110 },
        { title: t('case.channel'), dataIndex: 'channel', render: (v: string) => label('channel', v), width: 90, responsive: ['xxl'] },
        { title: t('case.riskLevel'), dataIndex: 'riskLevel', render: (r) => <RiskTag risk={r} />, width: 80 },
        {
          title: t('deadline.column'),
          dataIndex: 'deadline',
          render: (_, c) => <DeadlineBadge clock={c.deadline} showStage />,
          width: 210,
        },
        { title: t('case.unit'), dataIndex: ['unit', 'name'], ellipsis: true, width: 140, responsive: ['xxl'] },
        {
          title: t('case.leadUnit'),
          dataIndex: ['leadUnit', 'name'],
          ellipsis: true,
          width: 160,
          render: (v?: string) => v ?? <Typography.Text type="secondary">—</Typography.Text>,
        },
        {
          title: t('case.createdAt'),
          dataIndex: 'createdAt',
          render: (v: string) => atCentre(v).format('YYYY-MM-DD HH:mm'),
          width: 150,
          responsive: ['xxl'],
        },
      ]}
    />
  );
}

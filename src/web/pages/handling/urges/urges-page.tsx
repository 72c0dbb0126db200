import { useQuery } from '@tanstack/react-query';
import { Card, Checkbox, Empty, Segmented, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { useI18n } from '../../../app/i18n.js';
import { listUrges, type UrgeRow as Row } from './service.js';
import { atCentre } from '../../../app/centre-date.js';

/** "My urges": what I must answer, and what I pressed others for. */
export function UrgesPage() {
  const { t } = useI18n();
  const [box, setBox] = useState<'received' | 'issued'>('received');
  const [showAll, setShowAll] = useState(false);
  const [page, setPage] = useState({ page: 1, pageSize: 20 });
  const list = useQuery({
    queryKey: ['urges', box, showAll, page],
    queryFn: () => listUrges({ box, status: showAll ? 'all' : 'open', page: page.page, pageSize: page.pageSize }),
  });
  return (
    <Card
      size="small"
      title={t('urges.title')}
      extra={
        <Space>
          <Checkbox checked={showAll} onChange={(e) => setShowAll(e.target.checked)}>
            {t('urges.showAll')}
          </Checkbox>
          <Segmented
            value={box}
            onChange={(v) => {
              setBox(v as typeof box);
              setPage({ page: 1, pageSize: page.pageSize });
            }}
            options={[
              { value: 'received', label: t('urges.received') },
              { value: 'issued', label: t('urges.issued') },
            ]}
          />
        </Space>
      }
    >
      <Table<Row>
        rowKey="id"
        size="middle"
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        locale={{ emptyText: <Empty description={t('urges.empty')} /> }}
        pagination={{
          current: page.page,
          pageSize: page.pageSize,
          total: list.data?.total ?? 0,
          onChange: (p, s) => setPage({ page: p, pageSize: s }),
          showTotal: (n) => t('common.total', { n }),
        }}
        columns={[
          {
            title: t('case.code'),
            dataIndex: 'caseCode',
            width: 170,
            render: (v: string, u) => <Link to={`/cases/${u.caseId}`}>{v}</Link>,
          },
          { title: t('case.summary'), dataIndex: 'caseSummary', ellipsis: true },
          { title: t('urge.note'), dataIndex: 'note', ellipsis: true },
          { title: t('urge.replyBy'), dataIndex: 'replyBy', width: 110 },
          {
            title: t('case.status'),
            key: 'state',
            width: 110,
            render: (_, u) =>
              u.answeredAt ? (
                <Tag color={u.isLate ? 'orange' : 'green'}>{t('urge.answered')}</Tag>
              ) : (
                <Tag color={u.isLate ? 'red' : 'gold'}>{t(u.isLate ? 'urge.late' : 'urge.waiting')}</Tag>
              ),
          },
          {
            title: t('urge.title'),
            key: 'by',
            width: 150,
            render: (_, u) => (
              <Typography.Text type="secondary">
                {u.isAutomatic ? t('urge.auto') : u.urgedBy} · {atCentre(u.urgedAt).format('MM-DD')}
              </Typography.Text>
            ),
          },
        ]}
      />
    </Card>
  );
}

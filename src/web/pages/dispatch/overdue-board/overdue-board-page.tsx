import { Card } from 'antd';
import { useState } from 'react';
import { useI18n } from '../../../app/i18n.js';
import { CaseTable } from '../../../components/case-table.js';
import { useCaseList } from '../../../components/use-case-list.js';

/** Cases with a running clock past its due date, for the dispatchers and leaders who supervise (督办). */
export function OverdueBoardPage() {
  const { t } = useI18n();
  const [page, setPage] = useState({ page: 1, pageSize: 20 });
  const list = useCaseList({ deadline: 'overdue', page: String(page.page), pageSize: String(page.pageSize) });
  return (
    <Card title={t('overdue.title')} size="small">
      <CaseTable
        items={list.data?.items}
        total={list.data?.total ?? 0}
        isTotalCapped={list.data?.isTotalCapped}
        page={page.page}
        pageSize={page.pageSize}
        isLoading={list.isFetching}
        emptyText="overdue.empty"
        onPage={(p, s) => setPage({ page: p, pageSize: s })}
      />
    </Card>
  );
}

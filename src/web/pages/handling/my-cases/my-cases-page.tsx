import { Card, Segmented } from 'antd';
import { useState } from 'react';
import { useI18n } from '../../../app/i18n.js';
import { CaseTable } from '../../../components/case-table.js';
import { useCaseList } from '../../../components/use-case-list.js';

const VIEWS = {
  open: ['dispatched', 'in_progress'],
  done: ['concluded', 'followed_up', 'archived'],
} as const;

/** A handler's cases: those assigned to them or dispatched to their unit (as lead or co-unit). */
export function MyCasesPage() {
  const { t, label } = useI18n();
  const [view, setView] = useState<keyof typeof VIEWS>('open');
  const [page, setPage] = useState({ page: 1, pageSize: 20 });
  const list = useCaseList({ mine: 'true', status: [...VIEWS[view]], page: String(page.page), pageSize: String(page.pageSize) });
  return (
    <Card
      title={t('mine.title')}
      size="small"
      extra={
        <Segmented
          value={view}
          onChange={(v) => {
            setView(v as keyof typeof VIEWS);
            setPage({ page: 1, pageSize: page.pageSize });
          }}
          options={[
            { value: 'open', label: `${label('status', 'dispatched')} / ${label('status', 'in_progress')}` },
            { value: 'done', label: label('status', 'concluded') },
          ]}
        />
      }
    >
      <CaseTable
        items={list.data?.items}
        total={list.data?.total ?? 0}
          isTotalCapped={list.data?.isTotalCapped}
        page={page.page}
        pageSize={page.pageSize}
        isLoading={list.isFetching}
        emptyText="mine.empty"
        onPage={(p, s) => setPage({ page: p, pageSize: s })}
      />
    </Card>
  );
}

import { useState } from 'react';
import type { MessageKey } from '../../shared/locales/zh-CN.js';
import { CaseTable } from './case-table.js';
import { useCaseList } from './use-case-list.js';

/** A case table over `GET /api/cases` with these filters, keeping its own page; back to page 1 when `resetKey` changes. */
export function PagedCaseTable(props: {
  filters: Record<string, string | string[] | undefined>;
  emptyText: MessageKey;
  resetKey?: string;
}) {
  const [page, setPage] = useState({ page: 1, pageSize: 20, resetKey: props.resetKey });
  const current = page.resetKey === props.resetKey ? page : { ...page, page: 1, resetKey: props.resetKey };
  const list = useCaseList({ ...props.filters, page: String(current.page), pageSize: String(current.pageSize) });
  return (
    <CaseTable
      items={list.data?.items}
      total={list.data?.total ?? 0}
      isTotalEstimate={list.data?.isTotalEstimate}
      page={current.page}
      pageSize={current.pageSize}
      isLoading={list.isFetching}
      emptyText={props.emptyText}
      onPage={(p, s) => setPage({ page: p, pageSize: s, resetKey: props.resetKey })}
    />
  );
}

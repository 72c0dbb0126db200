import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { CaseSummary } from '../../shared/schemas/cases.js';
import { api } from '../app/api.js';

export interface CaseListResult {
  items: CaseSummary[];
  total: number;
  isTotalCapped: boolean;
  page: number;
  pageSize: number;
}

/** One page of `GET /api/cases` for the given query string parameters. */
export function useCaseList(params: Record<string, string | string[] | undefined>) {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (Array.isArray(v)) v.forEach((x) => search.append(k, x));
    else if (v) search.set(k, v);
  }
  const qs = search.toString();
  return useQuery({
    queryKey: ['cases', qs],
    queryFn: () => api<CaseListResult>(`/api/cases?${qs}`),
    placeholderData: keepPreviousData,
  });
}

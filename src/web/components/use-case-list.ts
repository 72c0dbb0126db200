import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useRef } from 'react';
import { listCases } from '../app/services/cases.js';

/**
 * One page of `GET /api/cases` for the given query string parameters (`page` and `pageSize` among them). The page
 * after one already shown is asked for by keyset (`after` = that page's `nextCursor`): as cheap at page 500 as at page
 * 2, and no case is skipped or shown twice while new ones arrive; a jump to a page not reached in order goes by number.
 */
export function useCaseList(params: Record<string, string | string[] | undefined>) {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (k === 'page') continue;
    if (Array.isArray(v)) v.forEach((x) => search.append(k, x));
    else if (v) search.set(k, v);
  }
  const filters = search.toString();
  const page = Number(params.page ?? 1) || 1;
  // The cursor that starts each page, for these filters and page size.
  const cursors = useRef({ filters, byPage: new Map<number, string>() });
  if (cursors.current.filters !== filters) cursors.current = { filters, byPage: new Map() };
  const after = cursors.current.byPage.get(page);
  const qs = `${filters}${filters ? '&' : ''}page=${page}${after ? `&after=${after}` : ''}`;
  const known = cursors.current;
  return useQuery({
    queryKey: ['cases', qs],
    queryFn: async () => {
      const result = await listCases(qs);
      if (result.nextCursor && known === cursors.current) known.byPage.set(page + 1, result.nextCursor);
      return result;
    },
    placeholderData: keepPreviousData,
  });
}

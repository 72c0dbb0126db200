import { sql, type SQL } from 'drizzle-orm';

/** The three failures the 2024 national policy asks centres to supervise. */
export const FAILURES = ['not_accepted', 'not_handled', 'unlawful'] as const;
export type Failure = (typeof FAILURES)[number];

/**
 * SQL conditions on `cases` (aliased as the table itself) for each failure, judged on `today` (Asia/Shanghai):
 * - 应受理未受理 `not_accepted`: the acceptance clock is running past its due date, or stopped after it;
 * - 应办理未办理 `not_handled`: the same for the handling clock;
 * - 不依法办理 `unlawful`: concluded without what the rules require — a petition without a 信访处理意见书 (a document
 *   attached and the outcome `petition_reply`, 信访工作条例 Art.32), or a mediation agreement without the agreement
 *   document attached (人民调解法 Art.29).
 */
export function failureCondition(failure: Failure, today: string): SQL {
  const late = (
    stage: string,
  ) => sql`exists (select 1 from case_clocks k where k.district_code = cases.district_code and k.case_id = cases.id
    and k.stage = ${stage} and ((k.stopped_at is null and k.paused_on is null and k.due_date < ${today}::date) or k.is_overdue_at_stop))`;
  if (failure === 'not_accepted') return late('acceptance');
  if (failure === 'not_handled') return late('handling');
  const hasDocument = sql`exists (select 1 from attachments a where a.district_code = cases.district_code and a.case_id = cases.id and a.kind = 'document')`;
  return sql`(cases.status in ('concluded', 'followed_up', 'archived') and (
    (cases.kind = 'petition' and (cases.outcome is distinct from 'petition_reply' or not ${hasDocument}))
    or (cases.kind = 'dispute' and cases.outcome = 'agreement' and not ${hasDocument})))`;
}

import { Space, Tag, Tooltip } from 'antd';
import type { Clock } from '../../shared/schemas/cases.js';
import { useI18n } from '../app/i18n.js';

const COLOURS = { normal: 'green', warning: 'gold', overdue: 'red' } as const;

/** A clock at a glance: due date and working days left, green / yellow / red; provisional and paused say so. */
export function DeadlineBadge({ clock, showStage = false }: { clock: Clock | null; showStage?: boolean }) {
  const { t, label } = useI18n();
  if (!clock) return <span>—</span>;
  const left =
    clock.workingDaysLeft === null
      ? ''
      : clock.workingDaysLeft < 0
        ? t('deadline.overdueBy', { n: -clock.workingDaysLeft })
        : t('deadline.left', { n: clock.workingDaysLeft });
  return (
    <Space size={4} wrap data-testid="deadline" data-level={clock.level}>
      <Tooltip
        title={`${label('stage', clock.stage)} · ${clock.days}${t(clock.unit === 'working' ? 'deadline.workingDays' : 'deadline.calendarDays')} · ${clock.legalBasis}`}
      >
        <Tag color={COLOURS[clock.level]} style={{ marginInlineEnd: 0 }}>
          {showStage ? `${label('stage', clock.stage)} ` : ''}
          {clock.dueDate}
          {left ? ` · ${left}` : ''}
        </Tag>
      </Tooltip>
      {clock.isPaused && <Tag>{t('deadline.paused')}</Tag>}
      {clock.provisional && (
        <Tooltip title={t('deadline.provisionalHint')}>
          <Tag color="orange">{t('deadline.provisional')}</Tag>
        </Tooltip>
      )}
    </Space>
  );
}

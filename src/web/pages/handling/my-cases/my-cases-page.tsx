import { Card, Segmented } from 'antd';
import { useState } from 'react';
import { useI18n } from '../../../app/i18n.js';
import { PagedCaseTable } from '../../../components/paged-case-table.js';

const VIEWS = {
  open: ['dispatched', 'in_progress', 'suspended'],
  done: ['concluded', 'followed_up', 'archived'],
} as const;

/** A handler's cases: those assigned to them or dispatched to their unit (as lead or co-unit). */
export function MyCasesPage() {
  const { t, label } = useI18n();
  const [view, setView] = useState<keyof typeof VIEWS>('open');
  return (
    <Card
      title={t('mine.title')}
      size="small"
      extra={
        <Segmented
          value={view}
          onChange={(v) => setView(v as keyof typeof VIEWS)}
          options={[
            { value: 'open', label: `${label('status', 'dispatched')} / ${label('status', 'in_progress')}` },
            { value: 'done', label: label('status', 'concluded') },
          ]}
        />
      }
    >
      <PagedCaseTable filters={{ mine: 'true', status: [...VIEWS[view]] }} resetKey={view} emptyText="mine.empty" />
    </Card>
  );
}

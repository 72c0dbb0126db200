import { Card } from 'antd';
import { useI18n } from '../../../app/i18n.js';
import { PagedCaseTable } from '../../../components/paged-case-table.js';

/** Cases with a running clock past its due date, for the dispatchers and leaders who supervise (督办). */
export function OverdueBoardPage() {
  const { t } = useI18n();
  return (
    <Card title={t('overdue.title')} size="small">
      <PagedCaseTable filters={{ deadline: 'overdue' }} emptyText="overdue.empty" />
    </Card>
  );
}

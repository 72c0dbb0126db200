import { Card, Segmented } from 'antd';
import { useState } from 'react';
import { useI18n } from '../../../app/i18n.js';
import { PagedCaseTable } from '../../../components/paged-case-table.js';

/** The dispatcher's board: cases still to be accepted, and accepted cases waiting for a lead unit. */
export function DispatchBoardPage() {
  const { t, label } = useI18n();
  const [status, setStatus] = useState<'accepted' | 'registered'>('accepted');
  return (
    <Card
      title={t('dispatch.title')}
      size="small"
      extra={
        <Segmented
          value={status}
          onChange={(v) => setStatus(v as typeof status)}
          options={[
            { value: 'accepted', label: label('status', 'accepted') },
            { value: 'registered', label: label('status', 'registered') },
          ]}
        />
      }
    >
      <PagedCaseTable filters={{ status }} resetKey={status} emptyText="dispatch.empty" />
    </Card>
  );
}

import { Card, Segmented, Space } from 'antd';
import { useState } from 'react';
import { useI18n } from '../../../app/i18n.js';
import { CaseTable } from '../../../components/case-table.js';
import { useCaseList } from '../../../components/use-case-list.js';

/** The dispatcher's board: cases still to be accepted, and accepted cases waiting for a lead unit. */
export function DispatchBoardPage() {
  const { t, label } = useI18n();
  const [status, setStatus] = useState<'accepted' | 'registered'>('accepted');
  const [page, setPage] = useState({ page: 1, pageSize: 20 });
  const list = useCaseList({ status, page: String(page.page), pageSize: String(page.pageSize) });
  return (
    <Card
      title={t('dispatch.title')}
      size="small"
      extra={
        <Space>
          <Segmented
            value={status}
            onChange={(v) => {
              setStatus(v as typeof status);
              setPage({ page: 1, pageSize: page.pageSize });
            }}
            options={[
              { value: 'accepted', label: label('status', 'accepted') },
              { value: 'registered', label: label('status', 'registered') },
            ]}
          />
        </Space>
      }
    >
      <CaseTable
        items={list.data?.items}
        total={list.data?.total ?? 0}
          isTotalCapped={list.data?.isTotalCapped}
        page={page.page}
        pageSize={page.pageSize}
        isLoading={list.isFetching}
        emptyText="dispatch.empty"
        onPage={(p, s) => setPage({ page: p, pageSize: s })}
      />
    </Card>
  );
}

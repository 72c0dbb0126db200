import { useQuery } from '@tanstack/react-query';
import { Card, DatePicker, Empty, Space, Table, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router';
import { centreToday } from '../../../app/centre-date.js';
import { useI18n } from '../../../app/i18n.js';
import { reportThreeFailures, type ThreeFailuresRow as Row } from './service.js';

/** 三个未: the failures the centre supervises, by holding unit, each figure a link to its cases. */
export function ThreeFailuresPage() {
  const { t } = useI18n();
  const [range, setRange] = useState<[Dayjs, Dayjs]>([centreToday().startOf('month'), centreToday()]);
  const from = range[0].format('YYYY-MM-DD');
  const to = range[1].format('YYYY-MM-DD');
  const report = useQuery({
    queryKey: ['three-failures', from, to],
    queryFn: () => reportThreeFailures(from, to),
  });
  const figure = (failure: string) => (n: number, r: Row) =>
    n > 0 ? (
      <Link to={`/cases?failure=${failure}&holderUnitId=${r.unitId}&from=${from}&to=${to}`}>
        <Typography.Text type="danger" strong>
          {n}
        </Typography.Text>
      </Link>
    ) : (
      <Typography.Text type="secondary">0</Typography.Text>
    );
  return (
    <Card
      size="small"
      title={t('report.title')}
      extra={
        <Space>
          <Typography.Text type="secondary">{t('report.period')}</Typography.Text>
          <DatePicker.RangePicker value={range} allowClear={false} onChange={(v) => v?.[0] && v[1] && setRange([v[0], v[1]])} />
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">{t('report.hint')}</Typography.Paragraph>
      <Table<Row>
        rowKey="unitId"
        size="middle"
        loading={report.isFetching}
        dataSource={report.data?.rows ?? []}
        pagination={false}
        locale={{ emptyText: <Empty description={t('common.empty')} /> }}
        columns={[
          { title: t('report.unit'), dataIndex: 'unitName' },
          { title: t('report.cases'), dataIndex: 'cases', width: 100 },
          { title: t('report.notAccepted'), dataIndex: 'notAccepted', width: 140, render: figure('not_accepted') },
          { title: t('report.notHandled'), dataIndex: 'notHandled', width: 140, render: figure('not_handled') },
          { title: t('report.unlawful'), dataIndex: 'unlawful', width: 140, render: figure('unlawful') },
        ]}
        summary={(rows) => (
          <Table.Summary.Row>
            <Table.Summary.Cell index={0}>{t('report.total')}</Table.Summary.Cell>
            {(['cases', 'notAccepted', 'notHandled', 'unlawful'] as const).map((k, i) => (
              <Table.Summary.Cell key={k} index={i + 1}>
                {rows.reduce((s, r) => s + r[k], 0)}
              </Table.Summary.Cell>
            ))}
          </Table.Summary.Row>
        )}
      />
    </Card>
  );
}

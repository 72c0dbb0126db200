import { DownloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, DatePicker, Space, Table, TreeSelect } from 'antd';
import { useMemo, useState } from 'react';
import type { MediationForm } from '../../../../shared/schemas/stats.js';
import { centreDay, centreToday } from '../../../app/centre-date.js';
import { useI18n } from '../../../app/i18n.js';
import { useSession } from '../../../app/session.js';
import { readMediationForm } from './service.js';
import { toUnitTree, useUnits } from '../../../components/use-units.js';
import { jurisdictionTree } from '../cockpit/cockpit-page.js';

type Row = MediationForm['rows'][number];
const COLUMNS = ['received', 'concluded', 'settled', 'agreements', 'levelVillage', 'levelTown', 'levelDistrict'] as const;

/** 人民调解案件统计月报: disputes of a month by category, as the district reports them; downloadable as Excel. */
export function MediationFormPage() {
  const { t, label } = useI18n();
  const { me } = useSession();
  const units = useUnits();
  const [month, setMonth] = useState(centreToday().subtract(1, 'month').format('YYYY-MM'));
  const [unitId, setUnitId] = useState<string | undefined>();
  const qs = new URLSearchParams({ month, ...(unitId ? { unitId } : {}) }).toString();
  const form = useQuery({
    queryKey: ['stats', 'mediation-form', qs],
    queryFn: () => readMediationForm(qs),
  });
  const tree = useMemo(
    () =>
      jurisdictionTree(
        toUnitTree((units.data ?? []).filter((u) => u.kind === 'district' || u.kind === 'street' || u.kind === 'community')),
        me?.unit.id ?? '',
      ),
    [units.data, me],
  );
  const rows = form.data?.rows ?? [];
  const total = Object.fromEntries(COLUMNS.map((k) => [k, rows.reduce((s, r) => s + r[k], 0)])) as Record<(typeof COLUMNS)[number], number>;

  return (
    <Card
      title={`${t('mediationForm.title')}${form.data ? ` · ${form.data.unit.name} · ${form.data.month}` : ''}`}
      extra={
        <Space wrap>
          <DatePicker
            picker="month"
            allowClear={false}
            value={centreDay(`${month}-01`)}
            onChange={(v) => v && setMonth(v.format('YYYY-MM'))}
            aria-label={t('mediationForm.month')}
          />
          <TreeSelect
            style={{ width: 250 }}
            // Until the units have come the box would show the unit's id: it waits, loading, instead.
            value={units.data ? (unitId ?? me?.unit.id) : undefined}
            loading={!units.data}
            treeData={tree}
            treeDefaultExpandedKeys={[me?.unit.id ?? '']}
            onChange={(v: string) => setUnitId(v)}
            showSearch
            treeNodeFilterProp="title"
          />
          <Button icon={<DownloadOutlined />} href={`/api/stats/mediation-form.xlsx?${qs}`} download data-testid="mediation-form-export">
            {t('cockpit.export')}
          </Button>
        </Space>
      }
    >
      {form.isError && <Alert type="error" showIcon message={(form.error as Error).message} style={{ marginBottom: 12 }} />}
      <Table<Row>
        size="small"
        bordered
        rowKey="category"
        loading={form.isLoading}
        pagination={false}
        dataSource={rows}
        columns={[
          { title: t('mediationForm.category'), dataIndex: 'category', render: (v: string) => label('category', v) },
          ...COLUMNS.map((k) => ({ title: t(`measure.${k}` as never), dataIndex: k, align: 'right' as const })),
        ]}
        summary={() => (
          <Table.Summary.Row>
            <Table.Summary.Cell index={0}>
              <b>{t('mediationForm.total')}</b>
            </Table.Summary.Cell>
            {COLUMNS.map((k, i) => (
              <Table.Summary.Cell index={i + 1} key={k} align="right">
                <b>{total[k]}</b>
              </Table.Summary.Cell>
            ))}
          </Table.Summary.Row>
        )}
      />
    </Card>
  );
}

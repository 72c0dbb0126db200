import { DownloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Checkbox, DatePicker, Form, Input, Popconfirm, Select, Space, TreeSelect } from 'antd';
import type { Dayjs } from 'dayjs';
import { useSearchParams } from 'react-router';
import { CASE_STATUSES } from '../../../../shared/case-lifecycle.js';
import { CASE_KINDS, CATEGORIES, CHANNELS } from '../../../../shared/enums.js';
import { MEASURES } from '../../../../shared/indicators.js';
import { useI18n } from '../../../app/i18n.js';
import { useSession } from '../../../app/session.js';
import { CaseTable } from '../../../components/case-table.js';
import { useCaseList } from '../../../components/use-case-list.js';
import { toUnitTree, useUnits } from '../../../components/use-units.js';
import { centreDay } from '../../../app/centre-date.js';

const FILTERS = ['status', 'kind', 'channel', 'category'] as const;

/** All cases the user may see, with filters kept in the address bar so a filtered list can be shared or reloaded. */
export function CaseListPage() {
  const { t, label } = useI18n();
  const [params, setParams] = useSearchParams();
  const units = useUnits();
  const page = Number(params.get('page') ?? 1);
  const pageSize = Number(params.get('pageSize') ?? 20);
  const query = {
    ...Object.fromEntries(FILTERS.map((f) => [f, params.getAll(f)])),
    unitId: params.get('unitId') ?? undefined,
    q: params.get('q') ?? undefined,
    deadline: params.get('deadline') ?? undefined,
    failure: params.get('failure') ?? undefined,
    holderUnitId: params.get('holderUnitId') ?? undefined,
    from: params.get('from') ?? undefined,
    to: params.get('to') ?? undefined,
    figure: params.get('figure') ?? undefined,
    placeUnitId: params.get('placeUnitId') ?? undefined,
    page: String(page),
    pageSize: String(pageSize),
  };
  const list = useCaseList(query);
  const { can } = useSession();
  const figure = params.get('figure');
  const placeUnit = units.data?.find((u) => u.id === params.get('placeUnitId'));
  const exportQuery = new URLSearchParams(params);
  exportQuery.delete('page');
  exportQuery.delete('pageSize');
  const clearFigure = () => {
    const next = new URLSearchParams(params);
    for (const k of ['figure', 'placeUnitId', 'from', 'to', 'page']) next.delete(k);
    setParams(next);
  };
  const [form] = Form.useForm();

  const options = (group: string, values: readonly string[]) => values.map((v) => ({ value: v, label: label(group, v) }));

  const handleSearch = (v: Record<string, unknown>) => {
    const next = new URLSearchParams();
    for (const f of FILTERS) for (const x of (v[f] as string[] | undefined) ?? []) next.append(f, x);
    if (v.unitId) next.set('unitId', v.unitId as string);
    if (v.q) next.set('q', v.q as string);
    if (v.onlyOverdue) next.set('deadline', 'overdue');
    const range = v.range as [Dayjs, Dayjs] | undefined;
    if (range) {
      next.set('from', range[0].format('YYYY-MM-DD'));
      next.set('to', range[1].format('YYYY-MM-DD'));
    }
    next.set('pageSize', String(pageSize));
    setParams(next);
  };

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      {figure && (
        <Alert
          type="info"
          showIcon
          data-testid="figure-filter"
          message={t('case.figureFilter', {
            figure: figure in MEASURES ? t(`measure.${figure}` as never) : t(`figure.${figure}` as never),
            from: params.get('from') ?? '',
            to: params.get('to') ?? '',
            unit: placeUnit?.name ?? '',
          })}
          action={
            <Button size="small" onClick={clearFigure}>
              {t('case.clearFigure')}
            </Button>
          }
        />
      )}
      <Card size="small">
        <Form
          form={form}
          layout="inline"
          onFinish={handleSearch}
          initialValues={{
            ...Object.fromEntries(FILTERS.map((f) => [f, params.getAll(f)])),
            unitId: params.get('unitId') ?? undefined,
            q: params.get('q') ?? undefined,
            onlyOverdue: params.get('deadline') === 'overdue',
            range: params.get('from') && params.get('to') ? [centreDay(params.get('from')!), centreDay(params.get('to')!)] : undefined,
          }}
          style={{ rowGap: 8 }}
        >
          <Form.Item name="q">
            <Input placeholder={t('case.keyword')} allowClear style={{ width: 260 }} />
          </Form.Item>
          <Form.Item name="status">
            <Select
              mode="multiple"
              allowClear
              placeholder={t('case.status')}
              options={options('status', CASE_STATUSES)}
              style={{ minWidth: 140 }}
              data-testid="filter-status"
            />
          </Form.Item>
          <Form.Item name="kind">
            <Select
              mode="multiple"
              allowClear
              placeholder={t('case.kind')}
              options={options('kind', CASE_KINDS)}
              style={{ minWidth: 120 }}
            />
          </Form.Item>
          <Form.Item name="channel">
            <Select
              mode="multiple"
              allowClear
              placeholder={t('case.channel')}
              options={options('channel', CHANNELS)}
              style={{ minWidth: 120 }}
            />
          </Form.Item>
          <Form.Item name="category">
            <Select
              mode="multiple"
              allowClear
              placeholder={t('case.category')}
              options={options('category', CATEGORIES)}
              style={{ minWidth: 130 }}
            />
          </Form.Item>
          <Form.Item name="unitId">
            <TreeSelect
              allowClear
              showSearch
              treeNodeFilterProp="title"
              placeholder={t('case.unit')}
              treeData={toUnitTree(units.data ?? [])}
              loading={units.isLoading}
              style={{ width: 200 }}
            />
          </Form.Item>
          <Form.Item name="range">
            <DatePicker.RangePicker />
          </Form.Item>
          <Form.Item name="onlyOverdue" valuePropName="checked">
            <Checkbox>{t('deadline.onlyOverdue')}</Checkbox>
          </Form.Item>
          <Space>
            <Button type="primary" htmlType="submit">
              {t('common.search')}
            </Button>
            <Button
              onClick={() => {
                form.setFieldsValue(Object.fromEntries([...FILTERS, 'unitId', 'q', 'range', 'onlyOverdue'].map((k) => [k, undefined])));
                setParams(new URLSearchParams());
              }}
            >
              {t('common.reset')}
            </Button>
          </Space>
        </Form>
      </Card>
      <Card
        size="small"
        title={t('menu.cases')}
        extra={
          can('case.export') && (
            <Space>
              <Button
                size="small"
                icon={<DownloadOutlined />}
                href={`/api/cases/export.xlsx?${exportQuery.toString()}`}
                download
                data-testid="case-export"
              >
                {t('case.export')}
              </Button>
              {can('case.exportPersonal') && (
                <Popconfirm
                  title={t('case.exportWithParties')}
                  onConfirm={() => window.location.assign(`/api/cases/export.xlsx?${exportQuery.toString()}&withParties=true`)}
                >
                  <Button size="small" icon={<DownloadOutlined />}>
                    {t('case.exportWithParties')}
                  </Button>
                </Popconfirm>
              )}
            </Space>
          )
        }
      >
        <CaseTable
          items={list.data?.items}
          total={list.data?.total ?? 0}
          isTotalEstimate={list.data?.isTotalEstimate}
          page={page}
          pageSize={pageSize}
          isLoading={list.isFetching}
          emptyText="common.empty"
          onPage={(p, s) => {
            const next = new URLSearchParams(params);
            next.set('page', String(p));
            next.set('pageSize', String(s));
            setParams(next);
          }}
        />
      </Card>
    </Space>
  );
}

import { DeleteOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Empty,
  Input,
  InputNumber,
  List,
  Popconfirm,
  Row,
  Space,
  Table,
  Tag,
  Typography,
  Upload,
} from 'antd';
import { useEffect, useState } from 'react';
import { ApiError } from '../../../app/api.js';
import { useI18n } from '../../../app/i18n.js';
import { useSession } from '../../../app/session.js';
import { centreDay, centreToday } from '../../../app/centre-date.js';
import { getCalendarYear, importCalendar, listCalendarYears, putCalendarYear } from './service.js';
import { WorkingDayCalculator } from './working-day-calculator.js';
interface Row {
  key: string;
  date: string;
  name: string;
  kind: 'holiday' | 'workday';
}

const thisYear = () => Number(centreToday().format('YYYY'));

/**
 * 节假日安排: the administrator loads each year's schedule when the State Council publishes it (around November),
 * corrects it, or imports it from a file. Deadlines falling in a year not loaded are provisional until it is.
 */
export function CalendarAdminPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const canEdit = can('calendar.edit');
  const years = useQuery({
    queryKey: ['calendar-years'],
    queryFn: async () => (await listCalendarYears()).items,
  });
  const [year, setYear] = useState<number>(thisYear());
  const [newYear, setNewYear] = useState<number | null>(thisYear() + 1);
  const isLoaded = !!years.data?.some((y) => y.year === year);
  const detail = useQuery({
    queryKey: ['calendar-year', year],
    queryFn: () => getCalendarYear(year),
    enabled: isLoaded,
  });
  const [rows, setRows] = useState<Row[]>([]);
  const [isDirty, setDirty] = useState(false);
  const [isSaving, setSaving] = useState(false);

  useEffect(() => {
    if (detail.data) {
      setRows([
        ...detail.data.holidays.map((h) => ({ key: `h${h.date}`, date: h.date, name: h.name, kind: 'holiday' as const })),
        ...detail.data.workdays.map((w) => ({ key: `w${w.date}`, date: w.date, name: w.name, kind: 'workday' as const })),
      ]);
      setDirty(false);
    } else if (!isLoaded) {
      setRows([]);
      setDirty(false);
    }
  }, [detail.data, isLoaded]);

  const missingNext = years.data && !years.data.some((y) => y.year === thisYear() + 1);
  const update = (key: string, patch: Partial<Row>) => {
    setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));
    setDirty(true);
  };

  const handleSave = async () => {
    setSaving(true);
    try {
      const pick = (kind: Row['kind']) =>
        rows
          .filter((r) => r.kind === kind && r.date)
          .sort((a, b) => a.date.localeCompare(b.date))
          .map((r) => ({ date: r.date, name: r.name.trim() || (kind === 'holiday' ? '节假日' : '调休上班') }));
      await putCalendarYear(year, { holidays: pick('holiday'), workdays: pick('workday') });
      message.success(t('calendar.saved', { year }));
      await queryClient.invalidateQueries({ queryKey: ['calendar-years'] });
      await queryClient.invalidateQueries({ queryKey: ['calendar-year', year] });
      setDirty(false);
    } catch (err) {
      message.error(err instanceof ApiError ? err.message : String(err));
    } finally {
      setSaving(false);
    }
  };

  const handleImport = async (file: File) => {
    try {
      const res = await importCalendar({ content: await file.text(), fileName: file.name });
      message.success(t('calendar.imported', { years: res.years.join('、') }));
      await queryClient.invalidateQueries({ queryKey: ['calendar-years'] });
      await queryClient.invalidateQueries({ queryKey: ['calendar-year'] });
    } catch (err) {
      message.error(err instanceof ApiError ? err.message : String(err));
    }
    return false;
  };

  const table = (kind: Row['kind']) => (
    <Table<Row>
      size="small"
      rowKey="key"
      pagination={false}
      dataSource={rows.filter((r) => r.kind === kind).sort((a, b) => a.date.localeCompare(b.date))}
      locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('common.empty')} /> }}
      columns={[
        {
          title: t('calendar.date'),
          dataIndex: 'date',
          width: 160,
          render: (v: string, r) =>
            canEdit ? (
              <DatePicker
                value={v ? centreDay(v) : null}
                allowClear={false}
                disabledDate={(d) => d.year() !== year}
                defaultPickerValue={centreDay(`${year}-01-01`)}
                onChange={(d) => update(r.key, { date: d ? d.format('YYYY-MM-DD') : '' })}
              />
            ) : (
              v
            ),
        },
        { title: t('calendar.weekday'), dataIndex: 'date', width: 80, render: (v: string) => (v ? centreDay(v).format('ddd') : '') },
        {
          title: t('calendar.name'),
          dataIndex: 'name',
          render: (v: string, r) =>
            canEdit ? (
              <Input
                value={v}
                maxLength={40}
                style={{ minWidth: 96 }}
                aria-label={t('calendar.name')}
                onChange={(e) => update(r.key, { name: e.target.value })}
              />
            ) : (
              v
            ),
        },
        ...(canEdit
          ? [
              {
                title: '',
                key: 'remove',
                width: 48,
                render: (_: unknown, r: Row) => (
                  <Button
                    type="text"
                    danger
                    icon={<DeleteOutlined />}
                    aria-label={t('party.remove')}
                    onClick={() => {
                      setRows((rs) => rs.filter((x) => x.key !== r.key));
                      setDirty(true);
                    }}
                  />
                ),
              },
            ]
          : []),
      ]}
      footer={
        canEdit
          ? () => (
              <Button
                type="dashed"
                block
                icon={<PlusOutlined />}
                onClick={() => {
                  setRows((rs) => [...rs, { key: crypto.randomUUID(), date: '', name: '', kind }]);
                  setDirty(true);
                }}
              >
                {t(kind === 'holiday' ? 'calendar.addHoliday' : 'calendar.addWorkday')}
              </Button>
            )
          : undefined
      }
    />
  );

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      {missingNext && <Alert type="warning" showIcon title={t('calendar.missingNext', { year: thisYear() + 1 })} />}
      <Row gutter={16}>
        <Col xs={24} lg={6}>
          <Card
            size="small"
            title={t('calendar.years')}
            loading={years.isLoading}
            extra={
              canEdit && (
                <Upload accept=".json,.csv,application/json,text/csv" showUploadList={false} beforeUpload={handleImport}>
                  <Button size="small" icon={<UploadOutlined />}>
                    {t('calendar.import')}
                  </Button>
                </Upload>
              )
            }
          >
            <List
              size="small"
              dataSource={[...(years.data ?? [])].reverse()}
              style={{ maxHeight: 420, overflow: 'auto' }}
              renderItem={(y) => (
                <List.Item
                  onClick={() => setYear(y.year)}
                  style={{ cursor: 'pointer', background: y.year === year ? '#fff1f0' : undefined, paddingInline: 8 }}
                  data-testid={`calendar-year-${y.year}`}
                >
                  <Space>
                    <Typography.Text strong>{y.year}</Typography.Text>
                    <Typography.Text type="secondary">{t('calendar.counts', { h: y.holidays, w: y.workdays })}</Typography.Text>
                  </Space>
                </List.Item>
              )}
            />
            {canEdit && (
              <Space.Compact style={{ marginTop: 12, width: '100%' }}>
                <InputNumber
                  min={2000}
                  max={2100}
                  value={newYear}
                  onChange={setNewYear}
                  style={{ width: '100%' }}
                  aria-label={t('calendar.year')}
                />
                <Button onClick={() => newYear && setYear(newYear)}>{t('calendar.open')}</Button>
              </Space.Compact>
            )}
          </Card>
        </Col>
        <Col xs={24} lg={18}>
          <Card
            size="small"
            title={
              <Space>
                <span>{t('calendar.title', { year })}</span>
                {isLoaded && detail.data ? <Tag>{detail.data.source}</Tag> : <Tag color="orange">{t('calendar.notLoaded')}</Tag>}
              </Space>
            }
            extra={
              canEdit && (
                <Popconfirm
                  title={t('calendar.confirmSave', { year })}
                  onConfirm={handleSave}
                  okText={t('common.confirm')}
                  cancelText={t('common.cancel')}
                >
                  <Button type="primary" disabled={!isDirty} loading={isSaving}>
                    {t('calendar.save')}
                  </Button>
                </Popconfirm>
              )
            }
            loading={isLoaded && detail.isLoading}
          >
            {!isLoaded && <Alert type="info" showIcon title={t('calendar.notLoadedHint', { year })} style={{ marginBottom: 12 }} />}
            <Row gutter={16}>
              <Col xs={24} xl={12}>
                <Typography.Title level={5}>{t('calendar.holidays')}</Typography.Title>
                {table('holiday')}
              </Col>
              <Col xs={24} xl={12}>
                <Typography.Title level={5}>{t('calendar.workdays')}</Typography.Title>
                {table('workday')}
              </Col>
            </Row>
          </Card>
        </Col>
      </Row>
      <WorkingDayCalculator />
    </Space>
  );
}

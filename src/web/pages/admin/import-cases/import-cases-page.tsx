import { UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Empty, Progress, Select, Space, Steps, Table, Typography, Upload } from 'antd';
import { useState } from 'react';
import { CASE_KINDS, CATEGORIES, CHANNELS, OUTCOMES } from '../../../../shared/enums.js';
import {
  IMPORT_FIELDS,
  importBatchSize,
  REQUIRED_IMPORT_FIELDS,
  type ImportField,
  type ImportMapping,
  type ImportResult,
  type MappedValueField,
} from '../../../../shared/schemas/imports.js';
import { ApiError } from '../../../app/api.js';
import { useI18n } from '../../../app/i18n.js';
import { useUnits } from '../../../components/use-units.js';
import { importCases } from './service.js';

const ENUM_VALUES = { kind: CASE_KINDS, category: CATEGORIES, channel: CHANNELS, outcome: OUTCOMES } as const;
/** Where an interrupted import of this file stopped (by name and size), so it can go on from there. */
const progressKey = (f: File) => `fq.import.${f.name}.${f.size}`;

/** Bad rows as a CSV for the admin to fix in the old file and import again. */
function downloadBadRows(result: ImportResult) {
  const esc = (v: string) => `"${v.replace(/"/g, '""')}"`;
  const lines = [
    '行号,原案件编号,原因',
    ...result.badRows.map((b) => [String(b.row), b.sourceCaseNumber ?? '', b.reasons.join('；')].map(esc).join(',')),
  ];
  const url = URL.createObjectURL(new Blob([`\uFEFF${lines.join('\r\n')}`], { type: 'text/csv' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = '未导入的行.csv';
  a.click();
  URL.revokeObjectURL(url);
}

/**
 * 历史案件导入: the file, the mapping step (columns with Chinese headers guessed, the old system's values with
 * suggestions by name), the dry run listing every row that will fail and why, then the import in batches with its
 * progress — resumable, and safe to repeat (rows are keyed by the source's case number).
 */
export function ImportCasesPage() {
  const { t, label } = useI18n();
  const { message } = App.useApp();
  const units = useUnits();
  const [file, setFile] = useState<File>();
  const [mapping, setMapping] = useState<ImportMapping>({ columns: {}, values: {} });
  const [dry, setDry] = useState<ImportResult>();
  const [isChecking, setChecking] = useState(false);
  const [progress, setProgress] = useState<{ done: number; total: number; imported: number; already: number; finished: boolean }>();

  const check = async (next = mapping) => {
    if (!file) return;
    setChecking(true);
    try {
      const r = await importCases(file, next);
      setDry(r);
      // Keep what was guessed and suggested as the starting point of the admin's table.
      const values: ImportMapping['values'] = {};
      for (const v of r.values) if (v.value) (values[v.field] ??= {} as never)[v.raw] = v.value as never;
      setMapping({ columns: r.columns, values: { ...values, ...next.values } });
    } catch (err) {
      message.error(err instanceof ApiError ? err.message : String(err));
    } finally {
      setChecking(false);
    }
  };

  const runImport = async (from: number) => {
    if (!file || !dry) return;
    let offset: number | null = from;
    let imported = 0;
    let already = 0;
    setProgress({ done: from, total: dry.total, imported, already, finished: false });
    try {
      while (offset !== null) {
        const r = await importCases(file, mapping, { offset, limit: importBatchSize(dry.total) });
        imported += r.imported;
        already += r.alreadyImported;
        offset = r.nextOffset;
        localStorage.setItem(progressKey(file), String(offset ?? ''));
        setProgress({ done: offset ?? dry.total, total: dry.total, imported, already, finished: offset === null });
      }
      localStorage.removeItem(progressKey(file));
    } catch (err) {
      message.error(err instanceof ApiError ? err.message : String(err));
    }
  };
  const resumeFrom = file ? Number(localStorage.getItem(progressKey(file)) || 0) : 0;

  const unitOptions = (units.data ?? []).map((u) => ({ value: u.code, label: u.name }));
  const setValue = (field: MappedValueField, raw: string, value: string | undefined) =>
    setMapping((m) => ({ ...m, values: { ...m.values, [field]: { ...(m.values[field] ?? {}), [raw]: value } } }));

  return (
    <Card size="small">
      <Steps
        size="small"
        current={progress ? 2 : dry ? 1 : 0}
        items={[{ title: t('import.step.file') }, { title: t('import.step.check') }, { title: t('import.step.import') }]}
        style={{ marginBottom: 16 }}
      />
      <Typography.Paragraph type="secondary">{t('import.hint')}</Typography.Paragraph>
      <Space wrap>
        <Upload
          accept=".xlsx,.csv"
          maxCount={1}
          beforeUpload={(f) => {
            setFile(f);
            setDry(undefined);
            setProgress(undefined);
            setMapping({ columns: {}, values: {} });
            return false;
          }}
          showUploadList={false}
        >
          <Button icon={<UploadOutlined />}>{file ? file.name : t('import.choose')}</Button>
        </Upload>
        <Button type="primary" disabled={!file} loading={isChecking} onClick={() => check()} data-testid="import-check">
          {dry ? t('import.recheck') : t('import.check')}
        </Button>
      </Space>

      {dry && (
        <Space direction="vertical" style={{ width: '100%', marginTop: 16 }}>
          <Typography.Title level={2} style={{ fontSize: 16 }}>
            {t('import.columns')}
          </Typography.Title>
          <Space wrap>
            {IMPORT_FIELDS.map((f: ImportField) => (
              <label key={f} style={{ display: 'inline-flex', flexDirection: 'column', gap: 2 }}>
                <Typography.Text type={REQUIRED_IMPORT_FIELDS.includes(f) ? undefined : 'secondary'}>
                  {t(`import.field.${f}`)}
                  {REQUIRED_IMPORT_FIELDS.includes(f) ? ' *' : ''}
                </Typography.Text>
                <Select
                  allowClear
                  style={{ width: 160 }}
                  value={mapping.columns[f]}
                  options={dry.headers.filter(Boolean).map((h) => ({ value: h, label: h }))}
                  onChange={(h) => setMapping((m) => ({ ...m, columns: { ...m.columns, [f]: h } }))}
                />
              </label>
            ))}
          </Space>
          <Typography.Title level={2} style={{ fontSize: 16 }}>
            {t('import.values')}
          </Typography.Title>
          <Table
            size="small"
            rowKey={(v) => `${v.field}:${v.raw}`}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            dataSource={dry.values}
            columns={[
              { title: t('import.valueField'), dataIndex: 'field', render: (f: ImportField) => t(`import.field.${f}`) },
              { title: t('import.valueRaw'), dataIndex: 'raw' },
              { title: t('import.valueCount'), dataIndex: 'count' },
              {
                title: t('import.valueMapped'),
                render: (_: unknown, v: ImportResult['values'][number]) => (
                  <Select
                    allowClear
                    showSearch
                    optionFilterProp="label"
                    style={{ width: 220 }}
                    status={(mapping.values[v.field] as Record<string, string> | undefined)?.[v.raw] ? undefined : 'warning'}
                    value={(mapping.values[v.field] as Record<string, string> | undefined)?.[v.raw]}
                    placeholder={v.name ? t('import.suggested', { name: v.name }) : undefined}
                    options={
                      v.field === 'placeUnit' || v.field === 'leadUnit'
                        ? unitOptions
                        : ENUM_VALUES[v.field].map((x) => ({ value: x, label: label(v.field, x) }))
                    }
                    onChange={(x: string | undefined) => setValue(v.field, v.raw, x)}
                  />
                ),
              },
            ]}
          />
          <Typography.Title level={2} style={{ fontSize: 16 }}>
            {t('import.badRows', { n: dry.badRows.length, total: dry.total })}
          </Typography.Title>
          {dry.badRows.length === 0 ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('import.noBadRows')} />
          ) : (
            <>
              <Button onClick={() => downloadBadRows(dry)}>{t('import.downloadBad')}</Button>
              <Table
                size="small"
                rowKey="row"
                data-testid="import-bad-rows"
                pagination={{ pageSize: 20, hideOnSinglePage: true }}
                dataSource={dry.badRows}
                columns={[
                  { title: t('import.row'), dataIndex: 'row', width: 70 },
                  { title: t('import.field.sourceCaseNumber'), dataIndex: 'sourceCaseNumber' },
                  { title: t('import.reasons'), dataIndex: 'reasons', render: (r: string[]) => r.join('；') },
                ]}
              />
            </>
          )}
          {dry.alreadyImported > 0 && <Alert type="info" showIcon title={t('import.already', { n: dry.alreadyImported })} />}
          <Space>
            <Button type="primary" onClick={() => runImport(0)} disabled={!!progress && !progress.finished} data-testid="import-run">
              {t('import.run', { n: dry.total - dry.badRows.length })}
            </Button>
            {resumeFrom > 0 && !progress && (
              <Button onClick={() => runImport(resumeFrom)}>{t('import.resume', { row: resumeFrom })}</Button>
            )}
          </Space>
        </Space>
      )}
      {progress && (
        <div style={{ marginTop: 16 }} data-testid="import-progress">
          <Progress
            percent={Math.round((progress.done / Math.max(1, progress.total)) * 100)}
            status={progress.finished ? 'success' : 'active'}
          />
          <Typography.Text>{t('import.progress', { imported: progress.imported, already: progress.already })}</Typography.Text>
        </div>
      )}
    </Card>
  );
}

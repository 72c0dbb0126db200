import {
  CheckCircleTwoTone,
  CloseCircleTwoTone,
  DownloadOutlined,
  MinusCircleOutlined,
  TrophyOutlined,
  UploadOutlined,
} from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Progress,
  Result,
  Row,
  Select,
  Space,
  Statistic,
  Table,
  Tooltip,
  TreeSelect,
  Typography,
  Upload,
} from 'antd';
import { Link } from 'react-router';
import { useMemo, useState } from 'react';
import { ASSESSED_UNIT_TYPES } from '../../../../shared/enums.js';
import { threeZeroFiguresInputSchema, type AssessedUnitInput, type ThreeZeroBoard } from '../../../../shared/schemas/three-zero.js';
import { ApiError } from '../../../app/api.js';
import { atCentre, centreDay, centreToday } from '../../../app/centre-date.js';
import { useI18n } from '../../../app/i18n.js';
import { useSession } from '../../../app/session.js';
import { toUnitTree, useUnits } from '../../../components/use-units.js';
import { zodRule } from '../../../components/zod-rule.js';
import { jurisdictionTree } from '../cockpit/cockpit-page.js';
import {
  addAssessedUnit,
  addAssessedVillages,
  enterThreeZeroFigures,
  importThreeZeroFigures,
  readThreeZeroBoard,
  setThreeZeroTargets,
} from './service.js';

type UnitRow = ThreeZeroBoard['units'][number];

function Mark({ value, title }: { value: boolean | null; title?: string }) {
  const icon =
    value === null ? (
      <MinusCircleOutlined style={{ color: '#bbb' }} />
    ) : value ? (
      <CheckCircleTwoTone twoToneColor="#52c41a" />
    ) : (
      <CloseCircleTwoTone twoToneColor="#f5222d" />
    );
  return title ? <Tooltip title={title}>{icon}</Tooltip> : icon;
}

/**
 * A board with no units yet says what it is for and who fills it in, instead of a blank table: a leader opening it
 * cannot add anything and would not otherwise know whom to ask; an administrator gets the first steps as buttons.
 */
function EmptyBoard(props: { canEdit: boolean; onAddVillages: () => void; isAddingVillages: boolean; onAddUnit: () => void }) {
  const { t } = useI18n();
  return (
    <Result
      icon={<TrophyOutlined />}
      title={t('threeZero.emptyTitle')}
      subTitle={
        <div style={{ maxWidth: 760, margin: '0 auto', textAlign: 'left' }}>
          <Typography.Paragraph>{t('threeZero.emptyWhat')}</Typography.Paragraph>
          <Typography.Paragraph>{t('threeZero.emptyWho')}</Typography.Paragraph>
          {!props.canEdit && <Typography.Paragraph>{t('threeZero.emptyReader')}</Typography.Paragraph>}
        </div>
      }
      extra={
        props.canEdit ? (
          <Space wrap>
            <Popconfirm title={t('threeZero.importFromTree')} onConfirm={props.onAddVillages}>
              <Button type="primary" loading={props.isAddingVillages}>
                {t('threeZero.importFromTree')}
              </Button>
            </Popconfirm>
            <Button onClick={props.onAddUnit}>{t('threeZero.addUnit')}</Button>
          </Space>
        ) : (
          <Link to="/command/cockpit">
            <Button type="primary">{t('threeZero.openCockpit')}</Button>
          </Link>
        )
      }
      data-testid="three-zero-empty"
    />
  );
}

/** "三零"创建: each assessed unit's three zeros for a year, and the share meeting the standard against the target. */
export function ThreeZeroPage() {
  const { t, label } = useI18n();
  const { can, me } = useSession();
  const { message, modal } = App.useApp();
  const queryClient = useQueryClient();
  const units = useUnits();
  const [year, setYear] = useState(centreToday().year());
  const [entering, setEntering] = useState<UnitRow | null>(null);
  const [adding, setAdding] = useState(false);
  const [targeting, setTargeting] = useState(false);
  const [figuresForm] = Form.useForm();
  const [unitForm] = Form.useForm();
  const [targetForm] = Form.useForm();
  const board = useQuery({ queryKey: ['stats', 'three-zero', year], queryFn: () => readThreeZeroBoard(year) });
  const canEdit = can('threeZero.edit');
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['stats', 'three-zero'] });
  const tree = useMemo(
    () => jurisdictionTree(toUnitTree((units.data ?? []).filter((u) => u.kind !== 'department' && u.kind !== 'grid')), me?.unit.id ?? ''),
    [units.data, me],
  );

  const saveFigures = useMutation({
    mutationFn: (v: { accidents: number; criminalCases: number; source: string }) => enterThreeZeroFigures(entering!.id, year, v),
    onSuccess: async () => {
      message.success(t('threeZero.saved'));
      setEntering(null);
      await refresh();
    },
  });
  const addUnit = useMutation({
    mutationFn: (v: AssessedUnitInput) => addAssessedUnit(v),
    onSuccess: async () => {
      message.success(t('threeZero.saved'));
      setAdding(false);
      unitForm.resetFields();
      await refresh();
    },
  });
  const addVillages = useMutation({
    mutationFn: () => addAssessedVillages(),
    onSuccess: async (r) => {
      message.success(`${t('threeZero.saved')}（${r.added}）`);
      await refresh();
    },
  });
  const saveTargets = useMutation({
    mutationFn: (v: { village: number; organisation: number }) => setThreeZeroTargets(year, v),
    onSuccess: async () => {
      message.success(t('threeZero.saved'));
      setTargeting(false);
      await refresh();
    },
  });

  const importFile = useMutation({
    mutationFn: (file: File) => importThreeZeroFigures(year, file),
    onSuccess: async (r) => {
      message.success(t('threeZero.imported', { imported: r.imported, unchanged: r.unchanged, skipped: r.skipped }));
      await refresh();
    },
    onError: (e) => {
      const details =
        e instanceof ApiError
          ? (e.details as { problems?: { row: number; name?: string; reason: string }[]; more?: number } | undefined)
          : undefined;
      modal.error({
        title: e.message,
        width: 560,
        content: details?.problems ? (
          <ul data-testid="three-zero-import-problems" style={{ paddingLeft: 18, maxHeight: 320, overflow: 'auto' }}>
            {details.problems.map((p, i) => (
              <li key={i}>{`${p.row ? t('threeZero.importRow', { row: p.row }) : ''}${p.name ? `“${p.name}”：` : ''}${p.reason}`}</li>
            ))}
            {details.more ? <li>{t('threeZero.importMore', { n: details.more })}</li> : null}
          </ul>
        ) : undefined,
      });
    },
  });

  const b = board.data;
  const isEmpty = b?.units.length === 0;
  const hasNoFigures = !!b?.units.length && b.units.every((u) => u.accidents === null && u.criminalCases === null);
  const groupCard = (g: 'village' | 'organisation') => {
    const s = b?.groups[g];
    const target = b?.targets[g] ?? 0;
    const share = s?.share ?? 0;
    return (
      <Col xs={24} md={12} key={g}>
        <Card size="small" title={t(`threeZero.group.${g}`)} data-testid={`three-zero-${g}`}>
          <Space size="large" align="center">
            <Progress
              type="dashboard"
              percent={share}
              status={share >= target ? 'success' : 'exception'}
              format={() => (s?.share === null || s === undefined ? '—' : `${s.share}%`)}
            />
            <Space direction="vertical">
              <Statistic title={t('threeZero.share')} value={s ? `${s.meeting} / ${s.total}` : '—'} />
              <Typography.Text>{`${t('threeZero.target')}：${target}%`}</Typography.Text>
            </Space>
          </Space>
        </Card>
      </Col>
    );
  };

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card
        size="small"
        title={t('threeZero.boardOfYear', { year })}
        extra={
          <Space wrap>
            <DatePicker
              picker="year"
              allowClear={false}
              value={centreDay(`${year}-01-01`)}
              onChange={(v) => v && setYear(v.year())}
              aria-label={t('threeZero.year')}
            />
            <Button icon={<DownloadOutlined />} href={`/api/three-zero/export.xlsx?year=${year}`} download data-testid="three-zero-export">
              {t('cockpit.export')}
            </Button>
            {canEdit && (
              <>
                <Tooltip title={t('threeZero.importHint')}>
                  <Upload
                    accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                    showUploadList={false}
                    beforeUpload={(file) => {
                      importFile.mutate(file);
                      return false;
                    }}
                  >
                    <Button icon={<UploadOutlined />} loading={importFile.isPending} data-testid="three-zero-import">
                      {t('threeZero.import')}
                    </Button>
                  </Upload>
                </Tooltip>
                <Button onClick={() => setAdding(true)}>{t('threeZero.addUnit')}</Button>
                <Popconfirm title={t('threeZero.importFromTree')} onConfirm={() => addVillages.mutate()}>
                  <Button loading={addVillages.isPending}>{t('threeZero.importFromTree')}</Button>
                </Popconfirm>
                <Button
                  onClick={() => {
                    targetForm.setFieldsValue({ village: b?.targets.village, organisation: b?.targets.organisation });
                    setTargeting(true);
                  }}
                >
                  {t('threeZero.setTarget')}
                </Button>
              </>
            )}
          </Space>
        }
      >
        {isEmpty ? (
          <EmptyBoard
            canEdit={canEdit}
            onAddVillages={() => addVillages.mutate()}
            isAddingVillages={addVillages.isPending}
            onAddUnit={() => setAdding(true)}
          />
        ) : (
          <Row gutter={[12, 12]}>{(['village', 'organisation'] as const).map(groupCard)}</Row>
        )}
      </Card>
      {hasNoFigures && <Alert type="info" showIcon message={t('threeZero.noFiguresYet', { year })} data-testid="three-zero-no-figures" />}
      {!isEmpty && (
        <Card size="small">
          <Table<UnitRow>
            size="small"
            rowKey="id"
            loading={board.isLoading}
            dataSource={b?.units ?? []}
            pagination={{ pageSize: 20, showSizeChanger: true }}
            locale={{ emptyText: canEdit ? `${t('common.empty')}：${t('threeZero.importFromTree')}` : t('common.empty') }}
            data-testid="three-zero-table"
            columns={[
              { title: t('threeZero.unit'), dataIndex: 'name' },
              {
                title: t('threeZero.type'),
                dataIndex: 'type',
                render: (v: string) => label('assessedType', v),
                filters: ASSESSED_UNIT_TYPES.map((v) => ({ text: label('assessedType', v), value: v })),
                onFilter: (v, r) => r.type === v,
              },
              { title: t('cockpit.unit'), dataIndex: 'placeName' },
              {
                title: t('threeZero.zeroPetition'),
                align: 'center',
                render: (_, r) => (
                  <Mark value={r.zeroPetition} title={r.carriedUp ? t('threeZero.carriedUp', { n: r.carriedUp }) : undefined} />
                ),
              },
              {
                title: t('threeZero.zeroAccident'),
                align: 'center',
                render: (_, r) => (
                  <Mark value={r.zeroAccident} title={r.accidents === null ? t('threeZero.notEntered') : `${r.accidents}`} />
                ),
              },
              {
                title: t('threeZero.zeroCrime'),
                align: 'center',
                render: (_, r) => (
                  <Mark value={r.zeroCrime} title={r.criminalCases === null ? t('threeZero.notEntered') : `${r.criminalCases}`} />
                ),
              },
              {
                title: t('threeZero.meets'),
                align: 'center',
                render: (_, r) => <Mark value={r.meets} />,
                filters: [
                  { text: '✓', value: true },
                  { text: '✗', value: false },
                ],
                onFilter: (v, r) => r.meets === v,
              },
              {
                title: t('threeZero.source'),
                dataIndex: 'source',
                render: (v: string | null, r) =>
                  v ? (
                    <Tooltip title={`${r.enteredBy ?? ''} ${r.enteredAt ? atCentre(r.enteredAt).format('YYYY-MM-DD HH:mm') : ''}`}>
                      {v}
                    </Tooltip>
                  ) : (
                    <Typography.Text type="secondary">{t('threeZero.notEntered')}</Typography.Text>
                  ),
              },
              ...(canEdit
                ? [
                    {
                      title: '',
                      key: 'enter',
                      render: (_: unknown, r: UnitRow) => (
                        <Button
                          size="small"
                          onClick={() => {
                            figuresForm.setFieldsValue({
                              accidents: r.accidents ?? 0,
                              criminalCases: r.criminalCases ?? 0,
                              source: r.source ?? '',
                            });
                            setEntering(r);
                          }}
                        >
                          {t('threeZero.enter')}
                        </Button>
                      ),
                    },
                  ]
                : []),
            ]}
          />
        </Card>
      )}
      <Modal
        open={!!entering}
        title={`${entering?.name ?? ''} · ${year}`}
        onCancel={() => setEntering(null)}
        onOk={() => figuresForm.submit()}
        confirmLoading={saveFigures.isPending}
        destroyOnHidden
      >
        <Form form={figuresForm} layout="vertical" onFinish={(v) => saveFigures.mutate(v)}>
          <Form.Item
            name="accidents"
            label={t('threeZero.accidents')}
            rules={[
              { required: true, message: t('threeZero.needNumber') },
              zodRule(threeZeroFiguresInputSchema.shape.accidents, t('threeZero.wholeNumber')),
            ]}
          >
            <InputNumber min={0} precision={0} style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item
            name="criminalCases"
            label={t('threeZero.criminalCases')}
            rules={[
              { required: true, message: t('threeZero.needNumber') },
              zodRule(threeZeroFiguresInputSchema.shape.criminalCases, t('threeZero.wholeNumber')),
            ]}
          >
            <InputNumber min={0} precision={0} style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item
            name="source"
            label={t('threeZero.source')}
            rules={[
              { required: true, message: t('threeZero.needSource') },
              zodRule(threeZeroFiguresInputSchema.shape.source, t('threeZero.sourceTooShort')),
            ]}
          >
            <Input placeholder={t('threeZero.sourcePlaceholder', { year })} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={adding}
        title={t('threeZero.addUnit')}
        onCancel={() => setAdding(false)}
        onOk={() => unitForm.submit()}
        confirmLoading={addUnit.isPending}
        destroyOnHidden
      >
        <Form form={unitForm} layout="vertical" onFinish={(v) => addUnit.mutate(v)} initialValues={{ type: 'school' }}>
          <Form.Item name="name" label={t('threeZero.unit')} rules={[{ required: true, message: t('threeZero.needUnitName') }]}>
            <Input placeholder={t('threeZero.unitPlaceholder')} />
          </Form.Item>
          <Form.Item name="type" label={t('threeZero.type')} rules={[{ required: true }]}>
            <Select options={ASSESSED_UNIT_TYPES.map((v) => ({ value: v, label: label('assessedType', v) }))} />
          </Form.Item>
          <Form.Item name="unitId" label={t('cockpit.unit')} rules={[{ required: true, message: t('threeZero.needPlace') }]}>
            <TreeSelect treeData={tree} showSearch treeNodeFilterProp="title" />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={targeting}
        title={`${t('threeZero.setTarget')} · ${year}`}
        onCancel={() => setTargeting(false)}
        onOk={() => targetForm.submit()}
        confirmLoading={saveTargets.isPending}
        destroyOnHidden
      >
        <Form form={targetForm} layout="vertical" onFinish={(v) => saveTargets.mutate(v)}>
          <Form.Item name="village" label={`${t('threeZero.group.village')} (%)`} rules={[{ required: true }]}>
            <InputNumber min={0} max={100} precision={0} style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="organisation" label={`${t('threeZero.group.organisation')} (%)`} rules={[{ required: true }]}>
            <InputNumber min={0} max={100} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}

import { PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, DatePicker, Form, Input, Modal, Segmented, Select, Table, Tag, TreeSelect } from 'antd';
import type { Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import type { PackageSummary } from '../../../shared/schemas/packages.js';
import { ApiError } from '../../app/api.js';
import { listCases } from '../../app/services/cases.js';
import { useI18n } from '../../app/i18n.js';
import { useSession } from '../../app/session.js';
import { RiskTag } from '../../components/case-tags.js';
import { toUnitTree, useUnits, useUnitStaff } from '../../components/use-units.js';
import { createPackage, listPackages } from './service.js';

interface CreateValues {
  name: string;
  leadUnitId: string;
  coUnitIds?: string[];
  handlerId?: string;
  deadline?: Dayjs;
  caseCodes: string;
}

/**
 * 一揽子化解: the packages of related cases in the user's jurisdiction — for a leader, every open package with its
 * size, people involved, age and risk. `?caseIds=…&name=…` (from the intake panel's suggestion) opens the form filled.
 */
export function PackagesPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const [status, setStatus] = useState<'open' | 'concluded' | 'all'>('open');
  const list = useQuery({ queryKey: ['packages', status], queryFn: () => listPackages(status) });
  const units = useUnits();
  const tree = useMemo(() => toUnitTree(units.data ?? []), [units.data]);
  const [form] = Form.useForm<CreateValues>();
  const leadUnitId = Form.useWatch('leadUnitId', form);
  const staff = useUnitStaff(leadUnitId);
  const suggested = params.get('caseIds');
  const [isCreating, setCreating] = useState(!!suggested);

  const handleCreate = async () => {
    const v = await form.validateFields();
    try {
      // Cases are named by code on the form (or passed by id from a suggestion).
      const codes = v.caseCodes.split(/[\s,，、]+/).filter(Boolean);
      const ids = suggested ? suggested.split(',') : [];
      for (const code of codes.filter((c) => !c.match(/^[0-9a-f-]{36}$/))) {
        const found = await listCases(`q=${encodeURIComponent(code)}&pageSize=5`);
        const hit = found.items.find((c) => c.code === code);
        if (!hit) throw new Error(t('packages.caseNotFound', { code }));
        ids.push(hit.id);
      }
      const created = await createPackage({
        name: v.name,
        leadUnitId: v.leadUnitId,
        coUnitIds: v.coUnitIds ?? [],
        handlerId: v.handlerId ?? null,
        deadline: v.deadline?.format('YYYY-MM-DD') ?? null,
        caseIds: [...new Set(ids)],
      });
      setCreating(false);
      setParams({});
      await queryClient.invalidateQueries({ queryKey: ['packages'] });
      navigate(`/packages/${created.id}`);
    } catch (err) {
      message.error(err instanceof ApiError || err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <Card
      title={t('packages.title')}
      size="small"
      extra={
        <>
          <Segmented
            value={status}
            onChange={(v) => setStatus(v as typeof status)}
            options={[
              { value: 'open', label: t('packages.open') },
              { value: 'concluded', label: t('packages.concluded') },
              { value: 'all', label: t('cameras.all') },
            ]}
          />{' '}
          {can('package.manage') && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              {t('packages.create')}
            </Button>
          )}
        </>
      }
    >
      <Table<PackageSummary>
        rowKey="id"
        size="small"
        loading={list.isLoading}
        dataSource={list.data}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t('packages.empty') }}
        columns={[
          { title: t('packages.name'), render: (_, p) => <Link to={`/packages/${p.id}`}>{p.name}</Link> },
          { title: t('case.leadUnit'), render: (_, p) => p.leadUnit.name },
          { title: t('packages.handler'), render: (_, p) => p.handler?.name ?? '—' },
          { title: t('packages.size'), dataIndex: 'size' },
          { title: t('case.peopleInvolved'), dataIndex: 'peopleInvolved' },
          { title: t('packages.age'), dataIndex: 'ageDays', render: (n: number) => t('packages.days', { n }) },
          { title: t('case.riskLevel'), render: (_, p) => <RiskTag risk={p.riskLevel} /> },
          { title: t('packages.deadline'), dataIndex: 'deadline', render: (d: string | null) => d ?? '—' },
          {
            title: t('case.status'),
            render: (_, p) => <Tag color={p.status === 'open' ? 'processing' : 'default'}>{t(`packages.${p.status}`)}</Tag>,
          },
        ]}
      />
      <Modal
        open={isCreating}
        title={t('packages.create')}
        onCancel={() => (setCreating(false), setParams({}))}
        onOk={handleCreate}
        okText={t('common.save')}
        destroyOnHidden
        width={640}
      >
        <Form
          form={form}
          layout="vertical"
          initialValues={{
            name: params.get('name') ?? '',
            caseCodes: suggested ? t('packages.suggestedCases', { n: suggested.split(',').length }) : '',
          }}
        >
          <Form.Item name="name" label={t('packages.name')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="leadUnitId" label={t('case.leadUnit')} rules={[{ required: true, message: t('common.required') }]}>
            <TreeSelect treeData={tree} showSearch={{ treeNodeFilterProp: 'title' }} loading={units.isLoading} />
          </Form.Item>
          <Form.Item name="coUnitIds" label={t('case.coUnits')}>
            <TreeSelect treeData={tree} multiple showSearch={{ treeNodeFilterProp: 'title' }} />
          </Form.Item>
          <Form.Item name="handlerId" label={t('packages.handler')}>
            <Select
              allowClear
              disabled={!leadUnitId}
              loading={staff.isLoading}
              options={(staff.data ?? []).map((s) => ({ value: s.id, label: s.displayName }))}
            />
          </Form.Item>
          <Form.Item name="deadline" label={t('packages.deadline')}>
            <DatePicker />
          </Form.Item>
          <Form.Item
            name="caseCodes"
            label={t('packages.cases')}
            extra={t('packages.casesHint')}
            rules={[{ required: !suggested, message: t('common.required') }]}
          >
            <Input.TextArea rows={3} disabled={!!suggested} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

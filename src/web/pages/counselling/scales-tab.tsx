import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Form, Input, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { scaleFromText, scaleToText, type ScaleDefinition, type ScaleText } from '../../../shared/scales.js';
import { useI18n } from '../../app/i18n.js';
import { useSession } from '../../app/session.js';
import { addScale, listScales } from './service.js';

/** 量表: the scales the centre administers (PHQ-9 and GAD-7 built in); a supervisor adds others as data, no code. */
export function ScalesTab() {
  const { t } = useI18n();
  const { can } = useSession();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [adding, setAdding] = useState(false);
  const [form] = Form.useForm<ScaleText>();
  const scales = useQuery({ queryKey: ['counselling', 'scales'], queryFn: () => listScales() });
  const canAdd = can('counselling.supervise');
  const add = useMutation({
    mutationFn: (scale: ScaleDefinition) => addScale(scale),
    onSuccess: async () => {
      message.success(t('threeZero.saved'));
      setAdding(false);
      form.resetFields();
      await queryClient.invalidateQueries({ queryKey: ['counselling', 'scales'] });
    },
  });
  const submit = (v: ScaleText) => {
    const read = scaleFromText(v);
    if (!read.ok) {
      const byField = new Map<keyof ScaleText, string[]>();
      for (const e of read.errors) byField.set(e.field, [...(byField.get(e.field) ?? []), e.message]);
      form.setFields([...byField].map(([name, errors]) => ({ name, errors })));
      return;
    }
    add.mutate(read.scale);
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {canAdd && (
        <Button onClick={() => setAdding(true)} data-testid="add-scale">
          {t('counselling.addScale')}
        </Button>
      )}
      <Table<ScaleDefinition>
        size="small"
        rowKey="code"
        loading={scales.isLoading}
        dataSource={scales.data ?? []}
        pagination={false}
        data-testid="counselling-scales"
        expandable={{
          expandedRowRender: (s) => (
            <Space direction="vertical">
              <Typography.Text type="secondary">{s.instructions}</Typography.Text>
              <ol style={{ margin: 0 }}>
                {s.items.map((i) => (
                  <li key={i.no}>{i.text}</li>
                ))}
              </ol>
            </Space>
          ),
        }}
        columns={[
          { title: t('counselling.scaleCode'), dataIndex: 'code', width: 110 },
          { title: t('counselling.scaleName'), dataIndex: 'name' },
          { title: t('counselling.scaleItems'), render: (_, s) => s.items.length, width: 70 },
          { title: t('counselling.scaleOptions'), render: (_, s) => s.options.map((o) => `${o.value} ${o.label}`).join('；') },
          {
            title: t('counselling.scaleBands'),
            render: (_, s) => s.bands.map((b) => <Tag key={b.key}>{`${b.min}–${b.max} ${b.label}`}</Tag>),
          },
          {
            title: t('counselling.scaleCrisis'),
            render: (_, s) =>
              s.crisisItems.length
                ? s.crisisItems.map((c) => (
                    <Tag color="red" key={c.no}>
                      {c.reason}
                    </Tag>
                  ))
                : '—',
          },
        ]}
      />
      <Modal
        open={adding}
        width={720}
        title={t('counselling.addScale')}
        onCancel={() => setAdding(false)}
        onOk={() => form.submit()}
        confirmLoading={add.isPending}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={submit} initialValues={{ crisis: '' }}>
          <Form.Item label={t('counselling.scaleTemplate')}>
            <Select
              allowClear
              placeholder={t('counselling.scaleTemplateHint')}
              options={(scales.data ?? []).map((s) => ({ value: s.code, label: s.name }))}
              onChange={(code?: string) => {
                const s = scales.data?.find((x) => x.code === code);
                if (s) form.setFieldsValue({ ...scaleToText(s), code: '', name: '' });
              }}
            />
          </Form.Item>
          <Space style={{ width: '100%' }} align="start">
            <Form.Item name="code" label={t('counselling.scaleCode')} rules={[{ required: true, message: t('counselling.needScaleCode') }]}>
              <Input placeholder="SCL-90" maxLength={20} style={{ width: 140 }} />
            </Form.Item>
            <Form.Item
              name="name"
              label={t('counselling.scaleName')}
              rules={[{ required: true, message: t('counselling.needScaleName') }]}
              style={{ minWidth: 360 }}
            >
              <Input maxLength={60} />
            </Form.Item>
          </Space>
          <Form.Item
            name="instructions"
            label={t('counselling.scaleInstructions')}
            rules={[{ required: true, message: t('counselling.needInstructions') }]}
          >
            <Input.TextArea rows={2} maxLength={300} />
          </Form.Item>
          <Form.Item
            name="items"
            label={t('counselling.scaleItemsInput')}
            rules={[{ required: true, message: t('counselling.needItems') }]}
          >
            <Input.TextArea rows={6} placeholder={t('counselling.itemsExample')} />
          </Form.Item>
          <Form.Item
            name="options"
            label={t('counselling.scaleOptionsInput')}
            rules={[{ required: true, message: t('counselling.needOptions') }]}
          >
            <Input.TextArea rows={4} placeholder={t('counselling.optionsExample')} />
          </Form.Item>
          <Form.Item
            name="bands"
            label={t('counselling.scaleBandsInput')}
            rules={[{ required: true, message: t('counselling.needBands') }]}
          >
            <Input.TextArea rows={3} placeholder={t('counselling.bandsExample')} />
          </Form.Item>
          <Form.Item name="crisis" label={t('counselling.scaleCrisisInput')}>
            <Input.TextArea rows={2} placeholder={t('counselling.crisisExample')} />
          </Form.Item>
          {add.isError && <Alert type="error" showIcon message={(add.error as Error).message} />}
        </Form>
      </Modal>
    </Space>
  );
}

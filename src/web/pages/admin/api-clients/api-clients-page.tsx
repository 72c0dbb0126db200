import { PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Checkbox, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { CHANNELS, type Channel } from '../../../../shared/enums.js';
import type { ApiClient } from '../../../../shared/schemas/integrations.js';
import { ApiError } from '../../../app/api.js';
import { useI18n } from '../../../app/i18n.js';
import { createApiClient, listApiClients, revokeApiClient, rotateApiKey, type ApiClientSecrets as Secrets } from './service.js';
import { atCentre } from '../../../app/centre-date.js';

/**
 * 接入系统: the other systems that file and follow cases (12345, 110, court, petition bureau, Open311 apps, video
 * analytics). A key is shown once at creation or rotation; the platform keeps only its hash.
 */
export function ApiClientsPage() {
  const { t, label } = useI18n();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: ['api-clients'], queryFn: () => listApiClients() });
  const [isCreating, setCreating] = useState(false);
  const [secrets, setSecrets] = useState<Secrets>();
  const [form] = Form.useForm<{ name: string; channels: Channel[]; mayPostCameraAlerts: boolean; callbackUrl?: string }>();
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['api-clients'] });

  const run = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
      await refresh();
    } catch (err) {
      message.error(err instanceof ApiError ? err.message : String(err));
    }
  };

  const handleCreate = async () => {
    const v = await form.validateFields();
    await run(async () => {
      const created = await createApiClient({
        name: v.name,
        channels: v.channels,
        mayPostCameraAlerts: !!v.mayPostCameraAlerts,
        callbackUrl: v.callbackUrl?.trim() || null,
      });
      setCreating(false);
      form.resetFields();
      setSecrets(created);
    });
  };

  return (
    <Card
      title={t('apiClients.title')}
      size="small"
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
          {t('apiClients.add')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">{t('apiClients.hint')}</Typography.Paragraph>
      <Table<ApiClient>
        rowKey="id"
        size="small"
        loading={list.isLoading}
        dataSource={list.data}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t('apiClients.empty') }}
        columns={[
          { title: t('apiClients.name'), dataIndex: 'name' },
          { title: t('apiClients.channels'), render: (_, c) => c.channels.map((ch) => <Tag key={ch}>{label('channel', ch)}</Tag>) },
          { title: t('apiClients.keyPrefix'), dataIndex: 'keyPrefix', render: (v: string) => <Typography.Text code>{v}…</Typography.Text> },
          { title: t('apiClients.callback'), dataIndex: 'callbackUrl', render: (v: string | null) => v ?? '—' },
          {
            title: t('apiClients.lastUsed'),
            dataIndex: 'lastUsedAt',
            render: (v: string | null) => (v ? atCentre(v).format('YYYY-MM-DD HH:mm') : '—'),
          },
          {
            title: t('apiClients.status'),
            render: (_, c) => (c.revokedAt ? <Tag>{t('apiClients.revoked')}</Tag> : <Tag color="green">{t('apiClients.active')}</Tag>),
          },
          {
            title: '',
            render: (_, c) =>
              !c.revokedAt && (
                <Space>
                  <Popconfirm title={t('apiClients.rotateConfirm')} onConfirm={() => run(async () => setSecrets(await rotateApiKey(c.id)))}>
                    <Button size="small">{t('apiClients.rotate')}</Button>
                  </Popconfirm>
                  <Popconfirm
                    title={t('apiClients.revokeConfirm')}
                    okButtonProps={{ danger: true }}
                    onConfirm={() => run(() => revokeApiClient(c.id))}
                  >
                    <Button size="small" danger>
                      {t('apiClients.revoke')}
                    </Button>
                  </Popconfirm>
                </Space>
              ),
          },
        ]}
      />
      <Modal
        open={isCreating}
        title={t('apiClients.add')}
        onCancel={() => setCreating(false)}
        onOk={handleCreate}
        okText={t('common.save')}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" initialValues={{ channels: ['transfer'] }}>
          <Form.Item name="name" label={t('apiClients.name')} rules={[{ required: true, message: t('common.required') }]}>
            <Input maxLength={100} placeholder={t('apiClients.namePlaceholder')} />
          </Form.Item>
          <Form.Item name="channels" label={t('apiClients.channels')} rules={[{ required: true, message: t('common.required') }]}>
            <Select mode="multiple" options={CHANNELS.map((c) => ({ value: c, label: label('channel', c) }))} />
          </Form.Item>
          <Form.Item name="callbackUrl" label={t('apiClients.callback')} rules={[{ type: 'url', message: t('apiClients.urlInvalid') }]}>
            <Input placeholder="https://12345.example.gov.cn/fengqiao/callback" />
          </Form.Item>
          <Form.Item name="mayPostCameraAlerts" valuePropName="checked">
            <Checkbox>{t('apiClients.cameraAlerts')}</Checkbox>
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={!!secrets}
        title={t('apiClients.secretsTitle')}
        onCancel={() => setSecrets(undefined)}
        footer={<Button onClick={() => setSecrets(undefined)}>{t('apiClients.secretsDone')}</Button>}
      >
        <Alert type="warning" showIcon title={t('apiClients.secretsOnce')} style={{ marginBottom: 12 }} />
        <Typography.Paragraph>
          {t('apiClients.apiKey')}
          <Typography.Text code copyable data-testid="api-key">
            {secrets?.apiKey}
          </Typography.Text>
        </Typography.Paragraph>
        <Typography.Paragraph>
          {t('apiClients.signingSecret')}
          <Typography.Text code copyable>
            {secrets?.signingSecret}
          </Typography.Text>
        </Typography.Paragraph>
      </Modal>
    </Card>
  );
}

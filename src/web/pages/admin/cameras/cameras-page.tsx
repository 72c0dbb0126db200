import { PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Badge,
  Button,
  Card,
  Drawer,
  Form,
  Input,
  InputNumber,
  Modal,
  Segmented,
  Space,
  Table,
  Tag,
  TreeSelect,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import type { Camera, CameraInput } from '../../../../shared/schemas/cameras.js';
import { ApiError } from '../../../app/api.js';
import { listCameraAlerts, listCameras, type CameraAlert } from '../../../app/services/cameras.js';
import { useI18n } from '../../../app/i18n.js';
import { useSession } from '../../../app/session.js';
import { toUnitTree, useUnits } from '../../../components/use-units.js';
import { createCamera, updateCamera } from './service.js';
import { atCentre } from '../../../app/centre-date.js';

/**
 * 视频监控点位: the cameras whose video-analytics alerts become grid events, with their online status (kept live by
 * heartbeats) and their recent alerts. The admin registers and edits points; others look.
 */
export function CamerasPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const canEdit = can('camera.edit');
  const list = useQuery({ queryKey: ['cameras'], queryFn: () => listCameras() });
  const units = useUnits();
  const [filter, setFilter] = useState<'all' | 'online' | 'offline'>('all');
  const [editing, setEditing] = useState<Camera | 'new'>();
  const [viewing, setViewing] = useState<Camera>();
  const [form] = Form.useForm<CameraInput>();
  const gridTree = useMemo(() => toUnitTree(units.data ?? [], (u) => u.code), [units.data]);
  const rows = (list.data ?? []).filter((c) => filter === 'all' || c.status === filter);

  const openEditor = (c: Camera | 'new') => {
    setEditing(c);
    form.setFieldsValue(
      c === 'new' ? { code: '', name: '', lat: 35.24, lng: 113.24, unitCode: '', streamUrl: null } : { ...c, unitCode: c.unit.code },
    );
  };
  const handleSave = async () => {
    const v = await form.validateFields();
    const body = { ...v, streamUrl: v.streamUrl?.trim() || null };
    try {
      if (editing === 'new') await createCamera(body);
      else await updateCamera(editing!.id, body);
      message.success(t('cameras.saved'));
      setEditing(undefined);
      await queryClient.invalidateQueries({ queryKey: ['cameras'] });
    } catch (err) {
      message.error(err instanceof ApiError ? err.message : String(err));
    }
  };

  return (
    <Card
      title={t('cameras.title')}
      size="small"
      extra={
        <Space>
          <Segmented
            value={filter}
            onChange={(v) => setFilter(v as typeof filter)}
            options={[
              { value: 'all', label: t('cameras.all') },
              { value: 'online', label: t('cameras.online') },
              { value: 'offline', label: t('cameras.offline') },
            ]}
          />
          {canEdit && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => openEditor('new')}>
              {t('cameras.add')}
            </Button>
          )}
        </Space>
      }
    >
      <Table<Camera>
        rowKey="id"
        size="small"
        loading={list.isLoading}
        dataSource={rows}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t('cameras.empty') }}
        onRow={(c) => ({ onClick: () => setViewing(c), style: { cursor: 'pointer' } })}
        columns={[
          { title: t('cameras.code'), dataIndex: 'code' },
          { title: t('cameras.name'), dataIndex: 'name' },
          { title: t('cameras.grid'), render: (_, c) => c.unit.name },
          {
            title: t('cameras.status'),
            render: (_, c) => (
              <span data-testid={`camera-status-${c.code}`} data-status={c.status}>
                <Badge status={c.status === 'online' ? 'success' : 'default'} text={t(`cameras.${c.status}`)} />
              </span>
            ),
          },
          {
            title: t('cameras.lastHeartbeat'),
            dataIndex: 'lastHeartbeatAt',
            render: (v: string | null) => (v ? atCentre(v).format('MM-DD HH:mm:ss') : '—'),
          },
          { title: t('cameras.alerts24h'), dataIndex: 'openAlerts', render: (n: number) => (n ? <Tag color="volcano">{n}</Tag> : 0) },
          ...(canEdit
            ? [
                {
                  title: '',
                  render: (_: unknown, c: Camera) => (
                    <Button
                      size="small"
                      onClick={(e) => {
                        e.stopPropagation();
                        openEditor(c);
                      }}
                    >
                      {t('cameras.edit')}
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
      <Modal
        open={!!editing}
        title={editing === 'new' ? t('cameras.add') : t('cameras.edit')}
        onCancel={() => setEditing(undefined)}
        onOk={handleSave}
        okText={t('common.save')}
        destroyOnHidden
      >
        <Form form={form} layout="vertical">
          <Form.Item
            name="code"
            label={t('cameras.code')}
            rules={[{ required: true, pattern: /^[\w.-]+$/, message: t('cameras.codeRule') }]}
          >
            <Input maxLength={40} placeholder="WY-DF-003" />
          </Form.Item>
          <Form.Item name="name" label={t('cameras.name')} rules={[{ required: true, message: t('common.required') }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="unitCode" label={t('cameras.grid')} rules={[{ required: true, message: t('common.required') }]}>
            <TreeSelect treeData={gridTree} showSearch={{ treeNodeFilterProp: 'title' }} loading={units.isLoading} />
          </Form.Item>
          <Space>
            <Form.Item name="lat" label={t('cameras.lat')} rules={[{ required: true, message: t('common.required') }]}>
              <InputNumber min={-90} max={90} step={0.0001} />
            </Form.Item>
            <Form.Item name="lng" label={t('cameras.lng')} rules={[{ required: true, message: t('common.required') }]}>
              <InputNumber min={-180} max={180} step={0.0001} />
            </Form.Item>
          </Space>
          <Form.Item name="streamUrl" label={t('cameras.stream')}>
            <Input maxLength={500} placeholder="rtsp://video-gateway.local/live/WY-DF-003" />
          </Form.Item>
        </Form>
      </Modal>
      <Drawer open={!!viewing} onClose={() => setViewing(undefined)} title={viewing ? `${viewing.code} · ${viewing.name}` : ''} size={520}>
        {viewing && <CameraAlerts camera={viewing} />}
      </Drawer>
    </Card>
  );
}

function CameraAlerts({ camera }: { camera: Camera }) {
  const { t, label } = useI18n();
  const alerts = useQuery({
    queryKey: ['cameras', camera.id, 'alerts'],
    queryFn: () => listCameraAlerts(camera.id),
  });
  return (
    <>
      <Typography.Paragraph>
        {t('cameras.grid')}：{camera.unit.name} · {camera.lat.toFixed(4)}, {camera.lng.toFixed(4)}
      </Typography.Paragraph>
      <Typography.Paragraph>
        {t('cameras.stream')}：{camera.streamUrl ? <Typography.Text copyable>{camera.streamUrl}</Typography.Text> : '—'}
      </Typography.Paragraph>
      <Table<CameraAlert>
        rowKey="id"
        size="small"
        loading={alerts.isLoading}
        dataSource={alerts.data}
        pagination={false}
        locale={{ emptyText: t('cameras.noAlerts') }}
        columns={[
          { title: t('cameras.alertType'), dataIndex: 'alertType', render: (v: string) => label('cameraAlert', v) },
          { title: t('cameras.count'), dataIndex: 'count' },
          { title: t('cameras.lastAt'), dataIndex: 'lastAt', render: (v: string) => atCentre(v).format('MM-DD HH:mm') },
          { title: t('case.code'), render: (_, a) => <Link to={`/cases/${a.caseId}`}>{a.caseCode}</Link> },
          { title: t('case.status'), dataIndex: 'caseStatus', render: (v: string) => label('status', v) },
        ]}
      />
    </>
  );
}

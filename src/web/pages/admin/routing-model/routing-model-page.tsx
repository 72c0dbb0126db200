import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Empty, Space, Table, Tabs, Typography } from 'antd';
import type { RoutingModelReport } from '../../../../shared/schemas/learning.js';
import { ApiError } from '../../../app/api.js';
import { useI18n } from '../../../app/i18n.js';
import { useSession } from '../../../app/session.js';
import { getRoutingModel, trainRoutingModel } from './service.js';
import { atCentre } from '../../../app/centre-date.js';

type Head = NonNullable<NonNullable<RoutingModelReport['active']>['heads']['category']>;
const pct = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`);

/** One head's figures: per-class precision/recall/F1 and the confusion matrix they were counted from. */
function HeadReport({ head, name }: { head: Head; name: 'kind' | 'category' | 'unit' }) {
  const { t, label } = useI18n();
  const shown = (value: string, i: number) => (name === 'unit' ? head.names[i]! : label(name, value));
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Text>
        {t('routingModel.macroF1')}：{pct(head.macroF1)} · {pct(head.accuracy)}
      </Typography.Text>
      <Table
        size="small"
        rowKey="label"
        pagination={false}
        dataSource={head.perClass.map((p, i) => ({ ...p, shown: shown(p.label, i) }))}
        columns={[
          { title: t(`routingModel.head.${name}`), dataIndex: 'shown' },
          { title: t('routingModel.precision'), dataIndex: 'precision', render: pct },
          { title: t('routingModel.recall'), dataIndex: 'recall', render: pct },
          { title: t('routingModel.f1'), dataIndex: 'f1', render: pct },
          { title: t('routingModel.support'), dataIndex: 'support' },
        ]}
      />
      <Typography.Text strong>{t('routingModel.matrix')}</Typography.Text>
      <div role="region" aria-label={t('common.tableRegion')} tabIndex={0} style={{ overflowX: 'auto' }}>
        <table className="routing-matrix" data-testid={`matrix-${name}`} style={{ borderCollapse: 'collapse', fontSize: 12 }}>
          <thead>
            <tr>
              <th />
              {head.classes.map((c, i) => (
                <th key={c} scope="col" style={{ padding: 4 }}>
                  {shown(c, i)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {head.matrix.map((row, i) => (
              <tr key={head.classes[i]}>
                <th scope="row" style={{ padding: 4, textAlign: 'left' }}>
                  {shown(head.classes[i]!, i)}
                </th>
                {row.map((v, j) => (
                  <td key={j} style={{ padding: 4, textAlign: 'right', background: i === j && v ? '#e6f4ff' : undefined }}>
                    {v}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {head.tooFew.length > 0 && (
        <Typography.Text type="secondary">
          {t('routingModel.tooFew', {
            list: head.tooFew.map((f) => `${name === 'unit' ? f.name : label(name, f.label)}（${f.count}）`).join('、'),
          })}
        </Typography.Text>
      )}
    </Space>
  );
}

/** 智能分流模型: the active model's report on the held-out recent cases, the training runs, the accepted share. */
export function RoutingModelPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const report = useQuery({ queryKey: ['routing-model'], queryFn: () => getRoutingModel() });
  const train = useMutation({
    mutationFn: () => trainRoutingModel(),
    onSuccess: (r) => {
      queryClient.setQueryData(['routing-model'], r);
      const run = r.runs[0];
      if (run) message.success(t('routingModel.trained', { version: run.version, status: t(`routingModel.status.${run.status}`) }));
    },
    onError: (err) => message.error(err instanceof ApiError ? err.message : String(err)),
  });
  const r = report.data;
  const a = r?.active;
  return (
    <Card
      size="small"
      loading={report.isLoading}
      extra={
        can('routing.train') && (
          <Button type="primary" loading={train.isPending} onClick={() => train.mutate()} data-testid="train-model">
            {t('routingModel.train')}
          </Button>
        )
      }
    >
      {report.isError && <Alert type="error" title={(report.error as Error).message} />}
      <Typography.Paragraph type="secondary">{t('routingModel.schedule')}</Typography.Paragraph>
      {r && !a && <Alert type="info" showIcon title={t('routingModel.notReady')} description={r.reason} data-testid="model-not-ready" />}
      {r && a && (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Typography.Text data-testid="model-active">
            {t('routingModel.active', {
              version: a.version,
              date: atCentre(a.createdAt).format('YYYY-MM-DD HH:mm'),
              trainedOn: a.trainedOn,
              heldOut: a.heldOut,
            })}
          </Typography.Text>
          <Descriptions size="small" column={3} bordered>
            <Descriptions.Item label={t('routingModel.accuracy')}>{pct(a.heldOutAccuracy)}</Descriptions.Item>
            <Descriptions.Item label={t('routingModel.macroF1')}>{pct(a.heads.category?.macroF1)}</Descriptions.Item>
            <Descriptions.Item label={t('routingModel.acceptance')}>
              {t('routingModel.acceptanceValue', {
                accepted: r.acceptance.accepted,
                shown: r.acceptance.shown,
                share: pct(r.acceptance.share),
              })}
            </Descriptions.Item>
          </Descriptions>
          <Tabs
            items={(['category', 'kind', 'unit'] as const).map((h) => ({
              key: h,
              label: t(`routingModel.head.${h}`),
              children: a.heads[h] ? <HeadReport head={a.heads[h]} name={h} /> : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />,
            }))}
          />
        </Space>
      )}
      {r && r.runs.length > 0 && (
        <>
          <Typography.Title level={2} style={{ fontSize: 16, marginTop: 16 }}>
            {t('routingModel.runs')}
          </Typography.Title>
          <Table
            size="small"
            rowKey="version"
            pagination={false}
            dataSource={r.runs}
            columns={[
              { title: t('routingModel.version'), dataIndex: 'version' },
              { title: t('routingModel.status'), dataIndex: 'status', render: (s: string) => t(`routingModel.status.${s}` as never) },
              { title: t('routingModel.when'), dataIndex: 'createdAt', render: (d: string) => atCentre(d).format('YYYY-MM-DD HH:mm') },
              { title: t('routingModel.accuracy'), dataIndex: 'heldOutAccuracy', render: pct },
            ]}
          />
        </>
      )}
    </Card>
  );
}

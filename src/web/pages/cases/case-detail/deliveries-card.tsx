import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, List, Space, Tag, Typography } from 'antd';
import { formatShanghaiDateTime } from '../../../../shared/calendar.js';
import type { CaseDetail } from '../../../../shared/schemas/cases.js';
import { ApiError } from '../../../app/api.js';
import { useI18n } from '../../../app/i18n.js';
import { deliverDocumentOnline, listDeliveries, type DeliveryKind as Kind } from './service.js';

/**
 * 线上送达 on the case page: send the agreement, the 信访处理意见书 or the receipt to the parties' phones by one-time
 * link, and see when each first opened it (docs/ONLINE-MEDIATION.md).
 */
export function DeliveriesCard({ detail, canDeliver }: { detail: CaseDetail; canDeliver: boolean }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: ['deliveries', detail.id], queryFn: () => listDeliveries(detail.id) });
  const send = async (kind: Kind) => {
    try {
      const sent = await deliverDocumentOnline(detail.id, { kind });
      const names = (ok: boolean) =>
        sent
          .filter((p) => p.sent === ok)
          .map((p) => p.name)
          .join('、');
      if (names(true)) message.success(t('agreement.signLinksSent', { names: names(true) }));
      if (names(false)) message.warning(t('delivery.noPhone', { names: names(false) }));
      await queryClient.invalidateQueries({ queryKey: ['deliveries', detail.id] });
      await queryClient.invalidateQueries({ queryKey: ['case', detail.id] });
    } catch (err) {
      message.error(err instanceof ApiError ? err.message : String(err));
    }
  };
  if (!canDeliver && !list.data?.length) return null;
  const kinds: Kind[] = detail.kind === 'petition' ? ['petition_reply', 'receipt'] : ['agreement', 'receipt'];
  return (
    <Card
      size="small"
      title={t('delivery.title')}
      loading={list.isLoading}
      data-testid="deliveries-card"
      extra={
        canDeliver && (
          <Space wrap>
            {kinds.map((k) => (
              <Button key={k} size="small" onClick={() => void send(k)}>
                {t('delivery.send', { doc: t(`delivery.kind.${k}`) })}
              </Button>
            ))}
          </Space>
        )
      }
    >
      <List
        size="small"
        dataSource={list.data ?? []}
        locale={{ emptyText: t('delivery.none') }}
        renderItem={(d) => (
          <List.Item>
            <Space wrap>
              <Typography.Text>
                {d.partyName} · {t(`delivery.kind.${d.kind}`)} · {formatShanghaiDateTime(new Date(d.sentAt))}
              </Typography.Text>
              {d.firstOpenedAt ? (
                <Tag color="green">{t('delivery.openedAt', { time: formatShanghaiDateTime(new Date(d.firstOpenedAt)) })}</Tag>
              ) : (
                <Tag>{d.revoked ? t('delivery.revoked') : t('delivery.notOpened')}</Tag>
              )}
            </Space>
          </List.Item>
        )}
      />
    </Card>
  );
}

import { BellOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Empty, List, Popover, Typography } from 'antd';
import { useNavigate } from 'react-router';
import { useI18n } from './i18n.js';
import { listNotifications, markNotificationsRead } from './services/notifications.js';
import { atCentre } from './centre-date.js';

/** The in-app inbox: reminders and escalations from the deadline sweep, refreshed every minute. */
export function NotificationBell() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const inbox = useQuery({
    queryKey: ['notifications'],
    queryFn: () => listNotifications(10),
    refetchInterval: 60_000,
  });
  const markRead = async (ids?: string[]) => {
    await markNotificationsRead(ids);
    await queryClient.invalidateQueries({ queryKey: ['notifications'] });
  };
  const content = (
    <div style={{ width: 360 }}>
      {inbox.data?.items.length ? (
        <List
          size="small"
          dataSource={inbox.data.items}
          renderItem={(n) => (
            <List.Item
              style={{ cursor: 'pointer', opacity: n.isRead ? 0.6 : 1 }}
              onClick={() => {
                void markRead([n.id]);
                if (n.caseId) navigate(`/cases/${n.caseId}`);
              }}
            >
              <List.Item.Meta
                title={n.title}
                description={
                  <Typography.Text type="secondary">
                    {n.body} · {atCentre(n.createdAt).format('MM-DD HH:mm')}
                  </Typography.Text>
                }
              />
            </List.Item>
          )}
        />
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('notifications.empty')} />
      )}
      {!!inbox.data?.unread && (
        <Button type="link" size="small" onClick={() => void markRead()}>
          {t('notifications.readAll')}
        </Button>
      )}
    </div>
  );
  return (
    <Popover content={content} title={t('notifications.title')} trigger="click" placement="bottomRight">
      <Badge count={inbox.data?.unread ?? 0} size="small">
        <Button size="small" icon={<BellOutlined />} aria-label={t('notifications.title')} data-testid="notification-bell" />
      </Badge>
    </Popover>
  );
}

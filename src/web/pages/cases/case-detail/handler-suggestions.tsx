import { useQuery } from '@tanstack/react-query';
import { Button, List, Space, Typography } from 'antd';
import { useI18n } from '../../../app/i18n.js';
import { suggestHandlers } from './service.js';

/** At dispatch: the chosen unit's handlers ranked by their record with this category and their open load; the dispatcher picks. */
export function HandlerSuggestions(props: { caseId: string; unitId: string; selected?: string; onPick(userId: string): void }) {
  const { t } = useI18n();
  const suggestions = useQuery({
    queryKey: ['handler-suggestions', props.caseId, props.unitId],
    queryFn: () => suggestHandlers(props.caseId, props.unitId),
  });
  if (!suggestions.data?.items.length) return null;
  return (
    <div data-testid="handler-suggestions" style={{ marginBottom: 16 }}>
      <Typography.Text type="secondary">{t('handlers.title')}</Typography.Text>
      <List
        size="small"
        dataSource={suggestions.data.items.slice(0, 5)}
        renderItem={(h) => (
          <List.Item
            extra={
              <Button size="small" type={props.selected === h.userId ? 'primary' : 'default'} onClick={() => props.onPick(h.userId)}>
                {props.selected === h.userId ? t('handlers.picked') : t('handlers.pick')}
              </Button>
            }
          >
            <Space direction="vertical" size={0}>
              <Typography.Text strong>{h.displayName}</Typography.Text>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {h.reasons.join('；')}
              </Typography.Text>
            </Space>
          </List.Item>
        )}
      />
    </div>
  );
}

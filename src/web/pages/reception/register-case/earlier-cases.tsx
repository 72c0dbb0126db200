import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Empty, List, Space, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { idNumberSchema, phoneSchema } from '../../../../shared/schemas/text.js';
import { useI18n } from '../../../app/i18n.js';
import { StatusTag } from '../../../components/case-tags.js';
import { lookupPerson } from './service.js';
import { atCentre } from '../../../app/centre-date.js';

/**
 * As soon as a valid ID number or phone is typed, the person's earlier cases appear beside the form
 * (信访工作条例 Art.19: a matter already being handled is shown at intake, not taken in twice).
 */
export function EarlierCases({ idNumber, phone }: { idNumber?: string; phone?: string }) {
  const { t } = useI18n();
  // The same schemas as the server: asks only once a value checks out, in its normalised form.
  const id = idNumber ? idNumberSchema.safeParse(idNumber).data : undefined;
  const tel = phone ? phoneSchema.safeParse(phone).data : undefined;
  const lookup = useQuery({
    queryKey: ['person-lookup', id, tel],
    // In the body, never in the URL (access logs, proxies, history).
    queryFn: () => lookupPerson({ ...(id ? { idNumber: id } : {}), ...(tel ? { phone: tel } : {}) }),
    enabled: !!(id || tel),
  });
  if (!id && !tel) {
    return (
      <Card size="small" title={t('register.earlier')} data-testid="earlier-cases">
        <Typography.Text type="secondary">{t('register.earlierHint')}</Typography.Text>
      </Card>
    );
  }
  return (
    <Card size="small" title={t('register.earlier')} loading={lookup.isLoading} data-testid="earlier-cases">
      {lookup.isError && <Alert type="error" title={(lookup.error as Error).message} />}
      {lookup.data && lookup.data.earlierCases.length === 0 && (
        <Empty description={t('register.earlierNone')} image={Empty.PRESENTED_IMAGE_SIMPLE} />
      )}
      {lookup.data && lookup.data.earlierCases.length > 0 && (
        <List
          size="small"
          dataSource={lookup.data.earlierCases}
          renderItem={(c) => (
            <List.Item>
              <Space direction="vertical" size={0}>
                <Space>
                  {c.visible ? (
                    <Link to={`/cases/${c.id}`} target="_blank">
                      {c.code}
                    </Link>
                  ) : (
                    <Typography.Text>{c.code}</Typography.Text>
                  )}
                  <StatusTag status={c.status} />
                  {!c.visible && <Tag>{t('register.earlierOutside')}</Tag>}
                </Space>
                <Typography.Text type="secondary">
                  {atCentre(c.createdAt).format('YYYY-MM-DD')} {c.visible ? c.summary : ''}
                </Typography.Text>
              </Space>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}

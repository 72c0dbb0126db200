import { useQuery } from '@tanstack/react-query';
import { App, Button, Empty, Input, List, Modal, Space, Typography } from 'antd';
import { useState } from 'react';
import { ApiError } from '../../../app/api.js';
import { useI18n } from '../../../app/i18n.js';
import { listLikelyPersons, markNotSamePerson, mergePersons } from './service.js';

/**
 * 查重: records that may be this party too (homophone name with the same phone ending or address). Staff confirm
 * (merge, reversible and logged) or refuse (never offered again); nothing is merged without them.
 */
export function LikelyPersonsButton({ personId, name }: { personId: string; name: string }) {
  const { t } = useI18n();
  const { message, modal } = App.useApp();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const likely = useQuery({
    queryKey: ['likely-persons', personId],
    queryFn: () => listLikelyPersons(personId),
    enabled: open,
  });
  const run = async (fn: () => Promise<unknown>, done: string) => {
    try {
      await fn();
      message.success(done);
      await likely.refetch();
    } catch (err) {
      message.error(err instanceof ApiError ? err.message : String(err));
    }
  };
  return (
    <>
      <Button size="small" type="link" onClick={() => setOpen(true)}>
        {t('persons.check')}
      </Button>
      <Modal open={open} title={t('persons.checkTitle', { name })} footer={null} onCancel={() => setOpen(false)} destroyOnHidden>
        <Input
          placeholder={t('persons.mergeReason')}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          style={{ marginBottom: 12 }}
        />
        <List
          loading={likely.isLoading}
          dataSource={likely.data ?? []}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('persons.noLikely')} /> }}
          renderItem={(l) => (
            <List.Item
              actions={[
                <Button
                  key="merge"
                  size="small"
                  disabled={!reason.trim()}
                  onClick={() =>
                    modal.confirm({
                      title: t('persons.mergeConfirm', { from: name, into: l.name }),
                      onOk: () => run(() => mergePersons(personId, { intoId: l.id, reason }), t('persons.merged')),
                    })
                  }
                >
                  {t('persons.merge')}
                </Button>,
                <Button
                  key="not"
                  size="small"
                  onClick={() => run(() => markNotSamePerson(personId, { otherId: l.id }), t('persons.markedNotSame'))}
                >
                  {t('persons.notSame')}
                </Button>,
              ]}
            >
              <Space direction="vertical" size={0}>
                <Typography.Text strong>
                  {l.name}（{t('persons.caseCount', { n: l.caseCount })}）
                </Typography.Text>
                <Typography.Text type="secondary">{l.reasons.join('、')}</Typography.Text>
              </Space>
            </List.Item>
          )}
        />
      </Modal>
    </>
  );
}

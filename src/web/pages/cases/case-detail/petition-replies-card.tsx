import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Form, Input, List, Modal, Radio, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { PETITION_DECISIONS } from '../../../../shared/schemas/agreements.js';
import type { CaseDetail } from '../../../../shared/schemas/cases.js';
import { ApiError } from '../../../app/api.js';
import { useI18n } from '../../../app/i18n.js';
import { issuePetitionReply, listPetitionReplies } from './service.js';

const STAGES = ['reply', 'review', 're_review'] as const;

/** 信访处理意见书 (and 复查 / 复核) on a petition's page: issue the next one, download each as DOCX. */
export function PetitionRepliesCard({ detail }: { detail: CaseDetail }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const replies = useQuery({
    queryKey: ['petition-replies', detail.id],
    queryFn: () => listPetitionReplies(detail.id),
  });
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm();
  const next = STAGES.find((s) => !(replies.data ?? []).some((r) => r.stage === s));
  const submit = async () => {
    const v = await form.validateFields();
    try {
      await issuePetitionReply(detail.id, { ...v, stage: next });
      setOpen(false);
      await queryClient.invalidateQueries({ queryKey: ['petition-replies', detail.id] });
      await queryClient.invalidateQueries({ queryKey: ['case', detail.id] });
    } catch (err) {
      message.error(err instanceof ApiError ? err.message : String(err));
    }
  };
  return (
    <Card
      size="small"
      title={t('petition.title')}
      extra={
        next &&
        detail.abilities.petitionReplyStages.includes(next) && (
          <Button
            size="small"
            onClick={() => (
              form.setFieldsValue({ request: detail.narrative, factsAndReasons: '', decision: undefined, legalBasis: '' }),
              setOpen(true)
            )}
          >
            {t(`petition.issue.${next}`)}
          </Button>
        )
      }
    >
      <List
        size="small"
        dataSource={replies.data ?? []}
        locale={{ emptyText: t('petition.none') }}
        renderItem={(r) => (
          <List.Item
            actions={[
              <a key="docx" href={`/api/cases/${detail.id}/petition-replies/${r.stage}/docx`} download>
                DOCX
              </a>,
              <a key="print" href={`/api/cases/${detail.id}/petition-replies/${r.stage}/html`} target="_blank" rel="noreferrer">
                {t('agreement.print')}
              </a>,
            ]}
          >
            <Space direction="vertical" size={0}>
              <Space>
                <Tag>{t(`petition.stage.${r.stage}`)}</Tag>
                {t(`petition.decision.${r.decision}`)} · {r.issuedOn}
              </Space>
              <Typography.Text type="secondary">
                {r.nextStepBy
                  ? t(r.stage === 'reply' ? 'petition.reviewBy' : 'petition.reReviewBy', { date: r.nextStepBy })
                  : t('petition.closed')}
              </Typography.Text>
            </Space>
          </List.Item>
        )}
      />
      <Modal
        open={open}
        title={next ? t(`petition.issue.${next}`) : ''}
        onCancel={() => setOpen(false)}
        onOk={submit}
        okText={t('common.confirm')}
        width={680}
        destroyOnHidden
      >
        <Form form={form} layout="vertical">
          <Form.Item
            name="request"
            label={t('petition.request')}
            rules={[{ required: true, whitespace: true, message: t('common.required') }]}
          >
            <Input.TextArea rows={2} />
          </Form.Item>
          <Form.Item
            name="factsAndReasons"
            label={t('petition.facts')}
            rules={[{ required: true, whitespace: true, message: t('common.required') }]}
          >
            <Input.TextArea rows={4} />
          </Form.Item>
          <Form.Item name="decision" label={t('petition.decisionLabel')} rules={[{ required: true, message: t('common.required') }]}>
            <Radio.Group options={PETITION_DECISIONS.map((d) => ({ value: d, label: t(`petition.decision.${d}`) }))} />
          </Form.Item>
          <Form.Item
            name="legalBasis"
            label={t('petition.legalBasis')}
            rules={[{ required: true, whitespace: true, message: t('common.required') }]}
          >
            <Input.TextArea rows={2} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

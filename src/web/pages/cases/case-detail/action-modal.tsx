import { UploadOutlined } from '@ant-design/icons';
import { Button, DatePicker, Form, Input, InputNumber, Modal, Radio, Select, TreeSelect, Upload, type UploadFile } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import type { CaseAction } from '../../../../shared/case-lifecycle.js';
import { OUTCOMES, SATISFACTIONS } from '../../../../shared/enums.js';
import { ATTACHMENT_LIMITS } from '../../../../shared/limits.js';
import type { CaseActionBody, CaseDetail } from '../../../../shared/schemas/cases.js';
import { useI18n } from '../../../app/i18n.js';
import { toUnitTree, useUnits, useUnitStaff } from '../../../components/use-units.js';
import { centreToday } from '../../../app/centre-date.js';
import { useSession } from '../../../app/session.js';
import { RoutingSuggestions, useRoutingFeedback } from '../../../components/routing-suggestions.js';
import { HandlerSuggestions } from './handler-suggestions.js';

const NEEDS_REASON: readonly CaseAction[] = ['reject', 'return', 'reopen', 'escalate', 'suspend', 'request_extension'];
const HAS_FORM: readonly CaseAction[] = [
  'dispatch',
  'note',
  'conclude',
  'resolve_on_spot',
  'follow_up',
  'urge',
  'answer_urge',
  'decide_extension',
  ...NEEDS_REASON,
];
const ALLOWED_MIME = Object.values(ATTACHMENT_LIMITS).flatMap((l) => l.mimeTypes);

/** The form for one action: only the fields that action needs; a plain confirmation for the rest. */
export function ActionModal(props: {
  action: CaseAction;
  detail: CaseDetail;
  isSubmitting: boolean;
  onCancel(): void;
  onSubmit(body: Omit<CaseActionBody, 'expectedVersion'>, files: File[]): void;
}) {
  const { action, detail } = props;
  const { t, label } = useI18n();
  const [form] = Form.useForm();
  const units = useUnits();
  const leadUnitId = Form.useWatch('leadUnitId', form) as string | undefined;
  const handlerId = Form.useWatch('handlerId', form) as string | undefined;
  const staff = useUnitStaff(action === 'dispatch' ? leadUnitId : undefined);
  const [files, setFiles] = useState<UploadFile[]>([]);
  const title = label('action', action);
  const { can } = useSession();
  const routingFeedback = useRoutingFeedback('dispatch');

  const handleOk = async () => {
    const v = await form.validateFields();
    if (action === 'dispatch') routingFeedback.finish();
    const replyBy = (v.replyBy as Dayjs | undefined)?.format('YYYY-MM-DD');
    props.onSubmit({ action, ...v, ...(replyBy ? { replyBy } : {}) }, files.map((f) => f.originFileObj as File).filter(Boolean));
  };

  const unitTree = toUnitTree(units.data ?? []);
  return (
    <Modal
      open
      title={title}
      okText={t('common.confirm')}
      cancelText={t('common.cancel')}
      confirmLoading={props.isSubmitting}
      onOk={handleOk}
      onCancel={props.onCancel}
      destroyOnHidden
      width={action === 'dispatch' ? 640 : 520}
    >
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        data-testid={`action-form-${action}`}
        // A concluded 一揽子化解 package proposed this case's outcome: the handler confirms (or changes) it here.
        initialValues={
          action === 'conclude' && detail.package?.proposedOutcome
            ? { outcome: detail.package.proposedOutcome, note: detail.package.proposedNote ?? undefined }
            : undefined
        }
      >
        {!HAS_FORM.includes(action) && <p>{t('action.confirm', { action: title })}</p>}
        {action === 'request_extension' && (
          <Form.Item
            name="extensionDays"
            label={t('extension.days')}
            rules={[{ required: true, message: t('common.required') }]}
            extra={t('extension.hint')}
          >
            <InputNumber min={1} max={3650} autoFocus />
          </Form.Item>
        )}
        {action === 'decide_extension' && (
          <>
            <Form.Item name="approve" label={t('extension.decision')} rules={[{ required: true, message: t('common.required') }]}>
              <Radio.Group
                options={[
                  { value: true, label: t('extension.approve') },
                  { value: false, label: t('extension.refuse') },
                ]}
              />
            </Form.Item>
            <Form.Item noStyle shouldUpdate={(a, b) => a.approve !== b.approve}>
              {({ getFieldValue }) =>
                getFieldValue('approve') === false ? (
                  <Form.Item
                    name="reason"
                    label={t('action.reason')}
                    rules={[{ required: true, whitespace: true, message: t('common.required') }]}
                  >
                    <Input.TextArea rows={2} />
                  </Form.Item>
                ) : (
                  <Form.Item
                    name="residentNotice"
                    label={t('extension.residentNotice')}
                    rules={[{ required: getFieldValue('approve') === true, whitespace: true, message: t('common.required') }]}
                  >
                    <Input.TextArea rows={2} placeholder={t('extension.residentNoticeHint')} />
                  </Form.Item>
                )
              }
            </Form.Item>
          </>
        )}
        {action === 'urge' && (
          <Form.Item name="replyBy" label={t('urge.replyBy')} rules={[{ required: true, message: t('common.required') }]}>
            <DatePicker disabledDate={(d) => d.isBefore(centreToday(), 'day')} />
          </Form.Item>
        )}
        {(action === 'urge' || action === 'answer_urge') && (
          <Form.Item
            name="note"
            label={t(action === 'urge' ? 'urge.note' : 'urge.answer')}
            rules={[{ required: true, whitespace: true, message: t('common.required') }]}
          >
            <Input.TextArea rows={3} autoFocus />
          </Form.Item>
        )}
        {action === 'dispatch' && (
          <>
            {can('routing.suggest') && (
              <RoutingSuggestions
                summary={detail.summary}
                narrative={detail.narrative}
                show={['unit']}
                feedback={routingFeedback}
                onAccept={(v) => v.unitId && form.setFieldValue('leadUnitId', v.unitId)}
              />
            )}
            <Form.Item name="leadUnitId" label={t('case.leadUnit')} rules={[{ required: true, message: t('common.required') }]}>
              <TreeSelect showSearch treeNodeFilterProp="title" treeData={unitTree} loading={units.isLoading} data-testid="lead-unit" />
            </Form.Item>
            <Form.Item name="coUnitIds" label={t('case.coUnits')}>
              <TreeSelect multiple showSearch treeNodeFilterProp="title" treeData={unitTree} />
            </Form.Item>
            <Form.Item name="handlerId" label={t('case.handler')}>
              <Select
                allowClear
                disabled={!leadUnitId}
                loading={staff.isLoading}
                options={(staff.data ?? []).map((s) => ({ value: s.id, label: `${s.displayName}` }))}
              />
            </Form.Item>
            {leadUnitId && can('case.suggestHandlers') && (
              <HandlerSuggestions
                caseId={detail.id}
                unitId={leadUnitId}
                selected={handlerId}
                onPick={(id) => form.setFieldValue('handlerId', id)}
              />
            )}
          </>
        )}
        {NEEDS_REASON.includes(action) && (
          <Form.Item name="reason" label={t('action.reason')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
            <Input.TextArea rows={3} autoFocus />
          </Form.Item>
        )}
        {action === 'conclude' && (
          <Form.Item name="outcome" label={t('case.outcome')} rules={[{ required: true, message: t('common.required') }]}>
            <Radio.Group
              options={OUTCOMES.map((o) => ({ value: o, label: label('outcome', o) }))}
              style={{ display: 'flex', flexDirection: 'column', gap: 4 }}
            />
          </Form.Item>
        )}
        {action === 'follow_up' && (
          <>
            <Form.Item name="followUpMethod" label={t('followUp.method')} initialValue="phone">
              <Radio.Group options={(['phone', 'visit'] as const).map((m) => ({ value: m, label: t(`followUp.method.${m}`) }))} />
            </Form.Item>
            <Form.Item name="satisfaction" label={t('case.satisfaction')} rules={[{ required: true, message: t('common.required') }]}>
              <Radio.Group options={SATISFACTIONS.map((s) => ({ value: s, label: label('satisfaction', s) }))} />
            </Form.Item>
          </>
        )}
        {(action === 'note' || action === 'conclude' || action === 'follow_up' || action === 'resolve_on_spot') && (
          <Form.Item
            name="note"
            label={t('action.note.label')}
            rules={
              action === 'follow_up'
                ? [
                    ({ getFieldValue }) => ({
                      required: getFieldValue('satisfaction') === 'dissatisfied',
                      whitespace: true,
                      message: t('followUp.reasonRequired'),
                    }),
                  ]
                : [
                    {
                      required: action === 'conclude' || action === 'resolve_on_spot' || files.length === 0,
                      whitespace: true,
                      message: t('common.required'),
                    },
                  ]
            }
          >
            <Input.TextArea rows={4} autoFocus />
          </Form.Item>
        )}
        {(action === 'note' || action === 'resolve_on_spot') && (
          <Form.Item label={t('action.attachments')}>
            <Upload
              multiple
              accept={ALLOWED_MIME.join(',')}
              fileList={files}
              beforeUpload={() => false}
              onChange={({ fileList }) => setFiles(fileList)}
            >
              <Button icon={<UploadOutlined />}>{t('action.attachments')}</Button>
            </Upload>
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

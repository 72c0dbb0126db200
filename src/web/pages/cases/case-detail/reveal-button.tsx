import { EyeOutlined } from '@ant-design/icons';
import { App, Button, Form, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import { ApiError } from '../../../app/api.js';
import { useI18n } from '../../../app/i18n.js';
import { revealPartyField } from './service.js';

/** Shows one personal field in full after the user states why; the server logs the reveal. */
export function RevealButton(props: { caseId: string; partyId: string; field: 'idNumber' | 'phone' | 'address' }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [isOpen, setOpen] = useState(false);
  const [value, setValue] = useState<string | null>();
  const [form] = Form.useForm<{ purpose: string }>();

  const handleOk = async () => {
    const { purpose } = await form.validateFields();
    try {
      const res = await revealPartyField(props.caseId, props.partyId, { field: props.field, purpose });
      setValue(res.value);
      setOpen(false);
    } catch (err) {
      message.error(err instanceof ApiError ? err.message : String(err));
    }
  };

  if (value !== undefined) return <Typography.Text copyable>{value ?? '—'}</Typography.Text>;
  return (
    <>
      <Button
        type="link"
        size="small"
        icon={<EyeOutlined />}
        onClick={() => setOpen(true)}
        aria-label={t('party.reveal')}
        title={t('party.reveal')}
      />
      <Modal
        open={isOpen}
        title={t('party.revealTitle')}
        onOk={handleOk}
        onCancel={() => setOpen(false)}
        okText={t('common.confirm')}
        cancelText={t('common.cancel')}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" preserve={false}>
          <Form.Item name="purpose" label={t('party.revealPurpose')} rules={[{ required: true, min: 2, message: t('common.required') }]}>
            <Input autoFocus />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

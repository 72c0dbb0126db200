import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Radio, Result, Space, Spin, Typography } from 'antd';
import { useState } from 'react';
import { useParams } from 'react-router';
import { api } from '../../../app/api.js';
import { useI18n } from '../../../app/i18n.js';

interface KioskScale {
  scale: { code: string; name: string; instructions: string; items: { no: number; text: string }[]; options: { value: number; label: string }[] };
}

/**
 * 心理自评 on the service room's tablet (or the person's phone), by a one-time link: the scale in plain Chinese, large
 * touch targets, no name and no score shown. A crisis answer shows where help is, at once.
 */
export function KioskPage() {
  const { t } = useI18n();
  const { token = '' } = useParams();
  const [answers, setAnswers] = useState<Record<number, number>>({});
  const kiosk = useQuery({ queryKey: ['kiosk', token], queryFn: () => api<KioskScale>(`/api/public/kiosk/${token}`), retry: false });
  const submit = useMutation({
    mutationFn: (list: number[]) => api<{ received: boolean; needsHelpNow: boolean }>(`/api/public/kiosk/${token}`, { method: 'POST', json: { answers: list } }),
  });
  const wrap = (children: React.ReactNode) => (
    <div style={{ maxWidth: 820, margin: '0 auto', padding: 16, fontSize: 18 }} data-testid="kiosk">
      {children}
    </div>
  );
  if (kiosk.isLoading) return wrap(<Spin style={{ display: 'block', marginTop: 120 }} />);
  if (kiosk.isError) return wrap(<Result status="warning" title={t('kiosk.invalid')} />);
  if (submit.data)
    return wrap(
      <Result
        status="success"
        title={t('kiosk.thanks')}
        extra={submit.data.needsHelpNow && <Alert type="warning" showIcon style={{ fontSize: 20, textAlign: 'left' }} message={t('kiosk.help')} data-testid="kiosk-help" />}
      />,
    );
  const scale = kiosk.data!.scale;
  const left = scale.items.filter((i) => answers[i.no] === undefined).length;
  return wrap(
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ marginBottom: 0 }}>
        {t('kiosk.title')}
      </Typography.Title>
      <Typography.Paragraph style={{ fontSize: 20 }}>{scale.instructions}</Typography.Paragraph>
      {scale.items.map((item) => (
        <Card key={item.no} size="small" data-testid={`kiosk-item-${item.no}`}>
          <Typography.Paragraph strong style={{ fontSize: 20 }}>{`${item.no}. ${item.text}`}</Typography.Paragraph>
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            size="large"
            value={answers[item.no]}
            onChange={(e) => setAnswers((a) => ({ ...a, [item.no]: e.target.value as number }))}
            options={scale.options.map((o) => ({ value: o.value, label: o.label }))}
            aria-label={`${item.no}. ${item.text}`}
          />
        </Card>
      ))}
      {submit.isError && <Alert type="error" showIcon message={(submit.error as Error).message} />}
      <Button
        type="primary"
        size="large"
        block
        disabled={left > 0}
        loading={submit.isPending}
        onClick={() => submit.mutate(scale.items.map((i) => answers[i.no]!))}
        style={{ height: 56, fontSize: 22 }}
        data-testid="kiosk-submit"
      >
        {left > 0 ? t('kiosk.unanswered', { n: left }) : t('kiosk.submit')}
      </Button>
    </Space>,
  );
}

import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { htmlForPath } from '../../../shared/web-entries.js';
import { ApiError } from '../../app/api.js';
import { useI18n } from '../../app/i18n.js';
import { login } from './service.js';

export function LoginPage() {
  const { t, lang, setLang } = useI18n();
  const navigate = useNavigate();
  const location = useLocation();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string>();
  const [isSubmitting, setSubmitting] = useState(false);

  const handleFinish = async (values: { username: string; password: string }) => {
    setSubmitting(true);
    setError(undefined);
    try {
      const me = await login(values);
      queryClient.setQueryData(['me'], me);
      // Back to where the user was sent from: a page of this app, or a light page of its own (the grid app's link).
      const from = (location.state as { from?: string } | null)?.from ?? new URLSearchParams(location.search).get('from') ?? '/';
      const target = from.startsWith('/') && !from.startsWith('//') ? from : '/';
      if (htmlForPath(target) === 'index.html') navigate(target, { replace: true });
      else window.location.replace(target);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <main
      style={{ minHeight: '100vh', display: 'grid', placeItems: 'center', background: '#f5f5f5', padding: 12, boxSizing: 'border-box' }}
    >
      <Card style={{ width: '100%', maxWidth: 380 }}>
        <Typography.Title level={1} style={{ textAlign: 'center', fontSize: 24 }}>
          {t('app.title')}
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ textAlign: 'center' }}>
          {t('login.title')}
        </Typography.Paragraph>
        {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} role="alert" />}
        <Form layout="vertical" onFinish={handleFinish} requiredMark={false}>
          <Form.Item name="username" label={t('login.username')} rules={[{ required: true, message: t('common.required') }]}>
            <Input prefix={<UserOutlined />} autoFocus autoComplete="username" />
          </Form.Item>
          <Form.Item name="password" label={t('login.password')} rules={[{ required: true, message: t('common.required') }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={isSubmitting}>
            {t('login.submit')}
          </Button>
        </Form>
        <div style={{ marginTop: 16, display: 'flex', justifyContent: 'space-between' }}>
          <a href="/progress">{t('login.publicLink')}</a>
          <a href="/portal">{t('portal.title')}</a>
          {/* Named in the other language, and marked so (screen readers, and the English test's data rule). */}
          <Button
            type="link"
            size="small"
            onClick={() => setLang(lang === 'zh-CN' ? 'en-US' : 'zh-CN')}
            lang={lang === 'zh-CN' ? 'en' : 'zh-CN'}
          >
            {t('app.language')}
          </Button>
        </div>
      </Card>
    </main>
  );
}

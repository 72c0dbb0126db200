import { Button, Result } from 'antd';
import { useNavigate } from 'react-router';
import { useI18n } from '../../app/i18n.js';

/** An address that is no page of the platform says so, instead of quietly landing somewhere else. */
export function NotFoundPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  return (
    <Result
      status="404"
      // The page's h1 is the layout's (app/layout.tsx): for an unknown address it reads 页面不存在.
      title={t('notFound.hint')}
      extra={
        <Button type="primary" onClick={() => navigate('/')}>
          {t('notFound.home')}
        </Button>
      }
      data-testid="not-found"
    />
  );
}

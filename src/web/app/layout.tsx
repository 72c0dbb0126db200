import { Button, Grid, Layout, Menu, Space, Typography } from 'antd';
import { useEffect, useRef } from 'react';
import { matchPath, Outlet, useLocation, useNavigate } from 'react-router';
import { useI18n } from './i18n.js';
import { APP_ROUTES } from './routes.js';
import { NotificationBell } from './notification-bell.js';
import { logout } from './services/auth.js';
import { useSession } from './session.js';

/** The signed-in frame: the menu shows only the pages the user's role may open. */
export function AppLayout() {
  const { t, label, lang, setLang } = useI18n();
  const { me, can, refresh } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const items = APP_ROUTES.filter((r) => r.menu && can(r.access)).map((r) => ({
    key: r.path,
    icon: r.menu!.icon,
    label: t(r.menu!.label),
  }));
  const selected = items.find((i) => location.pathname === i.key || location.pathname.startsWith(`${i.key}/`))?.key;
  const screens = Grid.useBreakpoint();
  // Every page's one h1, in the same place and type, named as its menu entry (or its route's title); an address that
  // is no page is the 404's. The window's title follows, so tabs and history say which page is which.
  const route = APP_ROUTES.find((r) => matchPath(r.path, location.pathname));
  const titleKey = route ? (route.title ?? route.menu?.label) : 'notFound.title';
  const title = titleKey ? t(titleKey) : t('app.shortTitle');
  useEffect(() => {
    document.title = `${title} · ${t('app.title')}`;
  }, [title, t]);

  // A table wider than the screen scrolls sideways inside its own box; that box takes the keyboard focus and has a
  // name, so a keyboard user can scroll it too (WCAG 2.1.1). Ant Design's tables do not, so every page's tables here.
  const content = useRef<HTMLElement>(null);
  useEffect(() => {
    const mark = () =>
      content.current
        ?.querySelectorAll<HTMLElement>('.ant-table-content:not([tabindex]), .ant-table-body:not([tabindex])')
        .forEach((el) => {
          el.tabIndex = 0;
          el.setAttribute('role', 'region');
          el.setAttribute('aria-label', t('common.tableRegion'));
        });
    mark();
    const observer = new MutationObserver(mark);
    if (content.current) observer.observe(content.current, { childList: true, subtree: true });
    return () => observer.disconnect();
  }, [t]);

  const signOut = async () => {
    await logout();
    await refresh();
    navigate('/login');
  };

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider breakpoint="lg" collapsedWidth={0} theme="light" width={200}>
        <div style={{ padding: '16px 20px', fontWeight: 600, fontSize: 18 }}>{t('app.shortTitle')}</div>
        <Menu
          mode="inline"
          selectedKeys={selected ? [selected] : []}
          items={items}
          // A light page of its own (the grid app) is another document: open it with a full page load.
          onClick={(e) => (APP_ROUTES.find((r) => r.path === e.key)?.element ? navigate(e.key) : window.location.assign(e.key))}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header
          style={{
            background: '#fff',
            padding: screens.md ? '0 24px' : '0 12px',
            display: 'flex',
            justifyContent: 'space-between',
            alignItems: 'center',
            gap: 12,
          }}
        >
          <h1 className="fq-page-title" data-testid="page-title">
            {title}
          </h1>
          <Space>
            {me && (
              // On a phone the header keeps the page's title and the buttons; who is signed in shows from 768 px.
              <Typography.Text type="secondary" data-testid="current-user" className={screens.md ? undefined : 'fq-visually-hidden'}>
                {me.displayName} · {label('role', me.role)} · {me.unit.name}
              </Typography.Text>
            )}
            <NotificationBell />
            {/* The button names the other language in that language, and says so for screen readers. */}
            <Button size="small" onClick={() => setLang(lang === 'zh-CN' ? 'en-US' : 'zh-CN')} lang={lang === 'zh-CN' ? 'en' : 'zh-CN'}>
              {t('app.language')}
            </Button>
            <Button size="small" onClick={signOut}>
              {t('app.signOut')}
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ margin: 24 }} ref={content} role="main">
          <Outlet />
        </Layout.Content>
      </Layout>
    </Layout>
  );
}

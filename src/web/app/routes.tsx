import {
  AlertOutlined,
  ApiOutlined,
  BarChartOutlined,
  CalendarOutlined,
  FieldTimeOutlined,
  FileAddOutlined,
  InboxOutlined,
  MobileOutlined,
  NotificationOutlined,
  SendOutlined,
  UserOutlined,
  VideoCameraOutlined,
  GroupOutlined,
  SafetyOutlined,
  DashboardOutlined,
  FundProjectionScreenOutlined,
  EnvironmentOutlined,
  TrophyOutlined,
  TableOutlined,
  HeartOutlined,
  PieChartOutlined,
  BranchesOutlined,
  ImportOutlined,
} from '@ant-design/icons';
import { lazy, type ReactNode } from 'react';
import type { Permission } from '../../shared/permissions.js';
import type { MessageKey } from '../../shared/locales/zh-CN.js';

// Every page is loaded when first opened: the reception desk does not download the admin pages, and only the
// command centre's pages bring ECharts.
const CounsellingPage = lazy(() => import('../pages/counselling/counselling-page.js').then((m) => ({ default: m.CounsellingPage })));
const CounsellingFiguresPage = lazy(() =>
  import('../pages/counselling/figures-page.js').then((m) => ({ default: m.CounsellingFiguresPage })),
);
const BigScreenPage = lazy(() => import('../pages/command/big-screen/big-screen-page.js').then((m) => ({ default: m.BigScreenPage })));
const CockpitPage = lazy(() => import('../pages/command/cockpit/cockpit-page.js').then((m) => ({ default: m.CockpitPage })));
const MapPage = lazy(() => import('../pages/command/map/map-page.js').then((m) => ({ default: m.MapPage })));
const MediationFormPage = lazy(() =>
  import('../pages/command/mediation-form/mediation-form-page.js').then((m) => ({ default: m.MediationFormPage })),
);
const ThreeZeroPage = lazy(() => import('../pages/command/three-zero/three-zero-page.js').then((m) => ({ default: m.ThreeZeroPage })));
const ApiClientsPage = lazy(() => import('../pages/admin/api-clients/api-clients-page.js').then((m) => ({ default: m.ApiClientsPage })));
const CamerasPage = lazy(() => import('../pages/admin/cameras/cameras-page.js').then((m) => ({ default: m.CamerasPage })));
const PackagesPage = lazy(() => import('../pages/packages/packages-page.js').then((m) => ({ default: m.PackagesPage })));
const RoutingModelPage = lazy(() =>
  import('../pages/admin/routing-model/routing-model-page.js').then((m) => ({ default: m.RoutingModelPage })),
);
const ImportCasesPage = lazy(() =>
  import('../pages/admin/import-cases/import-cases-page.js').then((m) => ({ default: m.ImportCasesPage })),
);
const RiskRulesPage = lazy(() => import('../pages/admin/risk-rules/risk-rules-page.js').then((m) => ({ default: m.RiskRulesPage })));
const PackageDetailPage = lazy(() => import('../pages/packages/package-detail-page.js').then((m) => ({ default: m.PackageDetailPage })));
const CalendarAdminPage = lazy(() =>
  import('../pages/admin/calendar/calendar-admin-page.js').then((m) => ({ default: m.CalendarAdminPage })),
);
const TimeLimitsPage = lazy(() => import('../pages/admin/time-limits/time-limits-page.js').then((m) => ({ default: m.TimeLimitsPage })));
const CaseDetailPage = lazy(() => import('../pages/cases/case-detail/case-detail-page.js').then((m) => ({ default: m.CaseDetailPage })));
const CaseListPage = lazy(() => import('../pages/cases/case-list/case-list-page.js').then((m) => ({ default: m.CaseListPage })));
const OverdueBoardPage = lazy(() =>
  import('../pages/dispatch/overdue-board/overdue-board-page.js').then((m) => ({ default: m.OverdueBoardPage })),
);
const UrgesPage = lazy(() => import('../pages/handling/urges/urges-page.js').then((m) => ({ default: m.UrgesPage })));
const ThreeFailuresPage = lazy(() =>
  import('../pages/reports/three-failures/three-failures-page.js').then((m) => ({ default: m.ThreeFailuresPage })),
);
const DispatchBoardPage = lazy(() =>
  import('../pages/dispatch/dispatch-board/dispatch-board-page.js').then((m) => ({ default: m.DispatchBoardPage })),
);
const MyCasesPage = lazy(() => import('../pages/handling/my-cases/my-cases-page.js').then((m) => ({ default: m.MyCasesPage })));
const RegisterCasePage = lazy(() =>
  import('../pages/reception/register-case/register-case-page.js').then((m) => ({ default: m.RegisterCasePage })),
);

/** The signed-in pages: path, page, who may open it, and its menu entry, declared together. */
export interface AppRoute {
  path: string;
  /** None for a page that is a light page of its own (the grid app): the menu links to it with a full page load. */
  element?: ReactNode;
  access: Permission;
  menu?: { label: MessageKey; icon: ReactNode };
  /** The page's h1 and the window's title, when it is not the menu entry's label (a page reached from a list). */
  title?: MessageKey;
  /** A page with its own frame (the phone app, the wall screen), outside the menu layout. */
  standalone?: boolean;
}

export const APP_ROUTES: AppRoute[] = [
  {
    path: '/register',
    element: <RegisterCasePage />,
    access: 'case.register',
    menu: { label: 'menu.register', icon: <FileAddOutlined /> },
  },
  {
    path: '/dispatch',
    element: <DispatchBoardPage />,
    access: 'case.dispatchBoard',
    menu: { label: 'menu.dispatch', icon: <SendOutlined /> },
  },
  {
    path: '/overdue',
    element: <OverdueBoardPage />,
    access: 'case.overdueBoard',
    menu: { label: 'menu.overdue', icon: <AlertOutlined /> },
  },
  { path: '/mine', element: <MyCasesPage />, access: 'case.mine', menu: { label: 'menu.mine', icon: <UserOutlined /> } },
  { path: '/urges', element: <UrgesPage />, access: 'case.list', menu: { label: 'menu.urges', icon: <NotificationOutlined /> } },
  {
    path: '/command/cockpit',
    element: <CockpitPage />,
    access: 'stats.view',
    menu: { label: 'menu.cockpit', icon: <DashboardOutlined /> },
  },
  {
    path: '/command/screen',
    element: <BigScreenPage />,
    access: 'stats.view',
    menu: { label: 'menu.bigScreen', icon: <FundProjectionScreenOutlined /> },
    standalone: true,
  },
  { path: '/command/map', element: <MapPage />, access: 'stats.view', menu: { label: 'menu.map', icon: <EnvironmentOutlined /> } },
  {
    path: '/command/three-zero',
    element: <ThreeZeroPage />,
    access: 'stats.view',
    menu: { label: 'menu.threeZero', icon: <TrophyOutlined /> },
  },
  {
    path: '/command/mediation-form',
    element: <MediationFormPage />,
    access: 'stats.view',
    menu: { label: 'menu.mediationForm', icon: <TableOutlined /> },
  },
  {
    path: '/counselling',
    element: <CounsellingPage />,
    access: 'counselling.work',
    menu: { label: 'menu.counselling', icon: <HeartOutlined /> },
  },
  {
    path: '/counselling/figures',
    element: <CounsellingFiguresPage />,
    access: 'counselling.figures',
    menu: { label: 'menu.counsellingFigures', icon: <PieChartOutlined /> },
  },
  {
    path: '/reports/three-failures',
    element: <ThreeFailuresPage />,
    access: 'report.threeFailures',
    menu: { label: 'menu.report', icon: <BarChartOutlined /> },
  },
  { path: '/packages', element: <PackagesPage />, access: 'package.view', menu: { label: 'menu.packages', icon: <GroupOutlined /> } },
  { path: '/packages/:id', element: <PackageDetailPage />, access: 'package.view', title: 'page.packageDetail' },
  { path: '/cases', element: <CaseListPage />, access: 'case.list', menu: { label: 'menu.cases', icon: <InboxOutlined /> } },
  { path: '/cases/:id', element: <CaseDetailPage />, access: 'case.list', title: 'page.caseDetail' },
  // The phone app checks its own sign-in: offline, it works with the worker last seen on the phone.
  { path: '/grid', access: 'grid.patrol', menu: { label: 'menu.grid', icon: <MobileOutlined /> }, standalone: true },
  {
    path: '/admin/cameras',
    element: <CamerasPage />,
    access: 'camera.view',
    menu: { label: 'menu.cameras', icon: <VideoCameraOutlined /> },
  },
  {
    path: '/admin/api-clients',
    element: <ApiClientsPage />,
    access: 'integration.manage',
    menu: { label: 'menu.apiClients', icon: <ApiOutlined /> },
  },
  {
    path: '/admin/routing-model',
    element: <RoutingModelPage />,
    access: 'routing.viewModel',
    menu: { label: 'menu.routingModel', icon: <BranchesOutlined /> },
  },
  {
    path: '/admin/import-cases',
    element: <ImportCasesPage />,
    access: 'case.import',
    menu: { label: 'menu.importCases', icon: <ImportOutlined /> },
  },
  {
    path: '/admin/risk-rules',
    element: <RiskRulesPage />,
    access: 'riskRules.view',
    menu: { label: 'menu.riskRules', icon: <SafetyOutlined /> },
  },
  {
    path: '/admin/time-limits',
    element: <TimeLimitsPage />,
    access: 'timeLimit.view',
    menu: { label: 'menu.timeLimits', icon: <FieldTimeOutlined /> },
  },
  {
    path: '/admin/calendar',
    element: <CalendarAdminPage />,
    access: 'calendar.view',
    menu: { label: 'menu.calendar', icon: <CalendarOutlined /> },
  },
];

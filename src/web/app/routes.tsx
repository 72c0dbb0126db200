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
} from '@ant-design/icons';
const CounsellingPage = lazy(() => import('../pages/counselling/counselling-page.js').then((m) => ({ default: m.CounsellingPage })));
const CounsellingFiguresPage = lazy(() => import('../pages/counselling/figures-page.js').then((m) => ({ default: m.CounsellingFiguresPage })));
// The command centre's pages carry ECharts: loaded when first opened, not by every reception desk.
const BigScreenPage = lazy(() => import('../pages/command/big-screen/big-screen-page.js').then((m) => ({ default: m.BigScreenPage })));
const CockpitPage = lazy(() => import('../pages/command/cockpit/cockpit-page.js').then((m) => ({ default: m.CockpitPage })));
const MapPage = lazy(() => import('../pages/command/map/map-page.js').then((m) => ({ default: m.MapPage })));
const MediationFormPage = lazy(() => import('../pages/command/mediation-form/mediation-form-page.js').then((m) => ({ default: m.MediationFormPage })));
const ThreeZeroPage = lazy(() => import('../pages/command/three-zero/three-zero-page.js').then((m) => ({ default: m.ThreeZeroPage })));
import { lazy, type ReactNode } from 'react';
import type { Permission } from '../../shared/permissions.js';
import { ApiClientsPage } from '../pages/admin/api-clients/api-clients-page.js';
import { CamerasPage } from '../pages/admin/cameras/cameras-page.js';
import { GridAppPage } from '../pages/grid/grid-app-page.js';
import { PackagesPage } from '../pages/packages/packages-page.js';
import { RiskRulesPage } from '../pages/admin/risk-rules/risk-rules-page.js';
import { PackageDetailPage } from '../pages/packages/package-detail-page.js';
import { CalendarAdminPage } from '../pages/admin/calendar/calendar-admin-page.js';
import { TimeLimitsPage } from '../pages/admin/time-limits/time-limits-page.js';
import { CaseDetailPage } from '../pages/cases/case-detail/case-detail-page.js';
import { CaseListPage } from '../pages/cases/case-list/case-list-page.js';
import { OverdueBoardPage } from '../pages/dispatch/overdue-board/overdue-board-page.js';
import { UrgesPage } from '../pages/handling/urges/urges-page.js';
import { ThreeFailuresPage } from '../pages/reports/three-failures/three-failures-page.js';
import { DispatchBoardPage } from '../pages/dispatch/dispatch-board/dispatch-board-page.js';
import { MyCasesPage } from '../pages/handling/my-cases/my-cases-page.js';
import { RegisterCasePage } from '../pages/reception/register-case/register-case-page.js';
import type { MessageKey } from '../../shared/locales/zh-CN.js';

/** The signed-in pages: path, page, who may open it, and its menu entry, declared together. */
export interface AppRoute {
  path: string;
  element: ReactNode;
  access: Permission;
  menu?: { label: MessageKey; icon: ReactNode };
  /** A page with its own frame (the phone app, the wall screen), outside the menu layout. */
  standalone?: boolean;
  /** Checks sign-in itself (the phone app works offline with the worker last seen on the phone). */
  checksOwnSignIn?: boolean;
}

export const APP_ROUTES: AppRoute[] = [
  { path: '/register', element: <RegisterCasePage />, access: 'case.register', menu: { label: 'menu.register', icon: <FileAddOutlined /> } },
  { path: '/dispatch', element: <DispatchBoardPage />, access: 'case.dispatchBoard', menu: { label: 'menu.dispatch', icon: <SendOutlined /> } },
  { path: '/overdue', element: <OverdueBoardPage />, access: 'case.overdueBoard', menu: { label: 'menu.overdue', icon: <AlertOutlined /> } },
  { path: '/mine', element: <MyCasesPage />, access: 'case.mine', menu: { label: 'menu.mine', icon: <UserOutlined /> } },
  { path: '/urges', element: <UrgesPage />, access: 'case.list', menu: { label: 'menu.urges', icon: <NotificationOutlined /> } },
  { path: '/command/cockpit', element: <CockpitPage />, access: 'stats.view', menu: { label: 'menu.cockpit', icon: <DashboardOutlined /> } },
  { path: '/command/screen', element: <BigScreenPage />, access: 'stats.view', menu: { label: 'menu.bigScreen', icon: <FundProjectionScreenOutlined /> }, standalone: true },
  { path: '/command/map', element: <MapPage />, access: 'stats.view', menu: { label: 'menu.map', icon: <EnvironmentOutlined /> } },
  { path: '/command/three-zero', element: <ThreeZeroPage />, access: 'stats.view', menu: { label: 'menu.threeZero', icon: <TrophyOutlined /> } },
  { path: '/command/mediation-form', element: <MediationFormPage />, access: 'stats.view', menu: { label: 'menu.mediationForm', icon: <TableOutlined /> } },
  { path: '/counselling', element: <CounsellingPage />, access: 'counselling.work', menu: { label: 'menu.counselling', icon: <HeartOutlined /> } },
  { path: '/counselling/figures', element: <CounsellingFiguresPage />, access: 'counselling.figures', menu: { label: 'menu.counsellingFigures', icon: <PieChartOutlined /> } },
  { path: '/reports/three-failures', element: <ThreeFailuresPage />, access: 'report.threeFailures', menu: { label: 'menu.report', icon: <BarChartOutlined /> } },
  { path: '/packages', element: <PackagesPage />, access: 'package.view', menu: { label: 'menu.packages', icon: <GroupOutlined /> } },
  { path: '/packages/:id', element: <PackageDetailPage />, access: 'package.view' },
  { path: '/cases', element: <CaseListPage />, access: 'case.list', menu: { label: 'menu.cases', icon: <InboxOutlined /> } },
  { path: '/cases/:id', element: <CaseDetailPage />, access: 'case.list' },
  { path: '/grid', element: <GridAppPage />, access: 'grid.patrol', menu: { label: 'menu.grid', icon: <MobileOutlined /> }, standalone: true, checksOwnSignIn: true },
  { path: '/admin/cameras', element: <CamerasPage />, access: 'camera.view', menu: { label: 'menu.cameras', icon: <VideoCameraOutlined /> } },
  { path: '/admin/api-clients', element: <ApiClientsPage />, access: 'integration.manage', menu: { label: 'menu.apiClients', icon: <ApiOutlined /> } },
  { path: '/admin/risk-rules', element: <RiskRulesPage />, access: 'riskRules.view', menu: { label: 'menu.riskRules', icon: <SafetyOutlined /> } },
  { path: '/admin/time-limits', element: <TimeLimitsPage />, access: 'timeLimit.view', menu: { label: 'menu.timeLimits', icon: <FieldTimeOutlined /> } },
  { path: '/admin/calendar', element: <CalendarAdminPage />, access: 'calendar.view', menu: { label: 'menu.calendar', icon: <CalendarOutlined /> } },
];


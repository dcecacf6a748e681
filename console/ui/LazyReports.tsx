/** The reports page, the supervisor's live view and the settings, each downloaded the first time it is opened (the inbox bundle does not carry them). */
import { strings } from '../state/locale';
import { lazyView } from './lazy';

export const LazyReports = lazyView(() => import('./ReportsView').then((m) => m.ReportsView), {
  placeholder: () => <main class="reports-view" aria-busy="true" />,
  failed: () => strings().reportFailed,
});

/** The supervisor's live view (like the reports). */
export const LazySupervisor = lazyView(() => import('./SupervisorView').then((m) => m.SupervisorView), {
  placeholder: () => <main class="reports-view" aria-busy="true" />,
  failed: () => strings().reportFailed,
});

/** The settings pages, downloaded the first time they are opened (admins only use them). */
export const LazySettings = lazyView(() => import('./settings/Settings').then((m) => m.Settings), {
  placeholder: () => <main class="settings" aria-busy="true" />,
  failed: () => strings().settingsFailed,
});

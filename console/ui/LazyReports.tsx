/** The reports page and the live view, downloaded the first time it is opened (the inbox bundle does not carry it). */
import { useEffect, useState } from 'preact/hooks';
import type { ReportsView } from './ReportsView';
import { strings } from '../state/locale';
import type { Inbox } from '../state/inbox';

let loaded: typeof ReportsView | null = null;

export function LazyReports() {
  const [View, setView] = useState(() => loaded);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (View) return;
    import('./ReportsView')
      .then((m) => setView(() => (loaded = m.ReportsView)))
      .catch(() => setFailed(true));
  }, []);
  if (View) return <View />;
  return failed ? (
    <p class="form-error" role="alert">
      {strings().reportFailed}
    </p>
  ) : (
    <main class="reports-view" aria-busy="true" />
  );
}

let loadedLive: typeof import('./SupervisorView').SupervisorView | null = null;

/** The supervisor's live view, downloaded the first time it is opened (like the reports). */
export function LazySupervisor({ inbox }: { inbox: Inbox }) {
  const [View, setView] = useState(() => loadedLive);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (View) return;
    import('./SupervisorView')
      .then((m) => setView(() => (loadedLive = m.SupervisorView)))
      .catch(() => setFailed(true));
  }, []);
  if (View) return <View inbox={inbox} />;
  return failed ? (
    <p class="form-error" role="alert">
      {strings().reportFailed}
    </p>
  ) : (
    <main class="reports-view" aria-busy="true" />
  );
}

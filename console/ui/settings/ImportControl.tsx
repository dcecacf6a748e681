/** "Import the last 60 days" with a progress bar (determinate once the shop has said how many there are). */
import { useState } from 'preact/hooks';
import type { Admin, ShopIntegration } from '../../state/admin';
import { strings } from '../../state/locale';
import { operationError } from './feedback';

const fill = (text: string, values: Record<string, string | number>) => text.replace(/\{(\w+)\}/g, (_, k: string) => String(values[k] ?? ''));

export function ImportControl({ admin, integration, onStarted }: { admin: Admin; integration: ShopIntegration; onStarted: (i: ShopIntegration) => void }) {
  const t = strings();
  const [error, setError] = useState<string | null>(null);
  const state = integration.import;
  const id = `int-${integration.platform}-import`;
  const start = async () => {
    const r = await admin.startImport(integration.platform);
    if (r.ok) {
      setError(null);
      onStarted(r.value);
    } else setError(operationError(r, t));
  };
  const total = state && state.totals.customers !== null && state.totals.orders !== null ? state.totals.customers + state.totals.orders : null;
  const done = state ? state.customers + state.orders : 0;
  const value = state?.status === 'done' ? 1 : total ? Math.min(1, done / Math.max(1, total)) : undefined;
  return (
    <div class="import-control">
      <button type="button" class="ghost" disabled={state?.status === 'running'} onClick={() => void start()}>
        {state?.status === 'failed' ? t.int_importResume : t.int_import}
      </button>
      {state && (
        <>
          <progress id={id} aria-label={t.int_importProgress} max={1} {...(value !== undefined ? { value } : {})} />
          <p class={state.status === 'failed' ? 'form-error' : 'muted'} role="status">
            {state.status === 'running'
              ? fill(t.int_importRunning, { customers: state.customers, orders: state.orders })
              : state.status === 'done'
                ? fill(t.int_importDone, { customers: state.customers, orders: state.orders })
                : fill(t.int_importFailed, { error: state.error ?? '' })}
          </p>
        </>
      )}
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

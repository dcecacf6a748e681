import { strings } from '../state/locale';

/** Variables left without a value or unknown: always visible, announced, and sending asks to confirm. */
export function VariableWarning({ id, unfilled, blocked, onSendAnyway }: { id: string; unfilled: { empty: string[]; unknown: string[] }; blocked: boolean; onSendAnyway(): void }) {
  const t = strings();
  const any = unfilled.empty.length + unfilled.unknown.length > 0;
  return (
    <div id={id} class={`var-warning${any ? '' : ' sr-only'}`} role="alert">
      {any && (
        <>
          <p>
            <strong>{t.varCheck}</strong>{' '}
            {[...unfilled.empty.map((v) => `${t.varEmpty} {{${v}}}`), ...unfilled.unknown.map((v) => `${t.varUnknown} {{${v}}}`)].join(' · ')}. {t.varEditOrSend}
          </p>
          {blocked && (
            <button type="button" class="ghost small-btn" onClick={onSendAnyway}>
              {t.sendAnyway}
            </button>
          )}
        </>
      )}
    </div>
  );
}

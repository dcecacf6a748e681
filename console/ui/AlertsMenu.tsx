/**
 * The top bar's alerts menu: sound for new messages and desktop notifications, grouped behind one
 * button so the bar keeps one row from 1024 px up. A menu button (WAI-ARIA APG): Enter, Space or
 * ↓ opens it on the first item, ↑/↓/Home/End move, Escape or Tab closes it and focus returns.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { strings } from '../state/locale';
import type { Notifier } from '../state/notify';

export function AlertsMenu({ notifier }: { notifier: Notifier }) {
  const t = strings();
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const items = () => [...(menu.current?.querySelectorAll<HTMLElement>('[role^="menuitem"]') ?? [])];
  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };
  const focusItem = (which: 'first' | 'last') => requestAnimationFrame(() => {
    const all = items();
    all[which === 'first' ? 0 : all.length - 1]?.focus();
  });
  // A click anywhere else closes it.
  useEffect(() => {
    if (!open) return;
    const onDown = (e: PointerEvent) => {
      if (!button.current?.contains(e.target as Node) && !menu.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onDown);
    return () => document.removeEventListener('pointerdown', onDown);
  }, [open]);

  const onButtonKey = (e: KeyboardEvent) => {
    // Escape closes it from the button too (focus may still be there right after a click opened it).
    if (e.key === 'Escape' && open) {
      e.preventDefault();
      close(false);
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      setOpen(true);
      focusItem(e.key === 'ArrowDown' ? 'first' : 'last');
    }
  };
  const onMenuKey = (e: KeyboardEvent) => {
    const all = items();
    const at = all.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'Escape') {
      e.preventDefault();
      close(true);
    } else if (e.key === 'Tab') {
      setOpen(false);
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      all[(at + (e.key === 'ArrowDown' ? 1 : all.length - 1)) % all.length]?.focus();
    } else if (e.key === 'Home' || e.key === 'End') {
      e.preventDefault();
      all[e.key === 'Home' ? 0 : all.length - 1]?.focus();
    }
  };
  const permission = notifier.permission.value;

  return (
    <div class="menu-wrap">
      <button
        ref={button}
        type="button"
        class="ghost menu-button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls="alerts-menu"
        onClick={() => {
          setOpen(!open);
          if (!open) focusItem('first');
        }}
        onKeyDown={onButtonKey}
      >
        {t.alertsMenu} <span aria-hidden="true">▾</span>
      </button>
      <div ref={menu} id="alerts-menu" class="menu" role="menu" aria-label={t.alertsMenu} hidden={!open} onKeyDown={onMenuKey}>
        <button type="button" role="menuitemcheckbox" tabIndex={-1} aria-checked={notifier.soundOn.value} class="menu-item sound-toggle" onClick={notifier.toggleSound}>
          <span aria-hidden="true" class="menu-check">{notifier.soundOn.value ? '✓' : ''}</span>
          {t.sound}
        </button>
        {permission === 'default' && (
          <button
            type="button"
            role="menuitem"
            tabIndex={-1}
            class="menu-item"
            title={t.enableNotifications}
            onClick={() => {
              close(true);
              void notifier.requestPermission();
            }}
          >
            <span aria-hidden="true" class="menu-check" />
            {t.enableNotificationsShort}
          </button>
        )}
        {permission === 'granted' && (
          <button type="button" role="menuitemcheckbox" tabIndex={-1} aria-checked={notifier.desktopOn.value} class="menu-item" onClick={notifier.toggleDesktop}>
            <span aria-hidden="true" class="menu-check">{notifier.desktopOn.value ? '✓' : ''}</span>
            {t.enableNotificationsShort}
          </button>
        )}
        {permission === 'denied' && (
          <button type="button" role="menuitem" tabIndex={-1} aria-disabled="true" class="menu-item" title={t.notificationsBlocked}>
            <span aria-hidden="true" class="menu-check" />
            {t.enableNotificationsShort}
            <span class="sr-only"> — {t.notificationsBlocked}</span>
          </button>
        )}
      </div>
    </div>
  );
}

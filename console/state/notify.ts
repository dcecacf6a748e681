/**
 * Getting an agent's attention: a short tone, a desktop notification for a new chat or message
 * while the tab is in the background (asked for from the alerts menu, never on load; the agent can
 * turn it off there), and a count in the tab title. No files, no network.
 */
import { signal } from '@preact/signals';

const SOUND_KEY = 'mostrador:console:sound';
const DESKTOP_KEY = 'mostrador:console:desktop';

function readOn(key: string): boolean {
  try {
    return localStorage.getItem(key) !== 'off';
  } catch {
    return true;
  }
}

function save(key: string, on: boolean): void {
  try {
    localStorage.setItem(key, on ? 'on' : 'off');
  } catch {
    /* not persisted */
  }
}

const currentPermission = (): NotificationPermission | 'unsupported' => (typeof Notification === 'undefined' ? 'unsupported' : Notification.permission);

export function createNotifier() {
  const soundOn = signal(readOn(SOUND_KEY));
  /** The agent's setting: desktop notifications on (once the browser allows them) or off. */
  const desktopOn = signal(readOn(DESKTOP_KEY));
  const permission = signal<NotificationPermission | 'unsupported'>(currentPermission());
  let audio: AudioContext | null = null;
  let lastSound = 0;

  function beep(): void {
    if (!soundOn.value) return;
    const now = Date.now();
    if (now - lastSound < 1500) return; // a burst of messages is one sound
    lastSound = now;
    try {
      audio ??= new AudioContext();
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.15, audio.currentTime + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.25);
      osc.connect(gain).connect(audio.destination);
      osc.start();
      osc.stop(audio.currentTime + 0.3);
    } catch {
      /* no audio: the title and badges still tell */
    }
  }

  /** Shows a notification when the tab is in the background, the browser allows it and the agent wants it. */
  function desktop(title: string, body: string, onClick: () => void, conversationId?: string): void {
    permission.value = currentPermission(); // the agent may have changed it in the browser meanwhile
    if (!desktopOn.value || permission.value !== 'granted' || document.visibilityState === 'visible') return;
    // One per chat: a newer message replaces that chat's notification.
    const options: NotificationOptions = { body: body.slice(0, 140), tag: `mostrador:${conversationId ?? 'new'}`, icon: '/console/icon-192.png', data: { conversationId } };
    try {
      const n = new Notification(title, options);
      n.onclick = () => {
        window.focus();
        onClick();
        n.close();
      };
    } catch {
      // Some browsers (Android's) only show them from the service worker; its click opens the chat.
      void navigator.serviceWorker?.getRegistration('/console/').then((reg) => reg?.showNotification(title, options)).catch(() => undefined);
    }
  }

  /** Asks the browser (from the agent's click in the alerts menu); turns them on when allowed. */
  async function requestPermission(): Promise<void> {
    if (typeof Notification === 'undefined') return;
    permission.value = await Notification.requestPermission();
    if (permission.value === 'granted') {
      desktopOn.value = true;
      save(DESKTOP_KEY, true);
    }
  }

  function toggleSound(): void {
    soundOn.value = !soundOn.value;
    save(SOUND_KEY, soundOn.value);
  }

  function toggleDesktop(): void {
    desktopOn.value = !desktopOn.value;
    save(DESKTOP_KEY, desktopOn.value);
  }

  return { soundOn, desktopOn, permission, beep, desktop, requestPermission, toggleSound, toggleDesktop };
}

export type Notifier = ReturnType<typeof createNotifier>;

/** "(3) Mostrador": unread messages in the agent's chats plus chats waiting in the queue. */
export function tabTitle(unread: number, queued: number, base = 'Mostrador'): string {
  const n = unread + queued;
  return n > 0 ? `(${n}) ${base}` : base;
}

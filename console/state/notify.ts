/**
 * Getting an agent's attention: a short tone, a desktop notification when the tab is hidden
 * (and the agent allowed it), and a count in the tab title. No files, no network.
 */
import { signal } from '@preact/signals';

const SOUND_KEY = 'mostrador:console:sound';

function readSound(): boolean {
  try {
    return localStorage.getItem(SOUND_KEY) !== 'off';
  } catch {
    return true;
  }
}

export function createNotifier() {
  const soundOn = signal(readSound());
  const permission = signal<NotificationPermission | 'unsupported'>(typeof Notification === 'undefined' ? 'unsupported' : Notification.permission);
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

  function desktop(title: string, body: string, onClick: () => void): void {
    if (permission.value !== 'granted' || document.visibilityState === 'visible') return;
    try {
      const n = new Notification(title, { body: body.slice(0, 140), tag: 'mostrador' });
      n.onclick = () => {
        window.focus();
        onClick();
        n.close();
      };
    } catch {
      /* some browsers only allow notifications from a service worker */
    }
  }

  async function requestPermission(): Promise<void> {
    if (typeof Notification === 'undefined') return;
    permission.value = await Notification.requestPermission();
  }

  function toggleSound(): void {
    soundOn.value = !soundOn.value;
    try {
      localStorage.setItem(SOUND_KEY, soundOn.value ? 'on' : 'off');
    } catch {
      /* not persisted */
    }
  }

  return { soundOn, permission, beep, desktop, requestPermission, toggleSound };
}

export type Notifier = ReturnType<typeof createNotifier>;

/** "(3) Mostrador": unread messages in the agent's chats plus chats waiting in the queue. */
export function tabTitle(unread: number, queued: number, base = 'Mostrador'): string {
  const n = unread + queued;
  return n > 0 ? `(${n}) ${base}` : base;
}

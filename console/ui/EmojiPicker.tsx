/**
 * The emoji picker of the composer: a compact set chosen for a shop's chat (faces, gestures,
 * orders and shipping, symbols), each named in Spanish and English (its label, and what the
 * search matches). Downloaded the first time it opens (lazyView): the inbox's first load does not
 * carry it. Keyboard: the search box first; ↓ or Tab into the grid; arrows, Home and End move;
 * Enter or Space inserts; Escape closes and focus goes back to the reply box.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { locale, strings } from '../state/locale';

/** The picker's own words (here, not in shared/i18n: they download with the picker). */
const WORDS = {
  en: { search: 'Search emoji', results: 'Results', none: 'No emoji match.' },
  es: { search: 'Buscar emoji', results: 'Resultados', none: 'Ningún emoji coincide.' },
} as const;

type Entry = readonly [emoji: string, en: string, es: string];

/** Categories: [English name, Spanish name, entries]. */
export const EMOJI: readonly (readonly [string, string, readonly Entry[]])[] = [
  [
    'Smileys',
    'Caras',
    [
      ['😀', 'grinning face', 'cara sonriente'],
      ['😊', 'smiling face', 'cara feliz'],
      ['🙂', 'slight smile', 'sonrisa leve'],
      ['😉', 'wink', 'guiño'],
      ['😄', 'big smile', 'sonrisa grande'],
      ['😂', 'tears of joy', 'lágrimas de risa'],
      ['😍', 'heart eyes', 'ojos de corazón'],
      ['🥰', 'smiling with hearts', 'cara con corazones'],
      ['😎', 'sunglasses', 'gafas de sol'],
      ['🤔', 'thinking', 'pensando'],
      ['😅', 'relieved sweat', 'sonrisa con sudor'],
      ['😮', 'surprised', 'sorprendido'],
      ['😢', 'crying', 'llorando'],
      ['😔', 'pensive', 'pensativo'],
      ['🤗', 'hug', 'abrazo'],
      ['🥳', 'party face', 'fiesta'],
    ],
  ],
  [
    'Gestures',
    'Gestos',
    [
      ['👍', 'thumbs up', 'pulgar arriba'],
      ['👎', 'thumbs down', 'pulgar abajo'],
      ['👋', 'wave', 'saludo'],
      ['🙏', 'thanks', 'gracias por favor'],
      ['👏', 'clapping', 'aplausos'],
      ['🙌', 'raised hands', 'manos arriba'],
      ['👌', 'ok hand', 'vale'],
      ['✌️', 'victory', 'victoria'],
      ['🤞', 'fingers crossed', 'dedos cruzados'],
      ['💪', 'strong', 'fuerza'],
      ['👀', 'eyes', 'ojos'],
      ['🤝', 'handshake', 'apretón de manos'],
      ['🤙', 'call me', 'llámame'],
      ['✋', 'raised hand', 'mano levantada'],
      ['👆', 'pointing up', 'señalar arriba'],
      ['🫶', 'heart hands', 'manos de corazón'],
    ],
  ],
  [
    'Shop',
    'Tienda',
    [
      ['📦', 'package', 'paquete'],
      ['🚚', 'delivery truck', 'camión de reparto'],
      ['🛒', 'shopping cart', 'carrito'],
      ['🛍️', 'shopping bags', 'bolsas de compra'],
      ['🎁', 'gift', 'regalo'],
      ['🧾', 'receipt', 'recibo factura'],
      ['💳', 'credit card', 'tarjeta'],
      ['💶', 'euro', 'euro billete'],
      ['🏷️', 'label', 'etiqueta'],
      ['📮', 'postbox', 'buzón'],
      ['✉️', 'envelope', 'sobre correo'],
      ['📍', 'location', 'ubicación'],
      ['🕒', 'time', 'hora'],
      ['📅', 'calendar', 'calendario'],
      ['🔄', 'exchange', 'cambio devolución'],
      ['☕', 'coffee', 'café'],
    ],
  ],
  [
    'Symbols',
    'Símbolos',
    [
      ['✅', 'check mark', 'hecho'],
      ['❌', 'cross mark', 'no'],
      ['⚠️', 'warning', 'aviso'],
      ['❗', 'exclamation', 'exclamación'],
      ['❓', 'question', 'pregunta'],
      ['⭐', 'star', 'estrella'],
      ['✨', 'sparkles', 'brillos'],
      ['🎉', 'party popper', 'celebración'],
      ['❤️', 'red heart', 'corazón'],
      ['💙', 'blue heart', 'corazón azul'],
      ['🔥', 'fire', 'fuego'],
      ['💡', 'idea', 'idea'],
      ['⏳', 'hourglass', 'reloj de arena espera'],
      ['🆗', 'OK button', 'botón OK'],
      ['💯', 'hundred points', 'cien puntos'],
      ['🔔', 'bell', 'campana'],
    ],
  ],
];

/** Lowercase without accents: "camion" finds "camión". */
const fold = (s: string) => s.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');

/** The entries whose name (in either language) contains every word of the query. */
export function searchEmoji(query: string): Entry[] {
  const words = fold(query).split(/\s+/).filter(Boolean);
  const all = EMOJI.flatMap(([, , list]) => list);
  if (words.length === 0) return all;
  return all.filter(([, en, es]) => {
    const name = fold(`${en} ${es}`);
    return words.every((w) => name.includes(w));
  });
}

/** Cells per row of the grid (the arrow keys move by it); every category fills whole rows. */
export const COLUMNS = 8;

export function EmojiPicker({ onPick, onClose }: { onPick(emoji: string): void; onClose(): void }) {
  const t = strings();
  const es = locale.value === 'es';
  const w = WORDS[es ? 'es' : 'en'];
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const search = useRef<HTMLInputElement>(null);
  const grid = useRef<HTMLDivElement>(null);
  const found = query.trim() ? searchEmoji(query) : null;
  const sections = found ? [[w.results, found] as const] : EMOJI.map(([en, esName, list]) => [es ? esName : en, list] as const);
  const flat = sections.flatMap(([, list]) => list);
  const current = Math.min(active, Math.max(0, flat.length - 1));

  useEffect(() => search.current?.focus(), []);
  // A click elsewhere closes it (the composer's emoji button toggles it itself).
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const onDown = (e: PointerEvent) => {
      const target = e.target as Element | null;
      if (root.current?.contains(target) || target?.closest?.('.emoji-button')) return;
      onClose();
    };
    document.addEventListener('pointerdown', onDown);
    return () => document.removeEventListener('pointerdown', onDown);
  }, [onClose]);

  const focusCell = (i: number) => {
    setActive(i);
    requestAnimationFrame(() => grid.current?.querySelector<HTMLButtonElement>(`[data-i="${i}"]`)?.focus());
  };

  const onGridKey = (e: KeyboardEvent) => {
    const last = flat.length - 1;
    const moves: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: COLUMNS, ArrowUp: -COLUMNS };
    if (e.key in moves) {
      e.preventDefault();
      const next = current + moves[e.key]!;
      if (next < 0 && e.key === 'ArrowUp') return search.current?.focus();
      focusCell(Math.max(0, Math.min(last, next)));
    } else if (e.key === 'Home' || e.key === 'End') {
      e.preventDefault();
      focusCell(e.key === 'Home' ? 0 : last);
    }
  };

  let index = 0;
  return (
    <div
      ref={root}
      class="emoji-picker"
      role="dialog"
      aria-label={t.emojiPicker}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          e.stopPropagation();
          onClose();
        }
      }}
    >
      <label class="sr-only" for="emoji-search">
        {w.search}
      </label>
      <input
        id="emoji-search"
        ref={search}
        type="search"
        value={query}
        placeholder={w.search}
        autocomplete="off"
        onInput={(e) => {
          setQuery((e.target as HTMLInputElement).value);
          setActive(0);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' && flat.length > 0) {
            e.preventDefault();
            focusCell(current);
          } else if (e.key === 'Enter' && flat.length > 0) {
            e.preventDefault();
            onPick(flat[current]![0]);
          }
        }}
      />
      <div ref={grid} class="emoji-grid" onKeyDown={onGridKey}>
        {flat.length === 0 && <p class="muted small">{w.none}</p>}
        {sections.map(([name, list]) => (
          <div key={name} role="group" aria-label={name}>
            <p class="emoji-cat" aria-hidden="true">
              {name}
            </p>
            <div class="emoji-cells">
              {list.map(([emoji, en, esName]) => {
                const i = index++;
                return (
                  <button
                    key={emoji}
                    type="button"
                    class="emoji"
                    data-i={i}
                    tabIndex={i === current ? 0 : -1}
                    aria-label={es ? esName : en}
                    title={es ? esName : en}
                    onClick={() => onPick(emoji)}
                    onFocus={() => setActive(i)}
                  >
                    {emoji}
                  </button>
                );
              })}
            </div>
          </div>
        ))}
      </div>
    </div>
  );
}

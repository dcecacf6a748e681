/**
 * An agent's initials on a colour of their own (the same colour wherever they appear): who has a
 * chat, at a glance. Decorative — the name is always said beside it.
 */

/** Dark enough that white initials pass WCAG AA (4.5:1) on each. */
const COLOURS = ['#1f5f8b', '#7a3e9d', '#2e6b3f', '#9c3d2e', '#5a5f1f', '#8a2f63', '#3b4f9c', '#6b4a1f'];

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0]![0], words[words.length - 1]![0]] : [...(words[0] ?? '?')].slice(0, 2);
  return letters.join('').toUpperCase();
}

export function colourOf(id: string): string {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return COLOURS[h % COLOURS.length]!;
}

export function Avatar({ id, name }: { id: string; name: string }) {
  return (
    <span class="avatar" aria-hidden="true" style={{ background: colourOf(id) }}>
      {initials(name)}
    </span>
  );
}

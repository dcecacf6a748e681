/**
 * When people are back, as the widget's header says it, on the shop's clock — `shopZone`, its
 * hours' IANA zone, the clock its assistant and its opening hours speak: the weekday (null when it
 * is today there) and the 24-hour time, as the assistant writes them, and the zone's city when the
 * shopper's clock reads another time ("miércoles", "09:00", "Madrid"). Without a zone, or one the
 * browser does not know: the shopper's clock, no city. `shopperZone`: the shopper's (default: the
 * browser's).
 */
export function backWhen(at: number, now: number, locale: string, shopZone?: string, shopperZone?: string): { day: string | null; time: string; city: string | null } {
  const d = new Date(at);
  /** The instant on one clock (undefined: the browser's); throws on a zone the browser does not know. */
  const read = (timeZone: string | undefined) => ({
    day: d.toLocaleDateString('en-CA', { timeZone }) === new Date(now).toLocaleDateString('en-CA', { timeZone }) ? null : d.toLocaleDateString(locale, { weekday: 'long', timeZone }),
    time: d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }),
    city: null as string | null,
  });
  try {
    const shop = read(shopZone);
    if (shopZone && read(shopperZone).time !== shop.time) shop.city = shopZone.split('/').pop()!.replace(/_/g, ' ');
    return shop;
  } catch {
    return read(shopperZone);
  }
}

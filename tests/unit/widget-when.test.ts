/**
 * When people are back, for the widget's header (widget/app/ui/when.ts): on the shop's clock, as
 * its assistant says it, with the shop's city for a shopper whose clock reads another time.
 */
import { describe, expect, it } from 'vitest';
import { backWhen } from '../../widget/app/ui/when';

// Sunday 29 November 2026, 20:00 UTC (21:00 in Madrid, 14:00 in Mexico City).
const NOW = Date.UTC(2026, 10, 29, 20, 0);
// Monday 30 November, 09:00 in Madrid (08:00 UTC, 02:00 in Mexico City).
const MON_0900_MADRID = Date.UTC(2026, 10, 30, 8, 0);

describe('when people are back (widget header)', () => {
  it("reads the shop's clock, with no city for a shopper whose clock reads the same", () => {
    expect(backWhen(MON_0900_MADRID, NOW, 'es', 'Europe/Madrid', 'Europe/Madrid')).toEqual({ day: 'lunes', time: '09:00', city: null });
    expect(backWhen(MON_0900_MADRID, NOW, 'en', 'Europe/Madrid', 'Europe/Madrid')).toEqual({ day: 'Monday', time: '09:00', city: null });
    // Another zone on the same clock (Ceuta keeps Madrid's time).
    expect(backWhen(MON_0900_MADRID, NOW, 'es', 'Europe/Madrid', 'Africa/Ceuta')).toEqual({ day: 'lunes', time: '09:00', city: null });
  });

  it("names the shop's city when the shopper's clock reads another time (24-hour, as the assistant writes it)", () => {
    expect(backWhen(MON_0900_MADRID, NOW, 'es', 'Europe/Madrid', 'America/Mexico_City')).toEqual({ day: 'lunes', time: '09:00', city: 'Madrid' });
    expect(backWhen(MON_0900_MADRID, NOW, 'en', 'Europe/Madrid', 'UTC')).toEqual({ day: 'Monday', time: '09:00', city: 'Madrid' });
    expect(backWhen(Date.UTC(2026, 10, 30, 15, 30), NOW, 'en', 'America/Mexico_City', 'Europe/Madrid')).toEqual({ day: 'Monday', time: '09:30', city: 'Mexico City' });
  });

  it("gives no day when it is today on the shop's clock", () => {
    expect(backWhen(Date.UTC(2026, 10, 29, 21, 30), NOW, 'es', 'Europe/Madrid', 'Europe/Madrid')).toEqual({ day: null, time: '22:30', city: null });
  });

  it("falls back to the shopper's clock without a zone, or with one the browser does not know", () => {
    expect(backWhen(MON_0900_MADRID, NOW, 'es', undefined, 'UTC')).toEqual({ day: 'lunes', time: '08:00', city: null });
    expect(backWhen(MON_0900_MADRID, NOW, 'en', 'Mars/Olympus_Mons', 'UTC')).toEqual({ day: 'Monday', time: '08:00', city: null });
  });
});

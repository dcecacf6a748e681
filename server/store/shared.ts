/**
 * Pure helpers both stores (SQLite and PostgreSQL) use, so a rule lives in one place: what they
 * compute from rows they have read, without IO.
 */

/**
 * The proactive-message log after rule `ruleId` fires now, or null when a cap forbids it: the
 * rule fired within `minGapMs`, or `maxPerDay` messages went out in the last 24 h. Entries older
 * than both windows are dropped; at most 50 are kept.
 */
export function proactiveClaim(
  sent: { ruleId: string; at: number }[],
  ruleId: string,
  now: number,
  caps: { minGapMs: number; maxPerDay: number },
): { ruleId: string; at: number }[] | null {
  const kept = sent.filter((x) => now - x.at < Math.max(caps.minGapMs, 24 * 3_600_000));
  if (kept.some((x) => x.ruleId === ruleId && now - x.at < caps.minGapMs)) return null;
  if (kept.filter((x) => now - x.at < 24 * 3_600_000).length >= caps.maxPerDay) return null;
  return [...kept, { ruleId, at: now }].slice(-50);
}

/** The questions the assistant could not answer, from conversations' bot state, newest first. */
export function unansweredOf(rows: { id: string; botState: unknown }[], limit: number): { conversationId: string; text: string; at: number; locale: string }[] {
  const out: { conversationId: string; text: string; at: number; locale: string }[] = [];
  for (const r of rows) {
    const list = (r.botState as { unanswered?: unknown } | null)?.unanswered;
    if (!Array.isArray(list)) continue;
    for (const q of list as { text?: unknown; at?: unknown; locale?: unknown }[]) {
      if (typeof q?.text === 'string' && typeof q.at === 'number') out.push({ conversationId: r.id, text: q.text, at: q.at, locale: q.locale === 'en' ? 'en' : 'es' });
    }
  }
  return out.sort((a, b) => b.at - a.at).slice(0, limit);
}

/** The keys identity hashes are checked against: the current one, then the previous one while it overlaps. */
export function liveSecretKeys(row: { secretKey: string; previous: string | null; until: number | null }, now: number): string[] {
  return row.previous && (row.until === null || row.until > now) ? [row.secretKey, row.previous] : [row.secretKey];
}

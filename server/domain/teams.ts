/** The teams of a site, as agents and the transfer dialog see them. */
/** The teams a chat can be transferred to: every team an agent belongs to plus the site's `settings.teams`, deduplicated case-insensitively, sorted. */
export function siteTeams(agents: readonly { teams: readonly string[]; disabled?: boolean }[], settingsTeams: unknown): string[] {
  const names = new Map<string, string>();
  const add = (t: unknown) => {
    if (typeof t !== 'string' || !t.trim()) return;
    const name = t.trim();
    if (!names.has(name.toLowerCase())) names.set(name.toLowerCase(), name);
  };
  for (const a of agents) if (!a.disabled) a.teams.forEach(add);
  if (Array.isArray(settingsTeams)) settingsTeams.forEach(add);
  return [...names.values()].sort((a, b) => a.localeCompare(b));
}

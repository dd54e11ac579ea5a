/** What decides how a Frist stands: its kind, the machine's status and whether its date has passed. */
export interface FristStanding {
  kind: 'start' | 'report' | 'termEnd';
  status: 'open' | 'due' | 'overdue' | 'met';
  /** True when the effective date has passed and the Frist is not met. */
  overdue: boolean;
}

/**
 * How a Frist stands, in words, the same on the web pages and in the CLI: a term past its end
 * is „abgelaufen“, anything else past its date and not met „überfällig“, also before the
 * scheduler has recorded it (a local database has none running).
 */
export function deadlineState(deadline: FristStanding): string {
  if (deadline.status === 'met') return 'erledigt';
  if (deadline.overdue) return deadline.kind === 'termEnd' ? 'abgelaufen' : 'überfällig';
  return deadline.status === 'due' ? 'fällig' : 'offen';
}

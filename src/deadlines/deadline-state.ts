import { germanDate, type CivilDate } from '../../machines';

/** What decides how a Frist stands: its kind, the machine's status and whether its date has passed. */
export interface FristStanding {
  kind: 'start' | 'report' | 'termEnd';
  status: 'open' | 'due' | 'overdue' | 'met';
  /** True when the effective date has passed and the Frist is not met. */
  overdue: boolean;
  /** When it was met (a report: submitted), where known; with `effectiveDate`, whether late. */
  metOn?: CivilDate | null;
  effectiveDate?: CivilDate | null;
}

/**
 * How a Frist stands, in words, the same on the web pages and in the CLI: a term past its end
 * is „abgelaufen“, anything else past its date and not met „überfällig“, also before the
 * scheduler has recorded it (a local database has none running). A met Frist says when, and
 * whether that was after its day: „eingereicht am 04.12.2026, verspätet“.
 */
export function deadlineState(deadline: FristStanding): string {
  if (deadline.status === 'met') {
    if (!deadline.metOn) return 'erledigt';
    const late = deadline.effectiveDate && deadline.metOn > deadline.effectiveDate ? ', verspätet' : '';
    return `${deadline.kind === 'report' ? 'eingereicht' : 'erledigt'} am ${germanDate(deadline.metOn)}${late}`;
  }
  if (deadline.overdue) return deadline.kind === 'termEnd' ? 'abgelaufen' : 'überfällig';
  return deadline.status === 'due' ? 'fällig' : 'offen';
}

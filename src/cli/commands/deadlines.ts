import { deadlineState } from '../../deadlines/deadline-state';
import type { CliCommand } from '../command';
import { dateOption } from '../dates';
import { UsageError } from '../errors';
import { date, table } from '../format';
import { describeDue, fristAsSet, type CoarseTermEnd, type Deadline } from '../../../machines';

/** A Frist as GET /api/deadlines gives it (the fields the CLI shows). */
export interface DeadlineRow {
  bodyId: string;
  kind: 'start' | 'report' | 'termEnd';
  /** The obligation id for reports. */
  ref: string;
  bodyTitle: string;
  label: string;
  deadline: Deadline;
  originalDate: string | null;
  effectiveDate: string | null;
  rule: unknown;
  /** The end of a term as the decision wrote it, where coarser than a day. */
  termEndAsWritten?: CoarseTermEnd | null;
  description: string;
  status: 'open' | 'due' | 'overdue' | 'met';
  metOn: string | null;
  overdue: boolean;
}

export const deadlinesCommand: CliCommand = {
  name: 'deadlines',
  summary: 'Fristen aller Gremien (oder eines), nach wirksamem Datum',
  options: {
    before: { type: 'string', value: 'DATUM', description: 'nur Fristen vor diesem Datum' },
    body: { type: 'string', value: 'ID', description: 'nur Fristen dieses Gremiums' },
    overdue: { type: 'boolean', description: 'nur überfällige' },
    held: {
      type: 'string',
      value: 'ja|nein',
      description: 'ja: nur die Fristen der Gremien in Nacherfassung (Fristenüberwachung ruht); nein: nur die der übrigen',
    },
  },
  async run(ctx) {
    const api = await ctx.api();
    const rows = await api.get<DeadlineRow[]>('/api/deadlines', {
      before: typeof ctx.options.before === 'string' ? dateOption(ctx.options.before, '--before', false) : undefined,
      body: ctx.options.body as string | undefined,
      overdue: ctx.options.overdue === true ? true : undefined,
      held: typeof ctx.options.held === 'string' ? heldOption(ctx.options.held) : undefined,
    });
    ctx.out.result(rows, (list) =>
      list.length === 0
        ? 'Keine Fristen.'
        : table(list, [
            { header: 'Datum', value: (d) => date(d.effectiveDate) },
            { header: 'verschoben von', value: (d) => (d.originalDate && d.originalDate !== d.effectiveDate ? date(d.originalDate) : '') },
            { header: 'Frist', value: (d) => d.label },
            { header: 'festgelegt', value: (d) => fristAsSet(d, describeDue) },
            { header: 'Gremium', value: (d) => d.bodyTitle, max: 40 },
            { header: 'Stand', value: (d) => deadlineState(d) },
            { header: 'ID', value: (d) => d.bodyId },
          ]),
    );
  },
};

/** `--held ja|nein` (also `true|false`, as the API writes it): whether only the held bodies' Fristen, or only the others'. */
export function heldOption(value: string): boolean {
  const given = value.trim().toLowerCase();
  if (given === 'ja' || given === 'true') return true;
  if (given === 'nein' || given === 'false') return false;
  throw new UsageError(`„${value}“ ist kein Wert für --held (erwartet ja: nur Gremien in Nacherfassung, oder nein: nur die übrigen).`);
}

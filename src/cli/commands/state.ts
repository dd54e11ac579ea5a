import { approvedUntilAsWritten, countOf, describeDue, describeTermEndWithDay, obligationLabel, obligationStanding, sameDeadline } from '../../../machines';
import type { NotYetRecorded } from '../../audit/audit.service';
import type { StateAt } from '../../audit/replay';
import type { CliCommand } from '../command';
import { timeLimitOption } from '../dates';
import { UsageError } from '../errors';
import { date, day, fields, table, toTheSecond } from '../format';
import type { DeadlineRow } from './deadlines';
import { pendingLines, reportDueDatesOf } from './show';

/** A report's Frist as the body has it now: its deadline and effective date. */
type ReportFrist = Pick<DeadlineRow, 'deadline' | 'effectiveDate'>;

export const stateCommand: CliCommand = {
  name: 'state',
  args: ['ID'],
  summary: 'Zustand eines Gremiums an einem fachlichen Datum (--as-of) oder nach Kenntnisstand (--as-known-at)',
  description:
    'Spielt die gespeicherten Ereignisse bis zu dem Datum mit der Version des Zustandsautomaten nach, unter der sie erfasst wurden ' +
    '(GET /api/bodies/ID/state). Ein Datum meint den ganzen Tag (Europe/Berlin). War das Gremium da noch nicht registriert: Exit-Code 1.',
  options: {
    'as-of': { type: 'string', value: 'DATUM', description: 'fachliches Datum: Ereignisse, die bis dahin geschehen sind' },
    'as-known-at': {
      type: 'string',
      value: 'ZEITPUNKT',
      description: 'Systemzeit: Ereignisse, die bis dahin erfasst waren; ein Datum meint den ganzen Tag, „01.07.2024, 10:00:07“ (wie history es zeigt) die ganze Sekunde',
    },
  },
  async run(ctx) {
    const asOf = typeof ctx.options['as-of'] === 'string' ? timeLimitOption(ctx.options['as-of'], '--as-of') : undefined;
    const asKnownAt = typeof ctx.options['as-known-at'] === 'string' ? timeLimitOption(ctx.options['as-known-at'], '--as-known-at') : undefined;
    if (!asOf && !asKnownAt) throw new UsageError('Es fehlt --as-of DATUM (oder --as-known-at ZEITPUNKT).');
    const api = await ctx.api();
    const id = ctx.args.ID!;
    // The audit module replays the stored events through the machine version each was recorded under.
    const state = await api.get<StateAt & { bodyId: string; notYetRecorded: NotYetRecorded[] }>(`/api/bodies/${encodeURIComponent(id)}/state`, { asOf, asKnownAt });
    // To the second: which of several events recorded in one minute a time takes in, the history's „erfasst“ tells.
    const when = [asOf ? `am ${toTheSecond(asOf)}` : null, asKnownAt ? `nach Kenntnisstand vom ${toTheSecond(asKnownAt)}` : null].filter(Boolean).join(', ');
    // Whether a report came late is read against its Frist's effective date, also once the body has ended and has no Fristen any more.
    const reportFristen = ctx.json ? new Map<string, ReportFrist>() : await reportDueDatesOf(api, id);
    ctx.out.result(state, (s) => renderState(s, when, reportFristen));
  },
};

/** The answer of `GET /api/bodies/ID/state` for people: the state, what it stands on, the report obligations. */
export function renderState(
  state: StateAt & { notYetRecorded: NotYetRecorded[]; warning?: unknown },
  when: string,
  reportFristen: ReadonlyMap<string, ReportFrist> = new Map(),
): string {
  const c = state.context;
  const parts = [
    fields([
      [`Zustand ${when}`, state.stateLabel],
      ['Titel', c.profile.title],
      ['Grundlage', `Version ${state.basedOn.version}: ${state.basedOn.label} (${state.basedOn.type}) am ${day(state.basedOn.occurredAt)}, erfasst ${toTheSecond(state.basedOn.recordedAt)}`],
      ['Eingerichtet am', c.approvedOn ? date(c.approvedOn) : null],
      ['Befristet bis', c.permanent ? 'dauerhaft (entfristet)' : c.approvedUntil ? describeTermEndWithDay(approvedUntilAsWritten(c)!) : null],
      ['Beendet am', c.endedOn ? date(c.endedOn) : null],
      ['Nicht berücksichtigt', state.excluded > 0 ? countOf(state.excluded, 'späteres Ereignis', 'spätere Ereignisse') : null],
      ['Nicht nachvollziehbar', state.refused.map((s) => `Version ${s.version} ${s.type}: ${s.refusal}`).join('\n')],
      ['Noch nicht verbucht', pendingLines(state.notYetRecorded)],
      // A warning the service adds (German), e.g. about events whose hash does not hold.
      ['Warnung', typeof state.warning === 'string' ? state.warning : null],
    ]),
  ];
  if (state.notYetRecorded.length > 0) {
    parts.push('Die Fristenüberwachung verbucht fällige Systemereignisse mit ihrem Fälligkeitsdatum; bis dahin zeigt der Zustand sie (und was aus ihnen folgt) nicht.');
  }
  if (c.obligations.length > 0) {
    parts.push(
      `Berichtspflichten:\n${table(c.obligations, [
        { header: 'Nr.', value: (o) => o.id },
        { header: 'Bericht', value: (o) => obligationLabel(o, c.obligations) },
        { header: 'Frist', value: (o) => describeDue(o.due) },
        { header: 'Stand', value: (o) => obligationStanding(o, c.endedOn, dueDateOf(o, reportFristen.get(o.id))) },
      ])}`,
    );
  }
  return parts.join('\n\n');
}

/** The effective date of a report's Frist as the body has it now, if it is still the Frist the report had then. */
function dueDateOf(obligation: { due: DeadlineRow['deadline'] }, frist: ReportFrist | undefined): string | null {
  return frist?.effectiveDate && sameDeadline(frist.deadline, obligation.due) ? frist.effectiveDate : null;
}

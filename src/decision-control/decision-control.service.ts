import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import {
  EVENT_LABELS,
  berlinDate,
  daysBetween,
  germanDate,
  resolveDeadline,
  type BodyContext,
  type CalendarRules,
  type CivilDate,
  type Deadline,
  type ReportObligation,
  type Session,
} from '../../machines';
import { BodiesService } from '../bodies/bodies.service';
import { Clock } from '../common/clock';
import { parseInput } from '../common/validation';
import { DecisionsService, citesOther, type DecisionCitations } from '../decisions/decisions.service';
import type { StandingReplacement } from '../decisions/replacements';
import { canonicalJson } from '../json/canonical-json';
import type { Actor, EventRecord } from '../event-log/event-hash';
import { LifecycleService, type CommandResult } from '../lifecycle/lifecycle.service';
import { businessTimeSchema } from '../common/time-input';
import { DeadlinesService } from '../deadlines/deadlines.service';
import { SessionsStore } from '../deadlines/sessions.store';
import { effectRequirement, namesReport } from '../decisions/effect-labels';

export const applyInputSchema = z.strictObject({
  body: z.uuid().optional().describe('Das Gremium; ohne Angabe das der einzigen offenen Wirkung des Beschlusses'),
  effect: z.number().int().min(0).optional().describe('Die Nummer der Wirkung im Beschluss (ab 0); ohne Angabe die einzige offene (für das Gremium)'),
  occurredAt: businessTimeSchema.optional(),
  expectedVersion: z.number().int().min(1).optional(),
});

export const CONTROL_STATES = ['done', 'dueSoon', 'overdue', 'open', 'bodyEnded', 'appliedWithdrawn', 'replaced', 'withdrawn'] as const;
export type ControlState = (typeof CONTROL_STATES)[number];

export const CONTROL_STATE_LABELS: Record<ControlState, string> = {
  done: 'erledigt',
  dueSoon: 'bald fällig',
  overdue: 'überfällig',
  open: 'offen',
  bodyEnded: 'nicht mehr umsetzbar',
  appliedWithdrawn: 'umgesetzt, Beschluss zurückgenommen',
  replaced: 'umgesetzt, Beschluss ersetzt',
  withdrawn: 'Beschluss zurückgenommen',
};

/** What each state means, for the API's description of `state`. */
export const CONTROL_STATES_DESCRIBED =
  'done: erledigt (umgesetzt; ein angeforderter Bericht: zur Kenntnis genommen oder entfallen); ' +
  'dueSoon: bald fällig (nicht erledigt, Frist in höchstens 30 Tagen); overdue: überfällig (Frist verstrichen); ' +
  'open: offen (Frist später oder keine); ' +
  'bodyEnded: nicht mehr umsetzbar (nicht umgesetzt, das Gremium ist inzwischen beendet); ' +
  'appliedWithdrawn: umgesetzt, Beschluss zurückgenommen (was die Wirkung bewirkt hat, steht seither ohne Grundlage und kein Beschluss hat es übernommen: ein neuer Beschluss ist nötig, einer, der diesen ersetzt; ' +
  'bei einer Kette von Ersetzungen steht so nur die Zeile des letzten Beschlusses); ' +
  'replaced: umgesetzt, Beschluss zurückgenommen und ersetzt (ein neuer Beschluss hat die umgesetzte Wirkung übernommen, replacedBy: bei einer Kette von Ersetzungen der letzte; ' +
  'ist auch dieser zurückgenommen, steht seine Zeile auf appliedWithdrawn: der neue Beschluss ist dort nötig, nicht hier); ' +
  'withdrawn: Beschluss zurückgenommen, Wirkung nicht umgesetzt';

export const controlQuerySchema = z.strictObject({
  year: z.coerce.number().int().min(1990).max(2999).optional().describe('Jahr des Beschlussdatums'),
  issuer: z.string().trim().min(1).max(60).optional().describe('Beschließendes Gremium: IT-PLR oder AL-Runde'),
  state: z
    .enum(CONTROL_STATES)
    .optional()
    .describe(
      'Stand: done (erledigt), dueSoon (bald fällig), overdue (überfällig), open (offen), bodyEnded (nicht mehr umsetzbar, Gremium beendet), appliedWithdrawn (umgesetzt, Beschluss zurückgenommen), ' +
        'replaced (umgesetzt, Beschluss zurückgenommen und durch einen neuen ersetzt), ' +
        'withdrawn (jede Wirkung eines zurückgenommenen Beschlusses, umgesetzt oder nicht)',
    ),
});
export type ControlQuery = z.output<typeof controlQuerySchema>;

/** A Frist within this many days counts as due soon. */
const DUE_SOON_DAYS = 30;

/** One line of the Beschlusskontrolle: one effect of one decision. */
export interface ControlRow {
  decision: { number: string; issuer: string; issuerName: string; date: CivilDate; title: string; withdrawn: boolean };
  effectIndex: number;
  bodyId: string;
  bodyTitle: string;
  effect: string;
  effectLabel: string;
  /** What the decision requires, in German: `Verlängerung bis 30.06.2027`. */
  required: string;
  /** The Frist the decision sets (a report, a final report), as a date, or null. */
  dueBy: CivilDate | null;
  state: ControlState;
  stateLabel: string;
  /** The event that carried the effect out; `cites` when it cites a withdrawn decision this one replaces. */
  appliedBy: { version: number; type: string; occurredAt: string; cites?: { number: string; issuer: string } } | null;
  /**
   * For a withdrawn decision's carried-out effect: the last of the chain of decisions that took it
   * over, if any (`replaced`) — the one that stands, or one withdrawn too (its `withdrawn` set; that
   * one's own row is the open item): the same shape as in the decision and body answers.
   */
  replacedBy: StandingReplacement | null;
  /** For a requested report: the obligation it created, whether it was acknowledged, or when and by which decision it was waived. */
  report: {
    obligationId: string;
    state: ReportObligation['state'];
    acknowledgedOn: CivilDate | null;
    waived: { on: CivilDate; decision: string | null } | null;
  } | null;
}

/** What the Beschlusskontrolle's rows are worked out against (`DecisionControlService.reading`). */
interface ControlReading {
  today: CivilDate;
  calendar: { sessions: readonly Session[]; rules?: CalendarRules };
  contextOf: (bodyId: string) => Promise<BodyContext>;
}

/**
 * "Beschluss umsetzen" and the Beschlusskontrolle: applying a decision's effect through the one
 * write path, and following up on what each decision required, effect by effect.
 */
@Injectable()
export class DecisionControlService {
  constructor(
    private readonly decisions: DecisionsService,
    private readonly lifecycle: LifecycleService,
    private readonly bodies: BodiesService,
    private readonly sessions: SessionsStore,
    private readonly deadlines: DeadlinesService,
    private readonly clock: Clock,
  ) {}

  /** Sends the effect's event to its body, citing the decision: the same command as sending it by hand. */
  async apply(issuer: string, number: string, input: unknown, actor: Actor): Promise<CommandResult> {
    const c = parseInput(applyInputSchema, input);
    const { decision, effect } = await this.decisions.effectToApply(issuer, number, c.body, c.effect);
    return this.lifecycle.execute(
      {
        bodyId: effect.body,
        type: effect.effect,
        data: effect.data,
        decision: decision.number,
        ...(c.occurredAt ? { occurredAt: c.occurredAt } : {}),
        ...(c.expectedVersion ? { expectedVersion: c.expectedVersion } : {}),
      },
      actor,
    );
  }

  async rows(query: ControlQuery = {}): Promise<ControlRow[]> {
    this.decisions.assertIssuerFilter(query.issuer, 'query.issuer');
    const [all, bodies, reading] = await Promise.all([this.decisions.withCitations(), this.bodies.titles(), this.reading()]);
    const titles = new Map(bodies.map((b) => [b.id, b.title]));
    const rows: ControlRow[] = [];
    for (const entry of all) {
      if (query.year && !entry.decision.date.startsWith(`${query.year}-`)) continue;
      if (query.issuer && entry.decision.issuer !== query.issuer) continue;
      rows.push(...(await this.rowsOf(entry, reading, { titles })));
    }
    // `withdrawn` finds every effect of a withdrawn decision, carried out (appliedWithdrawn) or not.
    if (query.state === 'withdrawn') return rows.filter((r) => r.decision.withdrawn);
    return query.state ? rows.filter((r) => r.state === query.state) : rows;
  }

  /**
   * One decision as `GET /api/decisions/{issuer}/{number}` answers it (`DecisionsService.get`:
   * for a lead only the effects on `bodies`), each effect with its state as the Beschlusskontrolle
   * works it out: the same row `rows` gives for it, found by the effect's number in the decision.
   */
  async decision(issuer: string, number: string, bodies?: ReadonlySet<string>) {
    const { detail, citations } = await this.decisions.getWithCitations(issuer, number, bodies);
    // The answer names each effect's body by its id: the rows go without the bodies' titles.
    const rows = await this.rowsOf(citations, await this.reading(), { indexes: new Set(detail.effects.map((e) => e.index)) });
    const byIndex = new Map(rows.map((row) => [row.effectIndex, row]));
    return {
      ...detail,
      effects: detail.effects.map((effect) => {
        const { state, stateLabel, dueBy, report } = byIndex.get(effect.index)!;
        return { ...effect, state, stateLabel, dueBy, report };
      }),
    };
  }

  /** What the rows are worked out against: today (Berlin), the sessions calendar, each body's context as read once. */
  private async reading(): Promise<ControlReading> {
    const sessions = await this.sessions.all();
    const contexts = new Map<string, BodyContext>();
    return {
      today: berlinDate(this.clock.now().toISOString()),
      calendar: { sessions, rules: this.deadlines.timerOptions(sessions).rules },
      contextOf: async (id: string) => {
        if (!contexts.has(id)) contexts.set(id, (await this.bodies.get(id)).context);
        return contexts.get(id)!;
      },
    };
  }

  /**
   * The Beschlusskontrolle's rows of one decision, one per effect (with `indexes`, of those
   * effects only): what the effect requires, its Frist and its state; each row names its body by
   * its title in `titles`, else by its id.
   */
  private async rowsOf(
    { decision, appliedBy, replacedBy }: DecisionCitations,
    { today, calendar, contextOf }: ControlReading,
    { titles, indexes }: { titles?: ReadonlyMap<string, string>; indexes?: ReadonlySet<number> } = {},
  ): Promise<ControlRow[]> {
    const rows: ControlRow[] = [];
    for (const [i, effect] of decision.effects.entries()) {
      if (indexes && !indexes.has(i)) continue;
      const applied: EventRecord | null = appliedBy[i];
      let report: ControlRow['report'] = null;
      let due: CivilDate | null = null;
      if (effect.effect === 'reportRequested') {
        // The event that carried the request out cites this decision, or the withdrawn one this one took it over from.
        const obligation = applied ? requestedBy(await contextOf(effect.body), applied.decision?.number ?? decision.number, effect.data) : undefined;
        if (obligation) {
          const waived = obligation.state === 'waived' ? (obligation.waived ?? obligation.seriesEnded ?? null) : null;
          report = {
            obligationId: obligation.id,
            state: obligation.state,
            acknowledgedOn: obligation.acknowledgedOn,
            waived: waived ? { on: waived.on, decision: waived.decision } : null,
          };
        }
        // Once requested, the report's Frist is its own: where it was moved since, the moved one is owed.
        due = obligation
          ? this.resolve(obligation.due, obligation.addressee, calendar)
          : this.resolve(effect.data.due as Deadline, effect.data.addressee as string, calendar);
      } else if (effect.effect === 'closureInitiated') {
        // The final report is owed to the body's parent: the one it was when the closure began, else its parent now.
        const context = await contextOf(effect.body);
        const finalReport = applied ? requestedObligation(context, 'Abschlussbericht', effect.data.finalReportDue) : undefined;
        due = finalReport ? this.resolve(finalReport.due, finalReport.addressee, calendar) : this.resolve(effect.data.finalReportDue as Deadline, context.profile.parent, calendar);
      }
      // A requested report is done once acknowledged, or waived (no longer owed).
      const done = effect.effect === 'reportRequested' ? report?.state === 'acknowledged' || report?.state === 'waived' : applied !== null;
      // An ended body takes no more events: what was not done by then (not carried out, or a requested report not yet
      // acknowledged) cannot be any more.
      const endedOn = !done && !decision.withdrawn ? (await contextOf(effect.body)).endedOn : null;
      // What a withdrawn decision had carried out stands without a basis: it is not done, a new decision is needed.
      // Unless a new decision took it over (recorded under the right number, say), or the last of a chain of such
      // (one withdrawn and replaced in turn): then it rests on that one. When that one is withdrawn too, its own
      // row needs the new decision; this one counts once there, not as another open item.
      const replacement = replacedBy[i];
      const state: ControlState = decision.withdrawn
        ? applied
          ? replacement
            ? 'replaced'
            : 'appliedWithdrawn'
          : 'withdrawn'
        : done
          ? 'done'
          : endedOn
            ? 'bodyEnded'
            : due && due < today
              ? 'overdue'
              : due && daysBetween(today, due) <= DUE_SOON_DAYS
                ? 'dueSoon'
                : 'open';
      rows.push({
        decision: {
          number: decision.number,
          issuer: decision.issuer,
          issuerName: decision.issuerName,
          date: decision.date,
          title: decision.title,
          withdrawn: decision.withdrawn !== null,
        },
        effectIndex: i,
        bodyId: effect.body,
        bodyTitle: titles?.get(effect.body) ?? effect.body,
        effect: effect.effect,
        effectLabel: EVENT_LABELS[effect.effect] ?? effect.effect,
        // A report the effect names by its id is named as the body's page names it.
        required: effectRequirement(effect, namesReport(effect) ? (await contextOf(effect.body)).obligations : null),
        dueBy: due,
        state,
        stateLabel:
          state === 'open' && !due
            ? 'offen ohne Frist'
            : state === 'bodyEnded' && endedOn
              ? `${CONTROL_STATE_LABELS.bodyEnded}: Gremium beendet am ${germanDate(endedOn)}`
              : state === 'replaced'
                ? `umgesetzt, Beschluss ersetzt durch ${replacement!.number}${replacement!.withdrawn ? ' (auch dieser zurückgenommen: dort ist ein neuer Beschluss nötig)' : ''}`
                : CONTROL_STATE_LABELS[state],
        appliedBy: applied ? { version: applied.version, type: applied.type, occurredAt: applied.occurredAt, ...citesOther(decision, applied) } : null,
        replacedBy: replacement,
        report,
      });
    }
    return rows;
  }

  /**
   * The date a Frist the decision sets falls on, as the Fristen resolve a report's: the sessions
   * of the issuer the addressee names (`IT-Planungsrat` → IT-PLR), the configured calendar rules.
   */
  private resolve(deadline: Deadline | undefined, addressee: string | undefined, calendar: { sessions: readonly Session[]; rules?: CalendarRules }): CivilDate | null {
    if (!deadline) return null;
    const resolution = resolveDeadline(deadline, { ...calendar, issuer: addressee ? this.deadlines.issuerOf(addressee) : null });
    return resolution.resolved ? resolution.effectiveDate : null;
  }
}

/**
 * The obligation an applied request created, `cited` the decision its event cites. Since
 * statechart version 5 an obligation knows the decision that requested it (`requested`): among
 * those, the one of the request's kind, addressee and Frist. A request carried out before has
 * only those to go by: the first obligation that matches them, which may be another the body
 * owes alike (one the form planned, say).
 */
function requestedBy(context: BodyContext, cited: string, request: Record<string, unknown>): ReportObligation | undefined {
  const matches = (o: ReportObligation) => matchesRequest(o, request.kind, request.due, request.addressee);
  return context.obligations.find((o) => o.requested?.decision === cited && matches(o)) ?? context.obligations.find((o) => !o.requested && matches(o));
}

/**
 * The obligation an applied request created: of its kind (and addressee), with the Frist as
 * requested – the one a later change (reportRescheduled) moved it from, if any.
 */
function requestedObligation(context: BodyContext, kind: unknown, due: unknown, addressee?: unknown): ReportObligation | undefined {
  return context.obligations.find((o) => matchesRequest(o, kind, due, addressee));
}

function matchesRequest(obligation: ReportObligation, kind: unknown, due: unknown, addressee?: unknown): boolean {
  return (
    obligation.kind === kind &&
    (addressee === undefined || obligation.addressee === addressee) &&
    canonicalJson(obligation.rescheduled?.[0]?.from ?? obligation.due) === canonicalJson(due)
  );
}

/** The rows as CSV (RFC 4180, semicolon-separated for German spreadsheets, with a BOM). */
export function controlCsv(rows: ControlRow[]): string {
  const header = ['Beschluss', 'Gremium (beschließend)', 'Beschlussdatum', 'Titel', 'Gremium', 'Gremium-ID', 'Wirkung', 'Gefordert', 'Frist', 'Stand', 'Umgesetzt durch (Version)', 'Umgesetzt am'];
  const lines = rows.map((r) => [
    r.decision.number,
    r.decision.issuer,
    r.decision.date,
    r.decision.title,
    r.bodyTitle,
    r.bodyId,
    r.effectLabel,
    r.required,
    r.dueBy ?? '',
    r.stateLabel,
    r.appliedBy ? String(r.appliedBy.version) : '',
    r.appliedBy ? berlinDate(r.appliedBy.occurredAt) : '',
  ]);
  return `\uFEFF${[header, ...lines].map((cells) => cells.map(csvCell).join(';')).join('\r\n')}\r\n`;
}

function csvCell(value: string): string {
  // A leading =, +, - or @ would be read as a formula by spreadsheets.
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[;"\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

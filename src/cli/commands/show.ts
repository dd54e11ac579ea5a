import {
  approvedUntilAsWritten,
  describeDue,
  describeRecurrence,
  describeTermEnd,
  describeTermEndWithDay,
  germanDateTime,
  obligationLabel,
  obligationStanding,
  PROFILE_LABELS,
  type BodyContext,
  addresseeName,
} from '../../../machines';
import type { ApiClient } from '../api';
import type { CliCommand } from '../command';
import { date, day, fields, list, numbered, table, yesNo } from '../format';
import type { NotYetRecorded } from '../../audit/audit.service';
import type { StandingReplacement } from '../../decisions/replacements';
import type { DeadlineRow } from './deadlines';

/** A predecessor or successor: its name, and its id when it is registered here. */
interface LinkedBody {
  name: string;
  bodyId?: string;
}

const linked = (bodies: readonly LinkedBody[] = []) => bodies.map((b) => (b.bodyId ? `${b.name} (${b.bodyId})` : b.name)).join('\n');

export interface BodyView {
  id: string;
  version: number;
  title: string;
  state: { label: string };
  allowedEvents: Array<{ type: string; label: string }>;
  /** Those of allowedEvents the caller's role may send. */
  yourEvents?: Array<{ type: string; label: string }>;
  /** Events the state takes that the body's facts rule out for now, each with why. */
  notYetPossible?: Array<{ type: string; label: string; reason: string }>;
  context: BodyContext;
  /** E-mail and phone for the secretariat and the body's leads only; none at all for readers. */
  contacts?: Array<{ id: string; name: string | null; organization: string | null; email?: string | null; phone?: string | null; erased?: boolean }>;
  /** The cited decisions with their own date and the citing event's. */
  decisions?: Array<{
    number: string;
    issuer: string;
    date: string;
    event: string;
    eventLabel: string;
    occurredAt: string;
    withdrawn?: { at: string; reason: string } | null;
    /** The decision that took the event over (the last of a chain), itself withdrawn when none stands. */
    replacedBy?: StandingReplacement | null;
    /** The decisions of the chain before replacedBy, in order (each withdrawn and replaced by the next). */
    replacedVia?: StandingReplacement[];
  }>;
  /** Due system events the log does not hold yet: without a running scheduler (a local database) the state may lag behind the calendar. */
  notYetRecorded?: NotYetRecorded[];
  /** Each report's Frist after moves and the calendar rules, also once the body has ended and has no Fristen any more, with the day it was handed in. */
  reportDates?: ReportDate[];
  /** Nacherfassung: the deadline monitoring rests since then (null: it runs). */
  backfill?: { since: string; reason: string; by: string } | null;
  /** Where the body came from and where its work went, both ways (named by either body). */
  predecessors?: LinkedBody[];
  successors?: LinkedBody[];
  registeredAt: string;
  updatedAt: string;
}

/** A report's effective Frist and the day it was handed in, as `GET /api/bodies/ID` gives them (`reportDates`). */
export interface ReportDate {
  obligationId: string;
  effectiveDate: string | null;
  submittedOn: string | null;
}

export const showCommand: CliCommand = {
  name: 'show',
  args: ['ID'],
  summary: 'Ein Gremium mit allen Angaben, Zustand, Berichtspflichten und zulässigen Ereignissen',
  async run(ctx) {
    const api = await ctx.api();
    const body = await api.get<BodyView>(`/api/bodies/${encodeURIComponent(ctx.args.ID!)}`);
    // The table for people also gives each report the date of its Frist (--json: the body as the API gives it).
    const reportFristen = ctx.json ? new Map<string, DeadlineRow>() : await reportFristenOf(api, body.id);
    ctx.out.result(body, (b) => renderBody(b, reportFristen));
  },
};

/** The Frist of each report obligation, by obligation id: its date after the calendar rules. */
export async function reportFristenOf(api: ApiClient, bodyId: string): Promise<Map<string, DeadlineRow>> {
  const fristen = await api.get<DeadlineRow[]>('/api/deadlines', { body: bodyId });
  return new Map(fristen.filter((d) => d.kind === 'report').map((d) => [d.ref, d]));
}

/**
 * Each report obligation's Frist as the body now has it (its deadline and the effective date the
 * body's answer gives, also once the body has ended and has no Fristen any more), by obligation id.
 */
export async function reportDueDatesOf(api: ApiClient, bodyId: string): Promise<Map<string, Pick<DeadlineRow, 'deadline' | 'effectiveDate'>>> {
  const body = await api.get<BodyView>(`/api/bodies/${encodeURIComponent(bodyId)}`);
  const dates = new Map((body.reportDates ?? []).map((r) => [r.obligationId, r.effectiveDate]));
  return new Map(body.context.obligations.map((o) => [o.id, { deadline: o.due, effectiveDate: dates.get(o.id) ?? null }]));
}

/**
 * A cited decision withdrawn since, in words: replaced by the decisions that took its event over,
 * every link of the chain in order (as the body page names them), and resting on the last one, or
 * without a basis when nothing replaced it or the last one was withdrawn too.
 */
function withdrawnDecision(
  withdrawn: { at: string; reason: string },
  replacedBy: StandingReplacement | null | undefined,
  replacedVia: readonly StandingReplacement[] = [],
): string {
  const told = (w: { at: string; reason: string }) => `zurückgenommen am ${day(w.at)} („${w.reason}“)`;
  if (!replacedBy) return `${told(withdrawn)}, ohne Grundlage`;
  const link = (d: StandingReplacement) => `${d.number} (${d.issuer}) vom ${date(d.date)}`;
  const via = replacedVia.map((d) => `${link(d)}${d.withdrawn ? `, ${told(d.withdrawn)}` : ''}, dann durch `).join('');
  const by = `ersetzt durch ${via}${link(replacedBy)}`;
  return replacedBy.withdrawn ? `${told(withdrawn)}, ${by}, auch dieser ${told(replacedBy.withdrawn)}, ohne Grundlage` : `${told(withdrawn)}, ${by}`;
}

/** Due system events the log does not hold yet, a line each: `Laufzeit abgelaufen (termExpired) am 01.04.2025`. */
export function pendingLines(pending: readonly NotYetRecorded[]): string {
  return pending.map((p) => `${p.label} (${p.type}) am ${day(p.dueAt)}`).join('\n');
}

/** A report's effective date, with the date it was moved from (a weekend or holiday). */
function effectiveDate(frist: DeadlineRow | undefined): string {
  if (!frist?.effectiveDate) return '–';
  const moved = frist.originalDate && frist.originalDate !== frist.effectiveDate ? ` (verschoben von ${date(frist.originalDate)})` : '';
  return `${date(frist.effectiveDate)}${moved}`;
}

export function renderBody(body: BodyView, reportFristen: ReadonlyMap<string, DeadlineRow> = new Map()): string {
  const c = body.context;
  const p = c.profile;
  const parts = [
    fields([
      [PROFILE_LABELS.title, p.title],
      [PROFILE_LABELS.shortName, p.shortName],
      ['ID', body.id],
      ['Zustand', `${body.state.label} · Version ${body.version}`],
      ['Noch nicht verbucht', pendingLines(body.notYetRecorded ?? [])],
      ['Nacherfassung', body.backfill ? `Fristenüberwachung ruht seit ${germanDateTime(body.backfill.since)} Uhr (${body.backfill.reason})` : null],
      [PROFILE_LABELS.kind, p.kind],
      [PROFILE_LABELS.permanent, yesNo(p.permanent)],
      [PROFILE_LABELS.parent, p.parent],
      [PROFILE_LABELS.focusTopic, p.focusTopic],
      [PROFILE_LABELS.leads, list(p.leads)],
      [PROFILE_LABELS.participants, list(p.participants)],
      [`${PROFILE_LABELS.start} (geplant)`, date(p.start)],
      [PROFILE_LABELS.expectedEnd, p.expectedEnd ? describeTermEnd(p.expectedEnd) : null],
      ['Eingerichtet am', c.approvedOn ? date(c.approvedOn) : null],
      ['Befristet bis', c.permanent ? 'dauerhaft (entfristet)' : c.approvedUntil ? describeTermEndWithDay(approvedUntilAsWritten(c)!) : null],
      ['Tätigkeit begonnen', c.startedOn ? date(c.startedOn) : null],
      ['Beendet am', c.endedOn ? date(c.endedOn) : null],
      ['Hervorgegangen aus', linked(body.predecessors)],
      ['Nachfolgestruktur', body.successors ? linked(body.successors) : c.successor?.name],
      [PROFILE_LABELS.objective, p.objective],
      [PROFILE_LABELS.goals, numbered(p.goals)],
      [PROFILE_LABELS.fmkRelation, p.fmkRelation],
      [PROFILE_LABELS.reportingPlan, p.reportingPlan],
      [PROFILE_LABELS.resources, p.resources],
      [
        'Beschlüsse',
        (body.decisions ?? [])
          .map((d) => `${d.number} (${d.issuer}) vom ${date(d.date)}: ${d.eventLabel} am ${day(d.occurredAt)}${d.withdrawn ? ` – ${withdrawnDecision(d.withdrawn, d.replacedBy, d.replacedVia)}` : ''}`)
          .join('\n'),
      ],
    ]),
  ];
  if (body.contacts && body.contacts.length > 0) {
    // The id is what `user create … --contact ID` takes for a lead's account.
    parts.push(
      `Ansprechpersonen:\n${table(body.contacts, [
        { header: 'Name', value: (p) => (p.erased ? '(gelöscht)' : (p.name ?? '?')) },
        { header: 'Organisation', value: (p) => p.organization ?? '' },
        { header: 'E-Mail', value: (p) => p.email ?? '' },
        { header: 'Telefon', value: (p) => p.phone ?? '' },
        { header: 'ID (user create --contact)', value: (p) => p.id },
      ])}`,
    );
  }
  if (c.obligations.length > 0) {
    const reportDates = new Map((body.reportDates ?? []).map((r) => [r.obligationId, r]));
    // Late against the Frist's effective date as the body's answer gives it, also once the body has ended and has no Fristen.
    const dueDate = (id: string) => reportDates.get(id)?.effectiveDate ?? reportFristen.get(id)?.effectiveDate ?? null;
    parts.push(
      `Berichtspflichten:\n${table(c.obligations, [
        { header: 'Nr.', value: (o) => o.id },
        { header: 'Bericht', value: (o) => obligationLabel(o, c.obligations) },
        { header: 'an', value: (o) => addresseeName(o.addressee) },
        { header: 'Frist', value: (o) => `${describeDue(o.due)}${o.recurrence ? `, ${describeRecurrence(o.recurrence)}` : ''}` },
        { header: 'fällig am', value: (o) => effectiveDate(reportFristen.get(o.id)) },
        { header: 'Stand', value: (o) => obligationStanding(o, c.endedOn, dueDate(o.id)) },
      ])}`,
    );
  }
  parts.push(`Zulässige Ereignisse: ${eventList(body.allowedEvents)}${yoursLine(body)}${notYetPossibleLines(body)}`);
  return parts.join('\n\n');
}

const eventList = (events: BodyView['allowedEvents']) => (events.length ? events.map((e) => `${e.label} (${e.type})`).join(', ') : 'keine');

/** The events the state takes that the body's facts rule out for now, each with why. */
function notYetPossibleLines({ notYetPossible = [] }: BodyView): string {
  return notYetPossible.map((n) => `\nNoch nicht möglich: ${n.label} (${n.type}) – ${n.reason}`).join('');
}

/** Which of the allowed events the caller's role may send, where that is not all of them. */
function yoursLine({ allowedEvents, yourEvents }: BodyView): string {
  if (!yourEvents || yourEvents.length === allowedEvents.length) return '';
  if (yourEvents.length === 0) return '\nDavon für Sie: keines; Ereignisse trägt die Geschäftsstelle ein.';
  return `\nDavon für Sie: ${eventList(yourEvents)}; die übrigen trägt die Geschäftsstelle ein.`;
}

import { approvedUntilAsWritten, describeTermEnd, describeTermEndWithDay, obligationLabel, obligationStanding, type BodyContext } from '../../../machines';
import type { ApiClient } from '../api';
import type { CliCommand } from '../command';
import { RefusedError } from '../errors';
import { date, day, deadline, fields, list, numbered, table, yesNo } from '../format';
import type { NotYetRecorded } from '../../audit/audit.service';
import type { DeadlineRow } from './deadlines';

export interface BodyView {
  id: string;
  version: number;
  title: string;
  state: { label: string };
  allowedEvents: Array<{ type: string; label: string }>;
  context: BodyContext;
  /** E-mail and phone for the secretariat and the body's leads only; none at all for readers. */
  contacts?: Array<{ id: string; name: string | null; organization: string | null; email?: string | null; phone?: string | null; erased?: boolean }>;
  /** The cited decisions with their own date and the citing event's. */
  decisions?: Array<{ number: string; issuer: string; date: string; event: string; eventLabel: string; occurredAt: string }>;
  registeredAt: string;
  updatedAt: string;
}

export const showCommand: CliCommand = {
  name: 'show',
  args: ['ID'],
  summary: 'Ein Gremium mit allen Angaben, Zustand, Berichtspflichten und zulässigen Ereignissen',
  async run(ctx) {
    const api = await ctx.api();
    const body = await api.get<BodyView>(`/api/bodies/${encodeURIComponent(ctx.args.ID!)}`);
    // The table for people also shows what the body's record alone does not tell (--json: the body as the API gives it).
    const time = ctx.json ? NO_TIME_FACTS : await timeFacts(api, body.id);
    ctx.out.result(body, (b) => renderBody(b, time));
  },
};

/** What the table of a body shows beside its record: the reports' due dates and the due system events not yet in the log. */
export interface TimeFacts {
  /** The Frist of each report obligation, by obligation id: its date after the calendar rules. */
  reportFristen: ReadonlyMap<string, DeadlineRow>;
  /** Without a running scheduler (a local database) the stored state may lag behind the calendar. */
  notYetRecorded: readonly NotYetRecorded[];
}

const NO_TIME_FACTS: TimeFacts = { reportFristen: new Map(), notYetRecorded: [] };

async function timeFacts(api: ApiClient, bodyId: string): Promise<TimeFacts> {
  const [fristen, state] = await Promise.all([
    api.get<DeadlineRow[]>('/api/deadlines', { body: bodyId }),
    // A reader may see the body but not its history, which the answer comes from: then it goes without.
    api.get<{ notYetRecorded: NotYetRecorded[] }>(`/api/bodies/${encodeURIComponent(bodyId)}/state`).catch((error: unknown) => {
      if (error instanceof RefusedError && error.status === 403) return { notYetRecorded: [] };
      throw error;
    }),
  ]);
  return { reportFristen: new Map(fristen.filter((d) => d.kind === 'report').map((d) => [d.ref, d])), notYetRecorded: state.notYetRecorded };
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

export function renderBody(body: BodyView, { reportFristen, notYetRecorded }: TimeFacts = NO_TIME_FACTS): string {
  const c = body.context;
  const p = c.profile;
  const parts = [
    fields([
      ['Titel', p.title],
      ['Kurzbezeichnung', p.shortName],
      ['ID', body.id],
      ['Zustand', `${body.state.label} · Version ${body.version}`],
      ['Noch nicht verbucht', pendingLines(notYetRecorded)],
      ['Art des Formates', p.kind],
      ['dauerhaftes Gremium', yesNo(p.permanent)],
      ['Gremium', p.parent],
      ['Schwerpunktthema', p.focusTopic],
      ['Federführung', list(p.leads)],
      ['Mitwirkung', list(p.participants)],
      ['Beginn der Tätigkeit', date(p.start)],
      ['Voraussichtliches Ende', p.expectedEnd ? describeTermEnd(p.expectedEnd) : null],
      ['Eingerichtet am', c.approvedOn ? date(c.approvedOn) : null],
      ['Befristet bis', c.permanent ? 'dauerhaft (entfristet)' : c.approvedUntil ? describeTermEndWithDay(approvedUntilAsWritten(c)!) : null],
      ['Tätigkeit begonnen', c.startedOn ? date(c.startedOn) : null],
      ['Beendet am', c.endedOn ? date(c.endedOn) : null],
      ['Nachfolge', c.successor?.name],
      ['Zielstellung', p.objective],
      ['Ziele', numbered(p.goals)],
      ['Fachministerkonferenzen', p.fmkRelation],
      ['Planung und Berichte', p.reportingPlan],
      ['Ressourcen', p.resources],
      ['Beschlüsse', (body.decisions ?? []).map((d) => `${d.number} (${d.issuer}) vom ${date(d.date)}: ${d.eventLabel} am ${day(d.occurredAt)}`).join('\n')],
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
    parts.push(
      `Berichtspflichten:\n${table(c.obligations, [
        { header: 'Nr.', value: (o) => o.id },
        { header: 'Bericht', value: (o) => obligationLabel(o) },
        { header: 'an', value: (o) => o.addressee },
        { header: 'Frist', value: (o) => deadline(o.due) },
        { header: 'fällig am', value: (o) => effectiveDate(reportFristen.get(o.id)) },
        { header: 'Stand', value: (o) => obligationStanding(o) },
      ])}`,
    );
  }
  parts.push(
    `Zulässige Ereignisse: ${body.allowedEvents.length ? body.allowedEvents.map((e) => `${e.label} (${e.type})`).join(', ') : 'keine'}`,
  );
  return parts.join('\n\n');
}

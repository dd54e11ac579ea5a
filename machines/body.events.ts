/**
 * The data each event carries, as zod schemas: the one definition that the API validates
 * against, that the stored events hold and that the statechart's types come from.
 */
import { z } from 'zod';
import { BUSINESS_DATES, isCivilDate, type CivilDate, type Instant } from './dates';
import { termEndDate, type TermEnd } from './term-end';
import { BODY_KINDS, DECISION_TYPES, FOCUS_TOPICS, REPORT_KINDS, type BodyEventType, type DecisionType } from './vocabulary';

/** A business date: a real calendar date (`2024-02-30` is none) within BUSINESS_DATES. */
export const civilDate = z
  .string()
  .refine(isCivilDate, { message: 'Erwartet ein existierendes Kalenderdatum im Format JJJJ-MM-TT, z. B. 2025-03-31.', abort: true })
  .refine((value) => value >= BUSINESS_DATES.from && value <= BUSINESS_DATES.to, {
    message: `Das Datum liegt außerhalb des zulässigen Bereichs (${BUSINESS_DATES.from} bis ${BUSINESS_DATES.to}).`,
  });

const FIRST_MONTH = BUSINESS_DATES.from.slice(0, 7);
const LAST_MONTH = BUSINESS_DATES.to.slice(0, 7);
const FIRST_YEAR = BUSINESS_DATES.from.slice(0, 4);
const LAST_YEAR = BUSINESS_DATES.to.slice(0, 4);

/** A month within BUSINESS_DATES: `9999-12` is a typo, and its Fristen and periods would lie beyond every day the register knows. */
const monthSchema = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'Erwartet einen Monat im Format JJJJ-MM, z. B. 2024-11.')
  // Not aborting on the pattern (nor on the range for a value that fails it), so that a term end's union names what is wrong with its month.
  .refine((value) => !/^\d{4}-\d{2}$/.test(value) || (value >= FIRST_MONTH && value <= LAST_MONTH), {
    message: `Der Monat liegt außerhalb des zulässigen Bereichs (${FIRST_MONTH} bis ${LAST_MONTH}).`,
  });

/** A year within BUSINESS_DATES. */
const yearSchema = z
  .string()
  .regex(/^\d{4}$/, 'Bitte das Jahr vierstellig angeben (z. B. 2025).')
  .refine((value) => !/^\d{4}$/.test(value) || (value >= FIRST_YEAR && value <= LAST_YEAR), {
    message: `Das Jahr liegt außerhalb des zulässigen Bereichs (${FIRST_YEAR} bis ${LAST_YEAR}).`,
  });

/**
 * The end of a term: a day `"2025-03-31"`, a month `{"month":"2011-07"}` ("bis Juli 2011") or a
 * year `{"year":"2025"}` ("bis Ende 2025"); see term-end.ts for how it resolves to a day.
 */
const termEndMonth = z.strictObject({ month: monthSchema });
const termEndYear = z.strictObject({ year: yearSchema });
export const termEndSchema = z.union([civilDate, termEndMonth, termEndYear], { error: (issue) => termEndProblem(issue.input) }) as z.ZodType<TermEnd, TermEnd>;

/** What the API says of a term end it cannot take, where no form of it fits. */
export const UNREADABLE_TERM_END = 'Erwartet ein Datum "JJJJ-MM-TT", einen Monat {"month":"JJJJ-MM"} oder ein Jahr {"year":"JJJJ"}.';

/**
 * Why a value the schema refused is no term end: where it is written as one of the three forms
 * (`"2025-02-29"`, `{"month":"9999-12"}`, `{"year":"3025"}`), that form's own reason (a day that
 * does not exist, a month or year out of range); else which forms there are.
 */
export function termEndProblem(input: unknown): string {
  const keys = input !== null && typeof input === 'object' ? Object.keys(input) : [];
  const value = keys.length === 1 ? String((input as Record<string, unknown>)[keys[0]]) : '';
  const form =
    typeof input === 'string'
      ? /^\d{4}-\d{2}-\d{2}$/.test(input) && civilDate
      : keys[0] === 'month'
        ? /^\d{4}-\d{2}$/.test(value) && termEndMonth
        : keys[0] === 'year' && /^\d{4}$/.test(value) && termEndYear;
  const found = form ? form.safeParse(input) : null;
  return found?.error?.issues[0]?.message ?? UNREADABLE_TERM_END;
}

const text = (max = 4000) => z.string().trim().min(1).max(max);
const optionalText = (max = 4000) => z.string().trim().max(max).optional();
const names = z.array(text(200));

/**
 * A Frist: an exact date, a month ("im November 2024"), a session ("zur 45. Sitzung"), the first
 * session of a year ("zur ersten Sitzung 2026") or until further notice.
 */
export const deadlineSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('date'), date: civilDate }),
  z.strictObject({ kind: z.literal('month'), month: monthSchema }),
  z.strictObject({ kind: z.literal('session'), issuer: text(60), session: z.number().int().positive() }),
  /** "zur ersten Sitzung des Jahres 2026": the issuer's first session that year, once the sessions calendar knows it. */
  z.strictObject({ kind: z.literal('firstSession'), issuer: text(60), year: z.number().int().min(Number(FIRST_YEAR)).max(Number(LAST_YEAR)) }),
  z.strictObject({ kind: z.literal('untilFurtherNotice') }),
]);
export type Deadline = z.infer<typeof deadlineSchema>;

/** A recurring report: every so many months (12: yearly); submitting one period opens the next. */
export const recurrenceSchema = z.strictObject({ everyMonths: z.number().int().min(1).max(120) });
export type Recurrence = z.infer<typeof recurrenceSchema>;

export const plannedReportSchema = z
  .strictObject({
    kind: z.enum(REPORT_KINDS),
    addressee: text(200),
    due: deadlineSchema,
    title: optionalText(300),
    recurrence: recurrenceSchema.optional(),
  })
  .refine((r) => !r.recurrence || r.due.kind === 'date' || r.due.kind === 'month' || (r.due.kind === 'firstSession' && r.recurrence.everyMonths % 12 === 0), {
    message: 'Eine wiederkehrende Berichtspflicht braucht als erste Frist ein Datum, einen Monat oder die erste Sitzung eines Jahres (dann jährlich oder alle N Jahre).',
    path: ['recurrence'],
  });
export type PlannedReport = z.infer<typeof plannedReportSchema>;

/**
 * The report obligations a registration or an approval plans at once. Each becomes a Frist with
 * its reminders when the body starts (about 17 timer rows); thousands in one event would hold
 * the one writer for seconds. Real bodies plan a handful; more come one by one (reportRequested).
 */
export const MAX_PLANNED_REPORTS = 1000;
const plannedReports = z.array(plannedReportSchema).max(MAX_PLANNED_REPORTS);

export const successorSchema = z.strictObject({
  name: text(300),
  bodyId: z.uuid().optional(),
});
export type Successor = z.infer<typeof successorSchema>;

/** A body this one replaces or grew out of ("ersetzt Koordinierungsprojekt Registermodernisierung"). */
export const predecessorSchema = successorSchema;
export type Predecessor = Successor;

const profileShape = {
  title: text(300),
  shortName: text(60).nullable().default(null),
  kind: z.enum(BODY_KINDS),
  permanent: z.boolean().default(false),
  parent: text(60),
  focusTopic: z.enum(FOCUS_TOPICS),
  leads: names.min(1),
  contactIds: z.array(z.uuid()).default([]),
  participants: names.default([]),
  start: civilDate,
  expectedEnd: termEndSchema.nullable().default(null),
  objective: z.string().trim().max(20000).default(''),
  goals: z.array(text(4000)).default([]),
  fmkRelation: z.string().trim().max(4000).default(''),
  reportingPlan: z.string().trim().max(4000).default(''),
  reports: plannedReports.default([]),
  resources: z.string().trim().max(4000).default(''),
  /** Absent unless given, so that registrations from before it stay as they were. */
  predecessors: z.array(predecessorSchema).max(20).optional(),
};

/** Whether the expected end lies on or after the start (the registration's rule; since version 3 also a revision's). */
export const endAfterStart = (profile: { start?: CivilDate; expectedEnd?: TermEnd | null }) =>
  !profile.start || !profile.expectedEnd || termEndDate(profile.expectedEnd) >= profile.start;
export const END_BEFORE_START = 'Das voraussichtliche Ende liegt vor dem Beginn der Tätigkeit.';
const endAfterStartIssue = { message: END_BEFORE_START, path: ['expectedEnd'] };

/** The registration form (the data of the `registered` event that opens every stream). */
export const registrationSchema = z.strictObject(profileShape).refine(endAfterStart, endAfterStartIssue);
export type Registration = z.infer<typeof registrationSchema>;
export type BodyProfile = Omit<Registration, 'reports'>;

const note = { note: optionalText() };
const empty = z.strictObject(note);
const obligationRef = z.strictObject({ obligationId: text(20), ...note });

export const eventDataSchemas = {
  revised: z
    .strictObject({
      title: profileShape.title.optional(),
      shortName: text(60).nullable().optional(),
      kind: profileShape.kind.optional(),
      permanent: z.boolean().optional(),
      parent: profileShape.parent.optional(),
      focusTopic: profileShape.focusTopic.optional(),
      leads: names.min(1).optional(),
      contactIds: z.array(z.uuid()).optional(),
      participants: names.optional(),
      start: civilDate.optional(),
      expectedEnd: termEndSchema.nullable().optional(),
      objective: z.string().trim().max(20000).optional(),
      goals: z.array(text(4000)).optional(),
      fmkRelation: z.string().trim().max(4000).optional(),
      reportingPlan: z.string().trim().max(4000).optional(),
      resources: z.string().trim().max(4000).optional(),
      predecessors: z.array(predecessorSchema).max(20).optional(),
      ...note,
    })
    .refine((d) => Object.keys(d).some((k) => k !== 'note'), { message: 'Keine Änderung angegeben.' }),
  submitted: empty,
  returnedForRevision: z.strictObject({ reason: text(), ...note }),
  withdrawn: z.strictObject({ reason: optionalText(), ...note }),
  approved: z
    .strictObject({
      approvedUntil: termEndSchema.optional(),
      permanent: z.literal(true).optional(),
      reports: plannedReports.default([]),
      ...note,
    })
    .refine((d) => (d.approvedUntil === undefined) !== (d.permanent === undefined), {
      message: 'Genau eines angeben: approvedUntil (befristet bis) oder permanent: true (dauerhaft).',
      path: ['approvedUntil'],
    }),
  rejected: z.strictObject({ reason: optionalText(), ...note }),
  started: empty,
  reportRequested: plannedReportSchema.extend(note),
  /**
   * `receivedOn` (since version 6): the day the report came in, where the Geschäftsstelle records it
   * later and events have been recorded since (a report e-mailed on 28.11., recorded on 02.12.
   * after the Frist's overdue event). The event stays where it is recorded; the report counts as
   * handed in on that day.
   */
  reportSubmitted: z.strictObject({ obligationId: text(20), title: optionalText(300), documentRef: optionalText(500), receivedOn: civilDate.optional(), ...note }),
  reportAcknowledged: obligationRef,
  /** Since version 3: a report still owed gets another Frist (and is open again until it). */
  reportRescheduled: z.strictObject({ obligationId: text(20), due: deadlineSchema, reason: optionalText(), ...note }),
  /** Since version 3: a report still owed is no longer owed; why, in `reason`. */
  reportWaived: z.strictObject({ obligationId: text(20), reason: text(), ...note }),
  /**
   * Since version 4, by decision: a recurring report (any period of the series named) is owed no
   * more from `from` on: its open periods whose Frist falls on or after that day are dropped and no
   * later period opens. Periods before it stay owed; what was handed in stays.
   */
  reportSeriesEnded: z.strictObject({ obligationId: text(20), from: civilDate, reason: optionalText(), ...note }),
  /** `receivedOn` (since version 6): the day the request came in, where it is recorded later (as a report's). */
  extensionRequested: z.strictObject({ approvedUntil: termEndSchema, justification: text(), receivedOn: civilDate.optional(), ...note }),
  extended: z.strictObject({ approvedUntil: termEndSchema, ...note }),
  /** Since version 3: the open extension request is answered with no (Verlängerung abgelehnt). */
  extensionDeclined: z.strictObject({ reason: text(), ...note }),
  madePermanent: empty,
  renamed: z.strictObject({ title: profileShape.title, shortName: text(60).nullable().optional(), ...note }),
  /**
   * Either the whole new list (`leads`, `contactIds`; since version 2 a contact it drops must be
   * named in `removedContactIds`) or the change: `added` and `removed` leads, `contactIds` to add
   * (or `contacts` inline), `removedContactIds`. Contacts not named stay.
   */
  leadsChanged: z
    .strictObject({
      leads: names.min(1).optional(),
      added: names.optional(),
      removed: names.optional(),
      contactIds: z.array(z.uuid()).default([]),
      removedContactIds: z.array(z.uuid()).optional(),
      ...note,
    })
    .refine((d) => (d.leads === undefined) !== (d.added === undefined && d.removed === undefined), {
      message: 'Entweder die ganze Federführung (leads) oder die Änderung (added, removed) angeben.',
      path: ['leads'],
    })
    .refine((d) => d.leads !== undefined || (d.added?.length ?? 0) + (d.removed?.length ?? 0) + d.contactIds.length + (d.removedContactIds?.length ?? 0) > 0, {
      message: 'Keine Änderung angegeben.',
      path: ['added'],
    }),
  /** Either the whole new list (`participants`) or the change (`added`, `removed`). */
  participantsChanged: z
    .strictObject({ participants: names.optional(), added: names.optional(), removed: names.optional(), ...note })
    .refine((d) => (d.participants === undefined) !== (d.added === undefined && d.removed === undefined), {
      message: 'Entweder die ganze Mitwirkung (participants) oder die Änderung (added, removed) angeben.',
      path: ['participants'],
    }),
  /** Another kind of format or another parent body (IT-PLR ↔ AL-Runde), by decision. */
  reclassified: z
    .strictObject({ kind: profileShape.kind.optional(), parent: profileShape.parent.optional(), ...note })
    .refine((d) => d.kind !== undefined || d.parent !== undefined, { message: 'Neue Art (kind) oder neues übergeordnetes Gremium (parent) angeben.', path: ['kind'] }),
  closureInitiated: z.strictObject({ finalReportDue: deadlineSchema, reason: optionalText(), ...note }),
  closed: z
    .strictObject({ successor: successorSchema.optional(), noSuccessorReason: optionalText(), ...note })
    .refine((d) => (d.successor === undefined) !== (d.noSuccessorReason === undefined), {
      message: 'Genau eines angeben: successor (Nachfolgestruktur) oder noSuccessorReason (Begründung, warum es keine gibt).',
      path: ['successor'],
    }),
  transferred: z.strictObject({ successor: successorSchema, ...note }),
  dissolved: z.strictObject({ reason: optionalText(), ...note }),
  termExpiring: empty,
  termExpired: empty,
  reportDue: obligationRef,
  reportOverdue: obligationRef,
} satisfies Record<BodyEventType, z.ZodType>;

export type EventData = { [K in BodyEventType]: z.output<(typeof eventDataSchemas)[K]> };

/** The facts of a recorded decision that an event cites, as the statechart sees them. */
export interface DecisionFacts {
  number: string;
  issuer: string;
  date: CivilDate;
  type: DecisionType;
}

export const decisionTypeSchema = z.enum(DECISION_TYPES);

/** An event as the statechart receives it: the data, the business time, and the cited decision. */
export type BodyEvent = {
  [K in BodyEventType]: { type: K; data: EventData[K]; occurredAt: Instant; decision?: DecisionFacts };
}[BodyEventType];

export type BodyEventOf<K extends BodyEventType> = Extract<BodyEvent, { type: K }>;

/** The machine's input: the `registered` event that opens the stream. */
export interface RegisteredEvent {
  occurredAt: Instant;
  data: Registration;
}

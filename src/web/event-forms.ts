/**
 * One form per lifecycle event, asking exactly for what the event's data schema
 * (`machines/body.events.ts`) needs, and the way back from a form post to the command.
 * Every form also offers the event date and a note; events that change the approval status
 * must cite a recorded decision (Beschluss).
 */
import {
  BODY_KINDS,
  DECISION_EVENT_TYPES,
  EVENT_LABELS,
  FOCUS_TOPICS,
  REPORT_KINDS,
  UNREADABLE_TERM_END,
  addresseeName,
  civilDate,
  germanDate,
  describeDeadline,
  describeTermEndWithDay,
  obligationLabel,
  runningSeries,
  PROFILE_LABELS,
  type BodyContext,
  type BodyEventType,
  type Deadline,
  type TermEnd,
} from '../../machines';
import type { BodyCommand } from '../lifecycle/lifecycle.service';
import { ValidationError, type FieldIssue } from '../common/errors';
import { DEADLINE_MISSING, DEADLINE_PARTS } from './effect-fields';
import { all, field, group, lines, optional, text, type FormItem, type FormValues, type Option } from './forms';

/** Events that may cite a decision without having to. */
const MAY_CITE: ReadonlySet<BodyEventType> = new Set([
  'reportRequested',
  'reportAcknowledged',
  'reportRescheduled',
  'reportWaived',
  'extensionDeclined',
  'renamed',
  'leadsChanged',
  'participantsChanged',
  'closureInitiated',
  'started',
]);

/** A report still owed: the ones whose Frist can move or that can be waived. */
const OWED = ['pending', 'due', 'overdue'];

export interface EventFormContext {
  context: BodyContext;
  /** The decisions this form may cite (an open effect of its type for this body), newest first (value: the canonical number). */
  decisions: Option[];
  /** Where to record a new decision with this effect and come back (the secretariat's forms). */
  newDecisionHref?: string;
  /** The other bodies, as successor candidates. */
  bodies: Option[];
  issuers: Option[];
  contacts: Option[];
  today: string;
  /** Whether the form may name the day of the event (the secretariat's); a lead's event is dated when it arrives. */
  dated?: boolean;
  /** Whether a report's or an extension request's form may name the day it came in (the secretariat's, for a body on statechart version 6 or later). */
  received?: boolean;
}

export function needsDecision(type: BodyEventType): boolean {
  return DECISION_EVENT_TYPES.includes(type);
}

export function mayCiteDecision(type: BodyEventType): boolean {
  return needsDecision(type) || MAY_CITE.has(type);
}

/** The fields of a Frist: an exact date, a month, a session or "bis auf Weiteres". */
export function deadlineGroup(name: string, legend: string, issuers: Option[], required = true): FormItem {
  return group(
    name,
    legend,
    [
      field(`${name}.kind`, 'Art der Frist', 'radio', {
        required,
        options: [
          { value: 'date', label: 'an einem Datum' },
          { value: 'month', label: 'in einem Monat' },
          { value: 'session', label: 'zu einer Sitzung' },
          { value: 'firstSession', label: 'zur ersten Sitzung eines Jahres' },
          { value: 'untilFurtherNotice', label: 'bis auf Weiteres' },
        ],
      }),
      field(`${name}.date`, 'Datum', 'date', { hint: 'Bei „an einem Datum“.' }),
      field(`${name}.month`, 'Monat', 'month', { hint: 'Bei „in einem Monat“, Format JJJJ-MM, z. B. 2024-11.' }),
      field(`${name}.issuer`, 'Gremium der Sitzung', 'select', { options: issuers, hint: 'Bei „zu einer Sitzung“ und „zur ersten Sitzung eines Jahres“.' }),
      field(`${name}.session`, 'Nummer der Sitzung', 'number', { min: '1', hint: 'Bei „zu einer Sitzung“, z. B. 45.' }),
      field(`${name}.year`, 'Jahr', 'number', { min: '1900', hint: 'Bei „zur ersten Sitzung eines Jahres“, z. B. 2026.' }),
    ],
    { hint: 'Wählen Sie die Art der Frist und füllen Sie das passende Feld aus.' },
  );
}

/** A Frist from its fieldset; partial input goes on to the schema, which names what is missing. */
export function deadlineFrom(values: FormValues, name: string): Deadline | Record<string, unknown> | undefined {
  const kind = text(values, `${name}.kind`);
  if (!kind) return undefined;
  if (kind === 'date') return { kind, date: text(values, `${name}.date`) };
  if (kind === 'month') return { kind, month: text(values, `${name}.month`) };
  if (kind === 'session') {
    const session = text(values, `${name}.session`);
    return { kind, issuer: text(values, `${name}.issuer`), session: session ? Number(session) : undefined };
  }
  if (kind === 'firstSession') {
    const year = text(values, `${name}.year`);
    return { kind, issuer: text(values, `${name}.issuer`), year: year ? Number(year) : undefined };
  }
  return { kind };
}

/** The Frist groups of each event form, by their field names. */
const DEADLINE_GROUPS: Partial<Record<BodyEventType, readonly string[]>> = {
  approved: ['reports[0].due'],
  reportRequested: ['due'],
  reportRescheduled: ['due'],
  closureInitiated: ['finalReportDue'],
};

/**
 * The issues of a refused event form, with a Frist whose kind is chosen but whose field it needs
 * is left empty asked for at that field, as the decision form asks („Bitte das Datum angeben.“),
 * instead of the schema's words about the API's parameter; the form's other issues stay.
 */
export function withDeadlineIssues(type: string, values: FormValues, issues: FieldIssue[]): FieldIssue[] {
  const asked: FieldIssue[] = [];
  const groups = DEADLINE_GROUPS[type as BodyEventType] ?? [];
  for (const name of groups) {
    const kind = optional(values, `${name}.kind`);
    // An optional group left wholly empty (the approval's planned report) is no Frist at all.
    if (!kind || !Object.hasOwn(DEADLINE_PARTS, kind)) continue;
    const empty = DEADLINE_PARTS[kind].find((part) => optional(values, `${name}.${part}`) === undefined);
    if (empty) asked.push({ path: `data.${name}.${empty}`, message: DEADLINE_MISSING[empty] });
  }
  if (asked.length === 0) return issues;
  const groupOf = (issue: FieldIssue) => issue.path.slice(0, issue.path.lastIndexOf('.'));
  const inAskedGroup = (path: string) => asked.some((a) => path === groupOf(a) || path.startsWith(`${groupOf(a)}.`));
  return [...issues.filter((issue) => !inAskedGroup(issue.path)), ...asked];
}

/** The end of a term: a day, a month ("bis Juli 2011") or a year ("bis Ende 2025"). */
export function termEndGroup(name: string, legend: string, required: boolean, hint?: string): FormItem {
  return group(
    name,
    legend,
    [
      field(`${name}.precision`, 'Angabe', 'radio', {
        required,
        options: [
          { value: 'day', label: 'bis zu einem Tag' },
          { value: 'month', label: 'bis Ende eines Monats' },
          { value: 'year', label: 'bis Ende eines Jahres' },
        ],
      }),
      field(`${name}.date`, 'Tag', 'date', { hint: 'Bei „bis zu einem Tag“.' }),
      field(`${name}.month`, 'Monat', 'month', { hint: 'Bei „bis Ende eines Monats“, Format JJJJ-MM, z. B. 2027-07 für „bis Juli 2027“.' }),
      field(`${name}.year`, 'Jahr', 'number', { min: '1900', hint: 'Bei „bis Ende eines Jahres“, z. B. 2025.' }),
    ],
    { hint: hint ?? 'Ein Monat gilt bis zu seinem letzten Tag, ein Jahr bis zum 31.12.' },
  );
}

/** A term end from its fieldset; partial input goes on to the schema, which names what is wrong. */
export function termEndFrom(values: FormValues, name: string): TermEnd | Record<string, string> | undefined {
  const precision = text(values, `${name}.precision`);
  // A plain day posted under the group's own name (`approvedUntil=2025-03-31`) is a day.
  if (!precision && optional(values, name)) return optional(values, name);
  if (precision === 'month') return { month: text(values, `${name}.month`) };
  if (precision === 'year') return { year: text(values, `${name}.year`) };
  if (precision === 'day' || optional(values, `${name}.date`)) return optional(values, `${name}.date`) ?? '';
  return undefined;
}

/** The schema's words on a day that does not exist or is not written as one (`2027-02-30`, `gestern`). */
const UNREADABLE_DAY = /^Erwartet ein existierendes Kalenderdatum/;

const TERM_END_MISSING = { date: 'Bitte den Tag angeben.', month: 'Bitte den Monat angeben.', year: 'Bitte das Jahr angeben.' } as const;

/**
 * The issues of a refused form with a term end (`approvedUntil`, `expectedEnd`) the schema cannot
 * read, said in the form's terms instead of the API's JSON shapes: none chosen is asked for at the
 * fieldset; a day, month or year left empty or unreadable at its own field. `prefix` is the path's
 * before the field's name (`data.` for event forms); the form's other issues stay.
 */
export function withTermEndIssues(values: FormValues, issues: FieldIssue[], prefix = ''): FieldIssue[] {
  return issues.map((issue) => {
    // The schema's words on a term end it cannot read are written for API clients: in JSON shapes, or of a day the form asks for at its own field.
    const unreadable = issue.message === UNREADABLE_TERM_END || UNREADABLE_DAY.test(issue.message);
    if (!unreadable || !issue.path.startsWith(prefix)) return issue;
    const name = issue.path.slice(prefix.length);
    const asked = termEndIssue(values, name);
    return { path: `${prefix}${asked.path}`, message: asked.message };
  });
}

function termEndIssue(values: FormValues, name: string): FieldIssue {
  const precision = text(values, `${name}.precision`) || (optional(values, `${name}.date`) ? 'day' : '');
  const part = precision === 'day' ? 'date' : precision === 'month' || precision === 'year' ? precision : null;
  if (part === null) {
    return { path: name, message: 'Pflichtangabe fehlt: bitte „bis zu einem Tag“, „bis Ende eines Monats“ oder „bis Ende eines Jahres“ wählen und das Feld dazu ausfüllen.' };
  }
  const path = `${name}.${part}`;
  const value = text(values, path);
  if (!value) return { path, message: TERM_END_MISSING[part] };
  if (part === 'month') return { path, message: `Bitte den Monat als JJJJ-MM angeben, z. B. 2027-07 für „bis Juli 2027“; „${value}“ ist kein Monat.` };
  if (part === 'year') return { path, message: `Bitte das Jahr vierstellig angeben, z. B. 2027; „${value}“ ist kein Jahr.` };
  // The day's own message (unreadable, not existing, out of range); the date field says it in its terms.
  const day = civilDate.safeParse(value);
  return { path, message: day.success ? 'Bitte den Tag als TT.MM.JJJJ angeben, z. B. 31.12.2027.' : (day.error.issues[0]?.message ?? 'Bitte den Tag als TT.MM.JJJJ angeben, z. B. 31.12.2027.') };
}

/** The fieldset's values for a term end (empty for none). */
export function termEndValues(name: string, end: TermEnd | null | undefined): FormValues {
  if (!end) return {};
  if (typeof end === 'string') return { [`${name}.precision`]: 'day', [`${name}.date`]: end };
  if ('month' in end) return { [`${name}.precision`]: 'month', [`${name}.month`]: end.month };
  return { [`${name}.precision`]: 'year', [`${name}.year`]: end.year };
}

const RECURRENCE_OPTIONS: Option[] = [
  { value: '', label: 'einmalig' },
  { value: '12', label: 'jährlich' },
  { value: '6', label: 'halbjährlich' },
  { value: '3', label: 'vierteljährlich' },
  { value: '24', label: 'alle zwei Jahre' },
];

function reportFields(prefix: string, issuers: Option[], required: boolean): FormItem[] {
  return [
    field(`${prefix}kind`, 'Art des Berichts', 'select', {
      required,
      options: [...(required ? [] : [{ value: '', label: '– keine –' }]), ...REPORT_KINDS.map((k) => ({ value: k, label: k }))],
    }),
    field(`${prefix}addressee`, 'Adressat', 'select', { required, options: addresseeOptions(issuers) }),
    field(`${prefix}title`, 'Titel des Berichts', 'text', { hint: 'Optional, z. B. „Erster Zwischenbericht“.' }),
    deadlineGroup(`${prefix}due`, 'Fälligkeit', issuers, required),
    field(`${prefix}recurrence`, 'Wiederkehr', 'select', {
      options: RECURRENCE_OPTIONS,
      hint: 'Bei einer wiederkehrenden Berichtspflicht öffnet das Einreichen eines Berichts die nächste Frist.',
    }),
  ];
}

/** Reports go to an issuer under the name the registration forms use (`IT-Planungsrat`). */
function addresseeOptions(issuers: Option[]): Option[] {
  return issuers.map((issuer) => ({ value: addresseeName(issuer.value), label: addresseeName(issuer.value) }));
}

export function reportFrom(values: FormValues, prefix: string) {
  const every = optional(values, `${prefix}recurrence`);
  return {
    kind: text(values, `${prefix}kind`),
    addressee: text(values, `${prefix}addressee`),
    due: deadlineFrom(values, `${prefix}due`),
    ...(optional(values, `${prefix}title`) ? { title: optional(values, `${prefix}title`) } : {}),
    ...(every ? { recurrence: { everyMonths: Number(every) } } : {}),
  };
}

function obligationOptions(context: BodyContext, states: string[], withDue = false): Option[] {
  return context.obligations
    .filter((o) => states.includes(o.state))
    .map((o) => ({ value: o.id, label: `${obligationLabel(o, context.obligations)} an ${addresseeName(o.addressee)}${withDue ? `, Frist ${describeDeadline(o.due)}` : ''}` }));
}

/** The recurring reports whose series still runs, each by its latest period. */
function seriesOptions(context: BodyContext): Option[] {
  return runningSeries(context).map((o) => ({ value: o.id, label: `${obligationLabel(o, context.obligations)} an ${addresseeName(o.addressee)}, zuletzt Frist ${describeDeadline(o.due)}` }));
}

/** The extension request the answer refers to: the latest one (the rules refuse the answer unless it is open). */
function requestHint(context: BodyContext): string | undefined {
  const request = context.extensionRequests?.at(-1);
  return request && !request.declined
    ? `Beantragt am ${germanDate(request.on)}: Verlängerung bis ${describeTermEndWithDay(request.asWritten ?? request.approvedUntil)}, ${request.justification}`
    : undefined;
}

/**
 * The successor structure: its name, and the body when it is registered here (event forms and the
 * decision form). A registered successor's title is its name, so the name is asked for only
 * without one (`required`: a successor must be named).
 */
export function successorFields(bodies: Option[], required: boolean): FormItem[] {
  const hint = required
    ? 'Pflicht, wenn kein registriertes Nachfolgegremium gewählt ist; sonst leer lassen, dann gilt dessen Titel.'
    : 'Bei einem registrierten Nachfolgegremium leer lassen, dann gilt dessen Titel.';
  return [
    field('successor.name', 'Name der Nachfolgestruktur', 'text', { autocomplete: 'off', hint }),
    field('successor.bodyId', 'Registriertes Nachfolgegremium', 'select', {
      options: [{ value: '', label: '– nicht registriert –' }, ...bodies],
      hint: 'Optional: wenn die Nachfolgestruktur hier registriert ist.',
    }),
  ];
}

function successorFrom(values: FormValues) {
  const name = text(values, 'successor.name');
  const bodyId = optional(values, 'successor.bodyId');
  if (!name && !bodyId) return undefined;
  return { ...(name ? { name } : {}), ...(bodyId ? { bodyId } : {}) };
}

const linesHint = 'Eine Angabe je Zeile.';

const names = (list: string[]): Option[] => list.map((name) => ({ value: name, label: name }));

/** Name, organisation, e-mail and phone of a contact person. */
export function contactFields(prefix: string): FormItem[] {
  return [
    field(`${prefix}name`, 'Name', 'text', { autocomplete: 'off' }),
    field(`${prefix}organization`, 'Organisation', 'text', { autocomplete: 'off' }),
    field(`${prefix}email`, 'E-Mail', 'email', { autocomplete: 'off' }),
    field(`${prefix}phone`, 'Telefon', 'tel', { autocomplete: 'off' }),
  ];
}

/** A contact person from its fields, or undefined when all are empty. */
export function contactFrom(values: FormValues, prefix: string): Record<string, string> | undefined {
  const contact = Object.fromEntries(
    (['name', 'organization', 'email', 'phone'] as const).flatMap((key) => {
      const value = optional(values, `${prefix}${key}`);
      return value === undefined ? [] : [[key, value]];
    }),
  );
  return Object.keys(contact).length > 0 ? { name: '', ...contact } : undefined;
}

/** The registration fields that a revision may change (the registration form without contacts and reports). */
export function profileFields(issuers: Option[]): FormItem[] {
  return [
    field('title', PROFILE_LABELS.title, 'text', { required: true }),
    field('shortName', PROFILE_LABELS.shortName, 'text'),
    field('kind', PROFILE_LABELS.kind, 'select', { required: true, options: BODY_KINDS.map((k) => ({ value: k, label: k })) }),
    field('permanent', PROFILE_LABELS.permanent, 'checkbox'),
    field('parent', PROFILE_LABELS.parent, 'select', { required: true, options: issuers }),
    field('focusTopic', PROFILE_LABELS.focusTopic, 'select', { required: true, options: FOCUS_TOPICS.map((k) => ({ value: k, label: k })) }),
    field('leads', PROFILE_LABELS.leads, 'textarea', { required: true, hint: linesHint, rows: 3 }),
    field('participants', PROFILE_LABELS.participants, 'textarea', { hint: linesHint, rows: 4 }),
    field('start', PROFILE_LABELS.start, 'date', { required: true }),
    termEndGroup('expectedEnd', PROFILE_LABELS.expectedEnd, false, 'Optional. Ein Monat gilt bis zu seinem letzten Tag, ein Jahr bis zum 31.12.'),
    field('objective', PROFILE_LABELS.objective, 'textarea', { rows: 4 }),
    field('goals', PROFILE_LABELS.goals, 'textarea', { hint: 'Ein Ziel je Zeile; sie werden nummeriert.', rows: 4 }),
    field('fmkRelation', PROFILE_LABELS.fmkRelation, 'textarea', { rows: 3 }),
    field('reportingPlan', PROFILE_LABELS.reportingPlan, 'textarea', { rows: 3 }),
    field('resources', PROFILE_LABELS.resources, 'textarea', { rows: 3 }),
  ];
}

/** The profile as the form shows it. */
export function profileValues(profile: BodyContext['profile']): FormValues {
  return {
    title: profile.title,
    shortName: profile.shortName ?? '',
    kind: profile.kind,
    permanent: profile.permanent ? 'on' : '',
    parent: profile.parent,
    focusTopic: profile.focusTopic,
    leads: profile.leads.join('\n'),
    participants: profile.participants.join('\n'),
    start: profile.start,
    ...termEndValues('expectedEnd', profile.expectedEnd),
    objective: profile.objective,
    goals: profile.goals.join('\n'),
    fmkRelation: profile.fmkRelation,
    reportingPlan: profile.reportingPlan,
    resources: profile.resources,
  };
}

/** The profile from a form post, as the registration schema reads it. */
export function profileFrom(values: FormValues) {
  return {
    title: text(values, 'title'),
    shortName: optional(values, 'shortName') ?? null,
    kind: text(values, 'kind'),
    permanent: text(values, 'permanent') === 'on',
    parent: text(values, 'parent'),
    focusTopic: text(values, 'focusTopic'),
    leads: lines(values, 'leads'),
    participants: lines(values, 'participants'),
    start: text(values, 'start'),
    expectedEnd: termEndFrom(values, 'expectedEnd') ?? null,
    objective: text(values, 'objective'),
    goals: lines(values, 'goals'),
    fmkRelation: text(values, 'fmkRelation'),
    reportingPlan: text(values, 'reportingPlan'),
    resources: text(values, 'resources'),
  };
}

/** The fields of the event's own data (without date, note and decision). */
function dataFields(type: BodyEventType, f: EventFormContext): FormItem[] {
  const { context } = f;
  switch (type) {
    case 'revised':
      return profileFields(f.issuers);
    case 'returnedForRevision':
      return [field('reason', 'Begründung', 'textarea', { required: true, rows: 3 })];
    case 'withdrawn':
    case 'rejected':
    case 'dissolved':
      return [field('reason', 'Begründung', 'textarea', { rows: 3 })];
    case 'approved':
      return [
        field('term', 'Laufzeit', 'radio', {
          required: true,
          options: [
            { value: 'until', label: 'befristet bis zum unten genannten Datum' },
            { value: 'permanent', label: 'dauerhaft (bis auf Weiteres)' },
          ],
        }),
        termEndGroup('approvedUntil', 'Befristet bis', false, 'Bei befristeter Einrichtung: wie der Beschluss es sagt, z. B. „bis Juli 2027“ als Monat.'),
        group('reports[0]', 'Zusätzliche Berichtspflicht (optional)', reportFields('reports[0].', f.issuers, false), {
          hint: 'Nur ausfüllen, wenn der Beschluss einen weiteren Bericht verlangt.',
        }),
      ];
    case 'reportRequested':
      return reportFields('', f.issuers, true);
    case 'reportSubmitted':
      return [
        field('obligationId', 'Berichtspflicht', 'select', { required: true, options: obligationOptions(context, OWED) }),
        field('title', 'Titel des Berichts', 'text', { hint: 'Optional: der Titel dieses Berichts, z. B. „Sachstandsbericht 2025“; die folgenden Berichte einer wiederkehrenden Pflicht behalten den ihren.' }),
        field('documentRef', 'Fundstelle des Dokuments', 'text', { hint: 'Optional: Aktenzeichen oder Adresse des Dokuments.' }),
        ...receivedField(
          f,
          'Optional: der Tag, an dem der Bericht einging, wenn er erst später erfasst wird (etwa nach dem Vermerk „überfällig“). Der Bericht gilt als an diesem Tag eingereicht.',
        ),
      ];
    case 'reportAcknowledged':
      return [field('obligationId', 'Berichtspflicht', 'select', { required: true, options: obligationOptions(context, ['submitted']) })];
    case 'reportRescheduled':
      return [
        field('obligationId', 'Berichtspflicht', 'select', { required: true, options: obligationOptions(context, OWED, true) }),
        deadlineGroup('due', 'Neue Frist', f.issuers),
        field('reason', 'Begründung', 'textarea', { rows: 3, hint: 'Optional, z. B. „Laufzeit verlängert bis 30.09.2025“.' }),
      ];
    case 'reportWaived':
      return [
        field('obligationId', 'Berichtspflicht', 'select', { required: true, options: obligationOptions(context, OWED, true) }),
        field('reason', 'Begründung', 'textarea', { required: true, rows: 3, hint: 'Warum der Bericht nicht mehr geschuldet ist; danach gibt es für ihn keine Frist und keine Erinnerungen mehr.' }),
      ];
    case 'reportSeriesEnded':
      return [
        field('obligationId', 'Wiederkehrende Berichtspflicht', 'select', { required: true, options: seriesOptions(context) }),
        field('from', 'Nicht mehr geschuldet ab', 'date', { required: true, hint: 'Berichte mit einer Frist an oder nach diesem Tag entfallen; frühere bleiben geschuldet.' }),
        field('reason', 'Begründung', 'textarea', { rows: 3 }),
      ];
    case 'extensionDeclined':
      return [field('reason', 'Begründung', 'textarea', { required: true, rows: 3, hint: requestHint(context) })];
    case 'extended':
      return [termEndGroup('approvedUntil', 'Neues Ende (befristet bis)', true, untilHint(context))];
    case 'extensionRequested':
      return [
        termEndGroup('approvedUntil', 'Beantragtes neues Ende', true, untilHint(context)),
        field('justification', 'Begründung', 'textarea', { required: true, rows: 3 }),
        ...receivedField(f, 'Optional: der Tag, an dem der Antrag einging, wenn er erst später erfasst wird (etwa nach Ablauf der Laufzeit). Der Antrag gilt als an diesem Tag gestellt.'),
      ];
    case 'renamed':
      return [field('title', 'Neuer Titel', 'text', { required: true }), field('shortName', 'Neue Kurzbezeichnung', 'text')];
    case 'leadsChanged':
      return [
        field('added', 'Neu in der Federführung', 'textarea', { hint: `${linesHint} Die bisherige Federführung bleibt.`, rows: 2 }),
        field('removed', 'Aus der Federführung entfernen', 'checkboxes', { options: names(context.profile.leads) }),
        group('contacts[0]', 'Neue Ansprechperson (optional)', contactFields('contacts[0].')),
        field('removedContactIds', 'Ansprechpersonen entfernen', 'checkboxes', {
          options: f.contacts,
          hint: 'Nur die angekreuzten entfallen; alle anderen bleiben, mit ihrem Zugang als Federführung.',
        }),
      ];
    case 'participantsChanged':
      return [
        field('added', 'Neu in der Mitwirkung', 'textarea', { hint: `${linesHint} Die bisherige Mitwirkung bleibt.`, rows: 3 }),
        field('removed', 'Aus der Mitwirkung entfernen', 'checkboxes', { options: names(context.profile.participants) }),
      ];
    case 'reclassified':
      return [
        field('kind', `Neue ${PROFILE_LABELS.kind}`, 'select', {
          options: [{ value: '', label: `– bleibt ${context.profile.kind} –` }, ...BODY_KINDS.map((k) => ({ value: k, label: k }))],
        }),
        field('parent', 'Neues übergeordnetes Gremium', 'select', {
          options: [{ value: '', label: `– bleibt ${context.profile.parent} –` }, ...f.issuers],
          hint: 'Mindestens eines von beiden ändern; der Beschluss ist anzugeben.',
        }),
      ];
    case 'closureInitiated':
      return [deadlineGroup('finalReportDue', 'Frist für den Abschlussbericht', f.issuers), field('reason', 'Begründung', 'textarea', { rows: 3 })];
    case 'closed':
      return [
        group('successor', 'Überführung in eine Nachfolgestruktur', successorFields(f.bodies, false), {
          hint: 'Entweder die Nachfolgestruktur nennen oder begründen, warum es keine gibt.',
        }),
        field('noSuccessorReason', 'Begründung, warum es keine Nachfolgestruktur gibt', 'textarea', { rows: 3 }),
      ];
    case 'transferred':
      return [group('successor', 'Nachfolgestruktur', successorFields(f.bodies, true))];
    default:
      return [];
  }
}

function untilHint(context: BodyContext): string | undefined {
  return context.approvedUntil ? `Bisher befristet bis ${germanDate(context.approvedUntil)}; das neue Ende muss danach liegen.` : undefined;
}

/** The values a form starts with (before the user typed anything). */
export function initialValues(type: BodyEventType, f: EventFormContext): FormValues {
  const { context } = f;
  switch (type) {
    case 'revised':
      return profileValues(context.profile);
    case 'approved':
      return { term: 'until', ...termEndValues('approvedUntil', context.profile.expectedEnd), 'reports[0].addressee': addresseeName(context.profile.parent) };
    case 'reportRequested':
      return { addressee: addresseeName(context.profile.parent), 'due.kind': 'date' };
    case 'renamed':
      return { title: context.profile.title, shortName: context.profile.shortName ?? '' };
    case 'closureInitiated':
      return { 'finalReportDue.kind': 'date' };
    case 'reportRescheduled':
      return { 'due.kind': 'date' };
    default:
      return {};
  }
}

/** „Eingegangen am“: the day a report or a request came in, where the form may name it (`EventFormContext.received`). */
function receivedField(f: EventFormContext, hint: string): FormItem[] {
  return f.received ? [field('receivedOn', 'Eingegangen am', 'date', { max: f.today, hint })] : [];
}

/** The whole form of an event: its data, then the decision, the date and a note. */
export function eventFormItems(type: BodyEventType, f: EventFormContext): FormItem[] {
  const items = dataFields(type, f);
  if (mayCiteDecision(type)) {
    const required = needsDecision(type);
    items.push(
      field('decision', 'Beschluss', 'select', {
        required,
        options: [{ value: '', label: required ? '– bitte wählen –' : '– ohne Beschluss –' }, ...f.decisions],
        hint:
          f.decisions.length === 0
            ? 'Kein erfasster Beschluss sieht diesen Schritt für dieses Gremium vor.'
            : 'Angeboten werden die Beschlüsse, die diesen Schritt für dieses Gremium vorsehen und noch nicht umgesetzt sind.',
        ...(f.newDecisionHref ? { link: { value: f.newDecisionHref, label: 'Neuen Beschluss mit dieser Wirkung erfassen' } } : {}),
      }),
    );
  }
  if (f.dated !== false) {
    items.push(
      field('occurredAt', 'Datum des Ereignisses', 'date', {
        max: f.today,
        hint: needsDecision(type) ? DATED_BY_REQUIRED_DECISION : mayCiteDecision(type) ? DATED_BY_DECISION : 'Leer lassen: heute.',
      }),
    );
  }
  items.push(field('note', 'Vermerk', 'textarea', { rows: 2 }));
  return items;
}

/**
 * How an event citing a decision is dated when the date is left empty (`defaultOccurredAt` of the
 * write path): on the decision's day, unless the body has an event after that day (the history
 * is only carried forward), then today; without a decision, today.
 */
export const DATED_BY_DECISION = 'Leer lassen: Tag des Beschlusses – oder heute, ohne Beschluss oder wenn nach ihm schon ein Ereignis verbucht ist (etwa ein Antrag der Federführung).';

/** The same for an event that cannot go without a decision: no „ohne Beschluss“ beside a field that asks for one. */
export const DATED_BY_REQUIRED_DECISION = 'Leer lassen: Tag des Beschlusses – oder heute, wenn nach ihm schon ein Ereignis verbucht ist (etwa ein Antrag der Federführung).';

/** The command a form post stands for. The data goes on unchecked: the write path validates it. */
export function eventCommand(bodyId: string, type: BodyEventType, values: FormValues, context: BodyContext): BodyCommand {
  // The version the form was drawn at: refused when it is no number, never dropped (which would skip the check).
  const version = optional(values, 'expectedVersion');
  if (version !== undefined && !/^[1-9]\d{0,9}$/.test(version)) throw ValidationError.at('expectedVersion', 'Erwartet wird die Version, bei der das Formular angezeigt wurde (eine ganze Zahl ab 1).');
  return {
    bodyId,
    type,
    data: eventData(type, values, context),
    ...(optional(values, 'decision') && mayCiteDecision(type) ? { decision: optional(values, 'decision') } : {}),
    ...(optional(values, 'occurredAt') ? { occurredAt: optional(values, 'occurredAt') } : {}),
    ...(version !== undefined ? { expectedVersion: Number(version) } : {}),
  };
}

export function eventData(type: BodyEventType, values: FormValues, context: BodyContext): Record<string, unknown> {
  const note = optional(values, 'note');
  const data: Record<string, unknown> = note ? { note } : {};
  const put = (key: string, value: unknown) => {
    if (value !== undefined) data[key] = value;
  };
  switch (type) {
    case 'revised': {
      // Only what changed: a revision without changes is refused by the schema.
      const before = profileFrom(profileValues(context.profile));
      const after = profileFrom(values);
      for (const [key, value] of Object.entries(after)) {
        if (JSON.stringify(value) !== JSON.stringify(before[key as keyof typeof before])) put(key, value);
      }
      break;
    }
    case 'returnedForRevision':
      put('reason', text(values, 'reason'));
      break;
    case 'withdrawn':
    case 'rejected':
    case 'dissolved':
      put('reason', optional(values, 'reason'));
      break;
    case 'approved': {
      const term = text(values, 'term');
      if (term === 'permanent') put('permanent', true);
      else put('approvedUntil', termEndFrom(values, 'approvedUntil') ?? '');
      if (optional(values, 'reports[0].kind')) put('reports', [reportFrom(values, 'reports[0].')]);
      break;
    }
    case 'reportRequested':
      Object.assign(data, reportFrom(values, ''));
      break;
    case 'reportSubmitted':
      put('obligationId', text(values, 'obligationId'));
      put('title', optional(values, 'title'));
      put('documentRef', optional(values, 'documentRef'));
      put('receivedOn', optional(values, 'receivedOn'));
      break;
    case 'reportAcknowledged':
      put('obligationId', text(values, 'obligationId'));
      break;
    case 'reportRescheduled':
      put('obligationId', text(values, 'obligationId'));
      put('due', deadlineFrom(values, 'due') ?? { kind: '' });
      put('reason', optional(values, 'reason'));
      break;
    case 'reportWaived':
      put('obligationId', text(values, 'obligationId'));
      put('reason', text(values, 'reason'));
      break;
    case 'reportSeriesEnded':
      put('obligationId', text(values, 'obligationId'));
      put('from', text(values, 'from'));
      put('reason', optional(values, 'reason'));
      break;
    case 'extensionDeclined':
      put('reason', text(values, 'reason'));
      break;
    case 'extended':
      put('approvedUntil', termEndFrom(values, 'approvedUntil') ?? '');
      break;
    case 'extensionRequested':
      put('approvedUntil', termEndFrom(values, 'approvedUntil') ?? '');
      put('justification', text(values, 'justification'));
      put('receivedOn', optional(values, 'receivedOn'));
      break;
    case 'renamed':
      put('title', text(values, 'title'));
      put('shortName', optional(values, 'shortName') ?? null);
      break;
    case 'leadsChanged': {
      put('added', lines(values, 'added'));
      put('removed', all(values, 'removed'));
      put('removedContactIds', all(values, 'removedContactIds'));
      const contact = contactFrom(values, 'contacts[0].');
      if (contact) put('contacts', [contact]);
      break;
    }
    case 'participantsChanged':
      put('added', lines(values, 'added'));
      put('removed', all(values, 'removed'));
      break;
    case 'reclassified':
      put('kind', optional(values, 'kind'));
      put('parent', optional(values, 'parent'));
      break;
    case 'closureInitiated':
      put('finalReportDue', deadlineFrom(values, 'finalReportDue') ?? { kind: '' });
      put('reason', optional(values, 'reason'));
      break;
    case 'closed':
      put('successor', successorFrom(values));
      put('noSuccessorReason', optional(values, 'noSuccessorReason'));
      break;
    case 'transferred':
      put('successor', successorFrom(values) ?? { name: '' });
      break;
  }
  return data;
}

/** What the user does, as the action's heading and button say it (the history keeps the event's name). */
export const ACTION_LABELS: Partial<Record<BodyEventType, string>> = {
  revised: 'Registrierung überarbeiten',
  submitted: 'Zur Beschlussfassung einreichen',
  returnedForRevision: 'Zur Überarbeitung zurückgeben',
  withdrawn: 'Zurückziehen',
  approved: 'Einrichten (Beschluss)',
  rejected: 'Ablehnen (Beschluss)',
  started: 'Beginn der Tätigkeit erfassen',
  reportRequested: 'Berichtspflicht festlegen',
  reportSubmitted: 'Bericht einreichen',
  reportAcknowledged: 'Bericht zur Kenntnis nehmen',
  reportRescheduled: 'Berichtsfrist ändern',
  reportWaived: 'Berichtspflicht aufheben',
  reportSeriesEnded: 'Wiederkehrende Berichtspflicht beenden (Beschluss)',
  extensionRequested: 'Verlängerung beantragen',
  extended: 'Verlängern (Beschluss)',
  extensionDeclined: 'Verlängerung ablehnen',
  madePermanent: 'Entfristen (Beschluss)',
  renamed: 'Umbenennen',
  leadsChanged: 'Federführung ändern',
  participantsChanged: 'Mitwirkung ändern',
  reclassified: 'Art oder Zuordnung ändern (Beschluss)',
  closureInitiated: 'Geordneten Abschluss einleiten',
  closed: 'Abschließen (Beschluss)',
  transferred: 'In Nachfolgestruktur überführen (Beschluss)',
  dissolved: 'Auflösen (Beschluss)',
};

export function actionLabel(type: BodyEventType): string {
  return ACTION_LABELS[type] ?? `${EVENT_LABELS[type] ?? type} erfassen`;
}

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
  germanDate,
  type BodyContext,
  type BodyEventType,
  type Deadline,
} from '../../machines';
import type { BodyCommand } from '../lifecycle/lifecycle.service';
import { all, field, group, lines, optional, text, type FormItem, type FormValues, type Option } from './forms';

/** Events that may cite a decision without having to. */
const MAY_CITE: ReadonlySet<BodyEventType> = new Set(['reportAcknowledged', 'renamed', 'leadsChanged', 'participantsChanged', 'closureInitiated', 'started']);

export interface EventFormContext {
  context: BodyContext;
  /** Recorded decisions, newest first, as options (value: the canonical number). */
  decisions: Option[];
  /** The other bodies, as successor candidates. */
  bodies: Option[];
  issuers: Option[];
  contacts: Option[];
  today: string;
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
          { value: 'untilFurtherNotice', label: 'bis auf Weiteres' },
        ],
      }),
      field(`${name}.date`, 'Datum', 'date', { hint: 'Bei „an einem Datum“.' }),
      field(`${name}.month`, 'Monat', 'month', { hint: 'Bei „in einem Monat“, Format JJJJ-MM, z. B. 2024-11.' }),
      field(`${name}.issuer`, 'Gremium der Sitzung', 'select', { options: issuers, hint: 'Bei „zu einer Sitzung“.' }),
      field(`${name}.session`, 'Nummer der Sitzung', 'number', { min: '1', hint: 'Bei „zu einer Sitzung“, z. B. 45.' }),
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
  return { kind };
}

function reportFields(prefix: string, issuers: Option[], required: boolean): FormItem[] {
  return [
    field(`${prefix}kind`, 'Art des Berichts', 'select', {
      required,
      options: [...(required ? [] : [{ value: '', label: '– keine –' }]), ...REPORT_KINDS.map((k) => ({ value: k, label: k }))],
    }),
    field(`${prefix}addressee`, 'Adressat', 'select', { required, options: issuers }),
    field(`${prefix}title`, 'Titel des Berichts', 'text', { hint: 'Optional, z. B. „Erster Zwischenbericht“.' }),
    deadlineGroup(`${prefix}due`, 'Fälligkeit', issuers, required),
  ];
}

function reportFrom(values: FormValues, prefix: string) {
  return {
    kind: text(values, `${prefix}kind`),
    addressee: text(values, `${prefix}addressee`),
    due: deadlineFrom(values, `${prefix}due`),
    ...(optional(values, `${prefix}title`) ? { title: optional(values, `${prefix}title`) } : {}),
  };
}

function obligationOptions(context: BodyContext, states: string[]): Option[] {
  return context.obligations
    .filter((o) => states.includes(o.state))
    .map((o) => ({ value: o.id, label: `${o.title ?? o.kind} (${o.kind}, an ${o.addressee})` }));
}

function successorFields(bodies: Option[], required: boolean): FormItem[] {
  return [
    field('successor.name', 'Name der Nachfolgestruktur', 'text', { required, autocomplete: 'off' }),
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
  return { name, ...(bodyId ? { bodyId } : {}) };
}

const linesHint = 'Eine Angabe je Zeile.';

/** The registration fields that a revision may change (the registration form without contacts and reports). */
export function profileFields(issuers: Option[]): FormItem[] {
  return [
    field('title', 'Titel', 'text', { required: true }),
    field('shortName', 'Kurzbezeichnung', 'text'),
    field('kind', 'Art des Formats', 'select', { required: true, options: BODY_KINDS.map((k) => ({ value: k, label: k })) }),
    field('permanent', 'Als dauerhaftes Gremium beantragt', 'checkbox'),
    field('parent', 'Übergeordnetes Gremium', 'select', { required: true, options: issuers }),
    field('focusTopic', 'Schwerpunktthema', 'select', { required: true, options: FOCUS_TOPICS.map((k) => ({ value: k, label: k })) }),
    field('leads', 'Federführung', 'textarea', { required: true, hint: linesHint, rows: 3 }),
    field('participants', 'Mitwirkung', 'textarea', { hint: linesHint, rows: 4 }),
    field('start', 'Beginn der Tätigkeit', 'date', { required: true }),
    field('expectedEnd', 'Voraussichtliches Ende', 'date'),
    field('objective', 'Zielsetzung', 'textarea', { rows: 4 }),
    field('goals', 'Ziele', 'textarea', { hint: 'Ein Ziel je Zeile; sie werden nummeriert.', rows: 4 }),
    field('fmkRelation', 'Bezug zu Fachministerkonferenzen', 'textarea', { rows: 3 }),
    field('reportingPlan', 'Geplante Berichterstattung', 'textarea', { rows: 3 }),
    field('resources', 'Ressourcen', 'textarea', { rows: 3 }),
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
    expectedEnd: profile.expectedEnd ?? '',
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
    expectedEnd: optional(values, 'expectedEnd') ?? null,
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
        field('approvedUntil', 'Befristet bis', 'date', { hint: 'Bei befristeter Einrichtung: das Datum aus dem Beschluss.' }),
        group('reports[0]', 'Zusätzliche Berichtspflicht (optional)', reportFields('reports[0].', f.issuers, false), {
          hint: 'Nur ausfüllen, wenn der Beschluss einen weiteren Bericht verlangt.',
        }),
      ];
    case 'reportRequested':
      return reportFields('', f.issuers, true);
    case 'reportSubmitted':
      return [
        field('obligationId', 'Berichtspflicht', 'select', { required: true, options: obligationOptions(context, ['pending', 'due', 'overdue']) }),
        field('title', 'Titel des Berichts', 'text'),
        field('documentRef', 'Fundstelle des Dokuments', 'text', { hint: 'Optional: Aktenzeichen oder Adresse des Dokuments.' }),
      ];
    case 'reportAcknowledged':
      return [field('obligationId', 'Berichtspflicht', 'select', { required: true, options: obligationOptions(context, ['submitted']) })];
    case 'extended':
      return [
        field('approvedUntil', 'Neues Ende (befristet bis)', 'date', {
          required: true,
          hint: context.approvedUntil ? `Bisher befristet bis ${germanDate(context.approvedUntil)}; das neue Datum muss danach liegen.` : undefined,
        }),
      ];
    case 'extensionRequested':
      return [
        field('approvedUntil', 'Beantragtes neues Ende', 'date', {
          required: true,
          hint: context.approvedUntil ? `Bisher befristet bis ${germanDate(context.approvedUntil)}; das neue Datum muss danach liegen.` : undefined,
        }),
        field('justification', 'Begründung', 'textarea', { required: true, rows: 3 }),
      ];
    case 'renamed':
      return [field('title', 'Neuer Titel', 'text', { required: true }), field('shortName', 'Neue Kurzbezeichnung', 'text')];
    case 'leadsChanged':
      return [
        field('leads', 'Federführung', 'textarea', { required: true, hint: linesHint, rows: 3 }),
        field('contactIds', 'Ansprechpersonen beibehalten', 'checkboxes', { options: f.contacts }),
      ];
    case 'participantsChanged':
      return [field('participants', 'Mitwirkung', 'textarea', { hint: linesHint, rows: 5 })];
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

/** The values a form starts with (before the user typed anything). */
export function initialValues(type: BodyEventType, f: EventFormContext): FormValues {
  const { context } = f;
  switch (type) {
    case 'revised':
      return profileValues(context.profile);
    case 'approved':
      return { term: 'until', approvedUntil: context.profile.expectedEnd ?? '', 'reports[0].addressee': context.profile.parent };
    case 'reportRequested':
      return { addressee: context.profile.parent, 'due.kind': 'date' };
    case 'renamed':
      return { title: context.profile.title, shortName: context.profile.shortName ?? '' };
    case 'leadsChanged':
      return { leads: context.profile.leads.join('\n'), contactIds: context.profile.contactIds };
    case 'participantsChanged':
      return { participants: context.profile.participants.join('\n') };
    case 'closureInitiated':
      return { 'finalReportDue.kind': 'date' };
    default:
      return {};
  }
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
            ? 'Noch kein Beschluss erfasst: zuerst unter „Beschlüsse“ erfassen.'
            : required
              ? 'Der erfasste Beschluss, auf dem dieser Schritt beruht.'
              : undefined,
      }),
    );
  }
  items.push(
    field('occurredAt', 'Datum des Ereignisses', 'date', {
      max: f.today,
      hint: mayCiteDecision(type) ? 'Leer lassen: Tag des Beschlusses, sonst heute.' : 'Leer lassen: heute.',
    }),
    field('note', 'Vermerk', 'textarea', { rows: 2 }),
  );
  return items;
}

/** The command a form post stands for. The data goes on unchecked: the write path validates it. */
export function eventCommand(bodyId: string, type: BodyEventType, values: FormValues, context: BodyContext): BodyCommand {
  const version = Number(text(values, 'expectedVersion'));
  return {
    bodyId,
    type,
    data: eventData(type, values, context),
    ...(optional(values, 'decision') && mayCiteDecision(type) ? { decision: optional(values, 'decision') } : {}),
    ...(optional(values, 'occurredAt') ? { occurredAt: optional(values, 'occurredAt') } : {}),
    ...(Number.isInteger(version) && version > 0 ? { expectedVersion: version } : {}),
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
      else put('approvedUntil', text(values, 'approvedUntil'));
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
      break;
    case 'reportAcknowledged':
      put('obligationId', text(values, 'obligationId'));
      break;
    case 'extended':
      put('approvedUntil', text(values, 'approvedUntil'));
      break;
    case 'extensionRequested':
      put('approvedUntil', text(values, 'approvedUntil'));
      put('justification', text(values, 'justification'));
      break;
    case 'renamed':
      put('title', text(values, 'title'));
      put('shortName', optional(values, 'shortName') ?? null);
      break;
    case 'leadsChanged':
      put('leads', lines(values, 'leads'));
      put('contactIds', all(values, 'contactIds'));
      break;
    case 'participantsChanged':
      put('participants', lines(values, 'participants'));
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
  extensionRequested: 'Verlängerung beantragen',
  extended: 'Verlängern (Beschluss)',
  madePermanent: 'Entfristen (Beschluss)',
  renamed: 'Umbenennen',
  leadsChanged: 'Federführung ändern',
  participantsChanged: 'Mitwirkung ändern',
  closureInitiated: 'Geordneten Abschluss einleiten',
  closed: 'Abschließen (Beschluss)',
  transferred: 'In Nachfolgestruktur überführen (Beschluss)',
  dissolved: 'Auflösen (Beschluss)',
};

export function actionLabel(type: BodyEventType): string {
  return ACTION_LABELS[type] ?? `${EVENT_LABELS[type] ?? type} erfassen`;
}

/**
 * The effect (Wirkung) a decision names for a body, asked in form fields: „Beschluss erfassen“
 * and „Wirkung ergänzen“ build from them the effect the REST API takes (`{body, effect, data}`),
 * so the register checks it as it checks the API's (event schema, repeated members, I-JSON
 * bounds). Nobody writes JSON. The page draws no JavaScript: every field is there, grouped by the
 * effects it serves (the stylesheet hides the groups of other effects once one is chosen), and
 * what does not fit the chosen effect is refused at its field.
 */
import {
  BODY_KINDS,
  describeRecurrence,
  runningSeries,
  type BodyContext,
  OBLIGATION_STATE_LABELS,
  REPORT_KINDS,
  addresseeName,
  civilDate,
  describeDeadline,
  eventLabel,
  obligationLabel,
  type ReportObligation,
} from '../../machines';
import type { FieldIssue } from '../common/errors';
import { iJsonIssues } from '../common/i-json';
import { EFFECT_VERBS } from '../decisions/effect-labels';
import { deadlineGroup, successorFields } from './event-forms';
import { field, group, lines, optional, plainMessage, text, type FormItem, type FormValues, type Option } from './forms';

/** What a decision orders, as the choice of the effect says it: the register's verbs, two of them spelt out. */
const EFFECT_ACTIONS: Readonly<Record<string, string>> = {
  ...EFFECT_VERBS,
  reportRequested: 'Bericht anfordern (Berichtspflicht festlegen)',
  transferred: 'In Nachfolgestruktur überführen',
};

/** The choice of an effect: its verb, or the event's label for an effect this form does not know yet. */
export function effectChoice(type: string): Option {
  return { value: type, label: EFFECT_ACTIONS[type] ?? eventLabel(type) };
}

/** The obligations a decision can take note of, move or waive: those not yet acknowledged or waived. */
const OPEN_OBLIGATIONS: ReadonlySet<string> = new Set(['pending', 'due', 'overdue', 'submitted']);

/**
 * A Berichtspflicht as the form offers it: an open period (`series` false) for Kenntnisnahme,
 * neue Frist and Aufhebung, or a recurring series still running (`series` true), valued by its
 * latest period as the event that ends it names it, for „Wiederkehrende Berichtspflicht beenden“.
 */
export interface ObligationOption extends Option {
  recurring: boolean;
  series: boolean;
}

/**
 * A body's obligations as the form offers them: each open period
 * (`Jahresbericht an IT-Planungsrat, Frist 31.01.2027 (offen, wiederkehrend)`) and each running
 * series once, by its latest Frist (`Jahresbericht an IT-Planungsrat, jährlich, zuletzt Frist
 * 30.11.2027`), as the body's forms name it.
 */
export function obligationOptions(obligations: readonly ReportObligation[]): ObligationOption[] {
  const periods = obligations
    .filter((o) => OPEN_OBLIGATIONS.has(o.state))
    .map((o) => ({
      value: o.id,
      label: `${obligationLabel(o, obligations)} an ${addresseeName(o.addressee)}, Frist ${describeDeadline(o.due)} (${OBLIGATION_STATE_LABELS[o.state]}${o.recurrence ? ', wiederkehrend' : ''})`,
      recurring: !!o.recurrence,
      series: false,
    }));
  // The statechart's own reading of the running series; it reads only the context's obligations.
  const series = runningSeries({ obligations } as BodyContext).map((o) => ({
    value: o.id,
    label: `${obligationLabel(o, obligations)} an ${addresseeName(o.addressee)}, ${describeRecurrence(o.recurrence!)}, zuletzt Frist ${describeDeadline(o.due)}`,
    recurring: true,
    series: true,
  }));
  return [...periods, ...series];
}

export interface EffectFieldsContext {
  /** The bodies, as successor candidates. */
  bodies: Option[];
  issuers: Option[];
  /** The open obligations and running series of the body the form was drawn for; null when it names none yet. */
  obligations: ObligationOption[] | null;
}

const RECURRENCE: Option[] = [
  { value: '', label: 'einmalig' },
  { value: '12', label: 'jährlich' },
  { value: '6', label: 'halbjährlich' },
  { value: '3', label: 'vierteljährlich' },
  { value: '24', label: 'alle zwei Jahre' },
];

/**
 * A family of the effect's fields: the effects it serves, where a refusal of it is shown, and
 * the fields whose entry counts (a select that always sends a value — the issuer of a session —
 * says nothing by itself).
 */
interface Family {
  at: string;
  types: readonly string[];
  names: readonly string[];
  /** The refusal when it is filled in for another effect. */
  misplaced: string;
}

const deadlineNames = (name: string) => ['kind', 'date', 'month', 'session', 'year'].map((part) => `${name}.${part}`);
const leaveEmpty = (only: string) => `Nur ${only}; bei dieser Wirkung bitte leer lassen.`;

const TERM = ['approved', 'extended'];
const OBLIGATION = ['reportAcknowledged', 'reportRescheduled', 'reportWaived'];
const REASON = ['rejected', 'dissolved', 'reportRescheduled', 'reportWaived', 'reportSeriesEnded', 'extensionDeclined', 'closureInitiated'];

const FAMILIES: readonly Family[] = [
  { at: 'effectUntil', types: TERM, names: ['effectUntil'], misplaced: leaveEmpty('bei Einrichtung und Verlängerung') },
  { at: 'effectUntilMonth', types: TERM, names: ['effectUntilMonth'], misplaced: leaveEmpty('bei Einrichtung und Verlängerung') },
  { at: 'effectUntilYear', types: TERM, names: ['effectUntilYear'], misplaced: leaveEmpty('bei Einrichtung und Verlängerung') },
  {
    at: 'effectPermanent',
    types: ['approved'],
    names: ['effectPermanent'],
    misplaced: 'Nur bei der Einrichtung; bei dieser Wirkung bitte nicht ankreuzen. Soll ein eingerichtetes Gremium dauerhaft bestehen, die Wirkung „Entfristen“ wählen.',
  },
  {
    at: 'report',
    types: ['reportRequested', 'approved'],
    names: ['report.kind', 'report.title', 'report.recurrence', ...deadlineNames('report.due')],
    misplaced: leaveEmpty('beim Anfordern eines Berichts und bei der Einrichtung'),
  },
  {
    at: 'effectObligation',
    types: OBLIGATION,
    names: ['effectObligation'],
    misplaced: 'Nur bei Kenntnisnahme, Änderung der Frist oder Aufhebung eines Berichts; bei dieser Wirkung bitte „– keine –“ wählen.',
  },
  {
    at: 'effectSeries',
    types: ['reportSeriesEnded'],
    names: ['effectSeries'],
    misplaced: 'Nur beim Beenden einer wiederkehrenden Berichtspflicht; bei dieser Wirkung bitte „– keine –“ wählen.',
  },
  { at: 'effectFrom', types: ['reportSeriesEnded'], names: ['effectFrom'], misplaced: leaveEmpty('beim Beenden einer wiederkehrenden Berichtspflicht') },
  { at: 'effectDue', types: ['reportRescheduled', 'closureInitiated'], names: deadlineNames('effectDue'), misplaced: leaveEmpty('bei Änderung einer Berichtsfrist und beim Einleiten des Abschlusses') },
  { at: 'effectTitle', types: ['renamed'], names: ['effectTitle'], misplaced: leaveEmpty('beim Umbenennen') },
  { at: 'effectShortName', types: ['renamed'], names: ['effectShortName'], misplaced: leaveEmpty('beim Umbenennen') },
  { at: 'members', types: ['leadsChanged', 'participantsChanged'], names: ['members.added', 'members.removed'], misplaced: leaveEmpty('bei Änderung der Federführung oder der Mitwirkung') },
  { at: 'effectKind', types: ['reclassified'], names: ['effectKind'], misplaced: 'Nur bei Änderung der Art oder Zuordnung; bei dieser Wirkung bitte „– bleibt –“ wählen.' },
  { at: 'effectParent', types: ['reclassified'], names: ['effectParent'], misplaced: 'Nur bei Änderung der Art oder Zuordnung; bei dieser Wirkung bitte „– bleibt –“ wählen.' },
  { at: 'successor', types: ['closed', 'transferred'], names: ['successor.name', 'successor.bodyId'], misplaced: leaveEmpty('bei Überführung und Abschluss') },
  { at: 'noSuccessorReason', types: ['closed'], names: ['noSuccessorReason'], misplaced: leaveEmpty('beim Abschluss') },
  {
    at: 'effectReason',
    types: REASON,
    names: ['effectReason'],
    misplaced: leaveEmpty('bei Ablehnung, Auflösung, Änderung, Aufhebung oder Beenden einer Berichtspflicht, Ablehnung einer Verlängerung und Einleiten des Abschlusses'),
  },
];

/** The form's fields of an effect beside its body and type: any of them filled means the form names an effect. */
export const EFFECT_DETAIL_NAMES: readonly string[] = FAMILIES.flatMap((f) => f.names);

/** Every single-valued field of an effect, the preset selects included (each may come once). */
export const EFFECT_FIELD_NAMES: readonly string[] = [
  'effectBody',
  'effectType',
  ...EFFECT_DETAIL_NAMES,
  'report.addressee',
  'report.due.issuer',
  'effectDue.issuer',
];

/** The class that lets the stylesheet show a group only for its effects (`effect-for-approved …`). */
function forEffects(types: readonly string[]): string {
  return ['effect-detail', ...types.map((t) => `effect-for-${t}`)].join(' ');
}

const forNames = (types: readonly string[]) => types.map((t) => EFFECT_ACTIONS[t] ?? t).join(', ');

/**
 * What an effect says beyond its body and type, in fields grouped by the effects they serve;
 * each group's hint names them.
 */
export function effectDetailFields(c: EffectFieldsContext): FormItem[] {
  const periods = (c.obligations ?? []).filter((o) => !o.series);
  const series = (c.obligations ?? []).filter((o) => o.series);
  const obligationHint =
    c.obligations === null
      ? 'Angeboten werden die offenen Berichtspflichten des gewählten Gremiums: Gremium und Wirkung wählen und absenden, dann erscheinen sie hier.'
      : periods.length === 0
        ? 'Das gewählte Gremium hat keine offene Berichtspflicht.'
        : 'Die offenen Berichtspflichten des gewählten Gremiums.';
  const seriesHint =
    c.obligations === null
      ? 'Angeboten werden die laufenden wiederkehrenden Berichtspflichten des gewählten Gremiums: Gremium und Wirkung wählen und absenden, dann erscheinen sie hier.'
      : series.length === 0
        ? 'Das gewählte Gremium hat keine wiederkehrende Berichtspflicht, die noch läuft.'
        : 'Die laufenden wiederkehrenden Berichtspflichten des gewählten Gremiums, jede einmal.';
  return [
    group(
      'term',
      'Laufzeit',
      [
        field('effectUntil', 'Befristet bis / neues Ende (Tag)', 'date', { hint: 'Bei Einrichtung (befristet) und Verlängerung.' }),
        field('effectUntilMonth', 'oder bis Ende des Monats', 'month', { hint: 'Statt eines Tages, wenn der Beschluss einen Monat nennt, Format JJJJ-MM, z. B. 2027-07 für „bis Juli 2027“.' }),
        field('effectUntilYear', 'oder bis Ende des Jahres', 'number', { min: '1900', hint: 'Statt eines Tages, wenn der Beschluss nur das Jahr nennt, z. B. 2027.' }),
        field('effectPermanent', 'Dauerhaft eingerichtet (ohne Befristung)', 'checkbox', { hint: 'Bei Einrichtung statt „Befristet bis“.' }),
      ],
      { hint: `Bei: ${forNames(TERM)}. Ein Ende angeben (Tag, Monat oder Jahr); bei der Einrichtung statt dessen „dauerhaft“ ankreuzen.`, className: forEffects(TERM) },
    ),
    group(
      'report',
      'Berichtspflicht',
      [
        field('report.kind', 'Art des Berichts', 'select', { options: [{ value: '', label: '– keine –' }, ...REPORT_KINDS.map((k) => ({ value: k, label: k }))] }),
        field('report.addressee', 'Adressat', 'select', { options: c.issuers.map((i) => ({ value: addresseeName(i.value), label: addresseeName(i.value) })) }),
        field('report.title', 'Bezeichnung des Berichts', 'text', { hint: 'Optional, z. B. „Erster Zwischenbericht“.' }),
        deadlineGroup('report.due', 'Fälligkeit', c.issuers, false),
        field('report.recurrence', 'Wiederkehr', 'select', { options: RECURRENCE, hint: 'Bei einer wiederkehrenden Berichtspflicht öffnet das Einreichen eines Berichts die nächste Frist.' }),
      ],
      { hint: 'Bei: Bericht anfordern. Bei der Einrichtung nur, wenn der Beschluss einen Bericht verlangt.', className: forEffects(['reportRequested', 'approved']) },
    ),
    field('effectObligation', 'Berichtspflicht des Gremiums', 'select', {
      options: [{ value: '', label: '– keine –' }, ...periods],
      hint: `Bei: ${forNames(OBLIGATION)}. ${obligationHint}`,
      className: forEffects(OBLIGATION),
    }),
    field('effectSeries', 'Zu beendende wiederkehrende Berichtspflicht', 'select', {
      options: [{ value: '', label: '– keine –' }, ...series],
      hint: `Bei: Wiederkehrende Berichtspflicht beenden. ${seriesHint}`,
      className: forEffects(['reportSeriesEnded']),
    }),
    field('effectFrom', 'Nicht mehr geschuldet ab', 'date', {
      hint: 'Bei: Wiederkehrende Berichtspflicht beenden. Berichte mit einer Frist ab diesem Tag entfallen; frühere bleiben geschuldet.',
      className: forEffects(['reportSeriesEnded']),
    }),
    {
      ...deadlineGroup('effectDue', 'Neue Frist / Frist für den Abschlussbericht', c.issuers, false),
      hint: 'Bei: Berichtsfrist ändern (die neue Frist) und Geordneten Abschluss einleiten (die Frist für den Abschlussbericht). Art der Frist wählen und das passende Feld ausfüllen.',
      className: forEffects(['reportRescheduled', 'closureInitiated']),
    },
    group('names', 'Umbenennung', [field('effectTitle', 'Neuer Name des Gremiums', 'text', { autocomplete: 'off' }), field('effectShortName', 'Neue Kurzbezeichnung', 'text', { autocomplete: 'off', hint: 'Optional.' })], {
      hint: 'Bei: Umbenennen.',
      className: forEffects(['renamed']),
    }),
    group(
      'members',
      'Federführung oder Mitwirkung',
      [
        field('members.added', 'Kommen hinzu', 'textarea', { rows: 2, hint: 'Eine Angabe je Zeile, z. B. ein Land. Wer nicht genannt ist, bleibt.' }),
        field('members.removed', 'Scheiden aus', 'textarea', { rows: 2, hint: 'Eine Angabe je Zeile.' }),
      ],
      { hint: 'Bei: Federführung ändern und Mitwirkung ändern.', className: forEffects(['leadsChanged', 'participantsChanged']) },
    ),
    group(
      'classification',
      'Art oder Zuordnung',
      [
        field('effectKind', 'Neue Art des Formats', 'select', { options: [{ value: '', label: '– bleibt –' }, ...BODY_KINDS.map((k) => ({ value: k, label: k }))] }),
        field('effectParent', 'Neues übergeordnetes Gremium', 'select', { options: [{ value: '', label: '– bleibt –' }, ...c.issuers] }),
      ],
      { hint: 'Bei: Art oder Zuordnung ändern; mindestens eines von beiden.', className: forEffects(['reclassified']) },
    ),
    group('successor', 'Nachfolgestruktur', successorFields(c.bodies, false), {
      hint: 'Bei Überführung und bei Abschluss mit Nachfolgestruktur.',
      className: forEffects(['closed', 'transferred']),
    }),
    field('noSuccessorReason', 'Begründung, warum es keine Nachfolgestruktur gibt', 'textarea', { rows: 2, hint: 'Bei Abschluss ohne Nachfolgestruktur.', className: forEffects(['closed']) }),
    field('effectReason', 'Begründung der Wirkung', 'textarea', {
      rows: 2,
      hint: `Bei: ${forNames(REASON)}. Bei Aufhebung einer Berichtspflicht und Ablehnung einer Verlängerung Pflicht, sonst optional; das Ereignis, das die Wirkung umsetzt, nennt dieselbe Begründung.`,
      className: forEffects(REASON),
    }),
  ];
}

/** An effect as the register takes it (`effects[i]` of the API's decision). */
export interface EffectInput {
  body: string;
  effect: string;
  data: Record<string, unknown>;
}

/**
 * The effect as the form's fields state it, or what keeps them from stating it, each at its field
 * in German: the body and the type chosen, what the effect needs given, no field the effect has
 * no use for, a Berichtspflicht of the chosen body (when its obligations are known). The register
 * checks the values themselves (a date's range, the length of a name, a member named twice).
 */
export function readEffect(values: FormValues, obligations: ObligationOption[] | null): { effect: EffectInput; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const refuse = (path: string, message: string) => issues.push({ path, message });
  const body = text(values, 'effectBody');
  const type = text(values, 'effectType');
  if (!body) refuse('effectBody', 'Bitte das Gremium wählen, für das die Wirkung gilt.');
  if (!type) refuse('effectType', 'Bitte die Wirkung wählen.');
  if (type) {
    for (const family of FAMILIES) {
      if (!family.types.includes(type) && family.names.some((name) => optional(values, name) !== undefined)) refuse(family.at, family.misplaced);
    }
  }
  const data: Record<string, unknown> = {};
  const put = (key: string, value: unknown) => {
    if (value !== undefined) data[key] = value;
  };

  switch (type) {
    case 'approved': {
      const until = termEnd(values, refuse);
      const permanent = optional(values, 'effectPermanent') !== undefined;
      if (until === null && !permanent) refuse('effectUntil', 'Bitte angeben, bis wann das Gremium eingerichtet ist, oder „dauerhaft“ ankreuzen.');
      if (until !== null && permanent) refuse('effectPermanent', 'Entweder befristet oder dauerhaft, nicht beides.');
      if (until) put('approvedUntil', until);
      if (permanent) put('permanent', true);
      if (filled(values, 'report')) put('reports', [report(values, refuse)]);
      break;
    }
    case 'extended': {
      const until = termEnd(values, refuse);
      if (until === null) refuse('effectUntil', 'Bitte das neue Ende angeben.');
      if (until) put('approvedUntil', until);
      break;
    }
    case 'reportRequested':
      Object.assign(data, report(values, refuse));
      break;
    case 'reportAcknowledged':
    case 'reportRescheduled':
    case 'reportWaived':
    case 'reportSeriesEnded': {
      put('obligationId', type === 'reportSeriesEnded' ? runningSeriesOf(values, obligations, refuse) : obligation(values, obligations, refuse));
      if (type === 'reportSeriesEnded') {
        const from = optional(values, 'effectFrom');
        if (!from) refuse('effectFrom', 'Bitte den Tag angeben, ab dem die Berichte nicht mehr geschuldet sind.');
        put('from', from);
      }
      if (type === 'reportRescheduled') put('due', deadline(values, 'effectDue', refuse, 'Bitte die neue Frist angeben.'));
      const reason = optional(values, 'effectReason');
      if (type === 'reportWaived' && !reason) refuse('effectReason', 'Bitte begründen, warum der Bericht nicht mehr geschuldet ist.');
      put('reason', reason);
      break;
    }
    case 'extensionDeclined': {
      const reason = optional(values, 'effectReason');
      if (!reason) refuse('effectReason', 'Bitte begründen, warum die Verlängerung abgelehnt wird.');
      put('reason', reason);
      break;
    }
    case 'rejected':
    case 'dissolved':
      put('reason', optional(values, 'effectReason'));
      break;
    case 'closureInitiated':
      put('finalReportDue', deadline(values, 'effectDue', refuse, 'Bitte die Frist für den Abschlussbericht angeben.'));
      put('reason', optional(values, 'effectReason'));
      break;
    case 'renamed': {
      const title = optional(values, 'effectTitle');
      if (!title) refuse('effectTitle', 'Bitte den neuen Namen des Gremiums angeben.');
      put('title', title);
      put('shortName', optional(values, 'effectShortName'));
      break;
    }
    case 'leadsChanged':
    case 'participantsChanged': {
      const added = lines(values, 'members.added');
      const removed = lines(values, 'members.removed');
      if (added.length + removed.length === 0) {
        refuse('members', `Bitte angeben, wer ${type === 'leadsChanged' ? 'in die Federführung' : 'in die Mitwirkung'} hinzukommt oder ausscheidet (eine Angabe je Zeile).`);
      }
      if (added.length > 0) put('added', added);
      if (removed.length > 0) put('removed', removed);
      break;
    }
    case 'reclassified': {
      const kind = optional(values, 'effectKind');
      const parent = optional(values, 'effectParent');
      if (!kind && !parent) refuse('effectKind', 'Bitte die neue Art oder das neue übergeordnete Gremium wählen.');
      put('kind', kind);
      put('parent', parent);
      break;
    }
    case 'closed':
    case 'transferred': {
      const name = optional(values, 'successor.name');
      const successorBody = optional(values, 'successor.bodyId');
      const reason = type === 'closed' ? optional(values, 'noSuccessorReason') : undefined;
      const named = name !== undefined || successorBody !== undefined;
      if (type === 'closed' && !named && !reason) refuse('successor', 'Bitte die Nachfolgestruktur nennen oder begründen, warum es keine gibt.');
      if (type === 'closed' && named && reason) refuse('noSuccessorReason', 'Entweder die Nachfolgestruktur nennen oder begründen, warum es keine gibt, nicht beides.');
      // A registered successor is named by its title; only an unregistered one needs its name.
      if ((type === 'transferred' || named) && !name && !successorBody) refuse('successor.name', 'Bitte den Namen der Nachfolgestruktur angeben oder ein registriertes Nachfolgegremium wählen.');
      if (named) put('successor', { ...(name ? { name } : {}), ...(successorBody ? { bodyId: successorBody } : {}) });
      put('noSuccessorReason', reason);
      break;
    }
  }
  return { effect: { body, effect: type, data }, issues };
}

/** Whether a family's fields (by its `at`) carry an entry. */
function filled(values: FormValues, at: string): boolean {
  return FAMILIES.find((f) => f.at === at)!.names.some((name) => optional(values, name) !== undefined);
}

/**
 * The term's end from the day, the month or the year given (exactly one), as the event's data
 * writes it (`"2027-03-31"`, `{"month": "2027-07"}`, `{"year": "2027"}`); null when none is given,
 * undefined when what is given is refused.
 */
function termEnd(values: FormValues, refuse: (path: string, message: string) => void): string | { month: string } | { year: string } | null | undefined {
  const day = optional(values, 'effectUntil');
  const month = optional(values, 'effectUntilMonth');
  const year = optional(values, 'effectUntilYear');
  const count = [day, month, year].filter((v) => v !== undefined).length;
  if (count === 0) return null;
  if (count > 1) {
    refuse('term', 'Bitte nur eines angeben: einen Tag, einen Monat oder ein Jahr.');
    return undefined;
  }
  if (day !== undefined) {
    const checked = civilDate.safeParse(day);
    if (checked.success) return day;
    refuse('effectUntil', checked.error.issues[0].message);
    return undefined;
  }
  if (month !== undefined) {
    if (/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) return { month };
    refuse('effectUntilMonth', 'Bitte einen Monat im Format JJJJ-MM angeben, z. B. 2027-07.');
    return undefined;
  }
  if (/^\d{4}$/.test(year!)) return { year: year! };
  refuse('effectUntilYear', 'Bitte das Jahr vierstellig angeben, z. B. 2027.');
  return undefined;
}

/** The Berichtspflicht of the report group; a missing kind or Fälligkeit is refused here, the rest by the register. */
function report(values: FormValues, refuse: (path: string, message: string) => void): Record<string, unknown> {
  const kind = text(values, 'report.kind');
  if (!kind) refuse('report.kind', 'Bitte die Art des Berichts wählen.');
  const due = deadline(values, 'report.due', refuse, 'Bitte die Fälligkeit angeben.');
  const title = optional(values, 'report.title');
  const every = optional(values, 'report.recurrence');
  return {
    kind,
    addressee: text(values, 'report.addressee'),
    ...(due ? { due } : {}),
    ...(title ? { title } : {}),
    ...(every ? { recurrence: { everyMonths: number(every) } } : {}),
  };
}

export const DEADLINE_PARTS: Record<string, readonly string[]> = {
  date: ['date'],
  month: ['month'],
  session: ['session'],
  firstSession: ['year'],
  untilFurtherNotice: [],
};

/** What each kind of Frist needs filled in, asked for at that field when it is left empty. */
export const DEADLINE_MISSING: Record<string, string> = {
  date: 'Bitte das Datum angeben.',
  month: 'Bitte den Monat angeben.',
  session: 'Bitte die Nummer der Sitzung angeben.',
  year: 'Bitte das Jahr angeben.',
};

/**
 * A Frist from its group: the kind chosen, or the one whose only field is filled in (a date alone
 * is a date). A field of another kind filled in is refused there rather than dropped; the field
 * the kind needs, left empty or a month not written as one, is refused at that field in the
 * form's words (the register would name the API's parameter).
 */
function deadline(values: FormValues, name: string, refuse: (path: string, message: string) => void, missing: string): Record<string, unknown> | undefined {
  const entered = ['date', 'month', 'session', 'year'].filter((part) => optional(values, `${name}.${part}`) !== undefined);
  let kind = optional(values, `${name}.kind`);
  if (!kind) {
    if (entered.length === 0) {
      refuse(name, missing);
      return undefined;
    }
    if (entered.length > 1) {
      refuse(`${name}.kind`, 'Bitte die Art der Frist wählen.');
      return undefined;
    }
    kind = entered[0] === 'year' ? 'firstSession' : entered[0];
  }
  if (!Object.hasOwn(DEADLINE_PARTS, kind)) {
    refuse(`${name}.kind`, 'Bitte eine der angebotenen Arten der Frist wählen.');
    return undefined;
  }
  const parts = DEADLINE_PARTS[kind];
  const stray = entered.filter((part) => !parts.includes(part));
  for (const part of stray) refuse(`${name}.${part}`, 'Passt nicht zur gewählten Art der Frist; bitte leer lassen.');
  if (stray.length > 0) return undefined;
  const value = (part: string) => optional(values, `${name}.${part}`);
  const empty = parts.find((part) => value(part) === undefined);
  if (empty) {
    refuse(`${name}.${empty}`, DEADLINE_MISSING[empty]);
    return undefined;
  }
  switch (kind) {
    case 'date':
      return { kind, date: value('date') };
    case 'month':
      if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(value('month')!)) {
        refuse(`${name}.month`, 'Bitte einen Monat im Format JJJJ-MM angeben, z. B. 2024-11.');
        return undefined;
      }
      return { kind, month: value('month') };
    case 'session':
      return { kind, issuer: text(values, `${name}.issuer`), session: number(value('session')) };
    case 'firstSession':
      return { kind, issuer: text(values, `${name}.issuer`), year: number(value('year')) };
    default:
      return { kind };
  }
}

/** A number field's entry as a number when it is one (the schema names what else it is); absent when empty. */
function number(entry: string | undefined): number | string | undefined {
  if (entry === undefined) return undefined;
  return /^-?\d+$/.test(entry) ? Number(entry) : entry;
}

/** The chosen Berichtspflicht, one of the body's open periods when they are known. */
function obligation(values: FormValues, obligations: ObligationOption[] | null, refuse: (path: string, message: string) => void): string | undefined {
  const id = optional(values, 'effectObligation');
  const periods = obligations?.filter((o) => !o.series) ?? null;
  if (!id) {
    refuse(
      'effectObligation',
      periods === null || periods.length > 0 ? 'Bitte die Berichtspflicht wählen.' : 'Das gewählte Gremium hat keine offene Berichtspflicht, auf die sich die Wirkung beziehen könnte.',
    );
    return undefined;
  }
  if (periods !== null && !periods.some((o) => o.value === id)) {
    refuse('effectObligation', 'Diese Berichtspflicht hat das gewählte Gremium nicht offen; bitte eine der angebotenen wählen.');
    return undefined;
  }
  return id;
}

/** The chosen recurring series, by its latest period: one of the body's running series when they are known. */
function runningSeriesOf(values: FormValues, obligations: ObligationOption[] | null, refuse: (path: string, message: string) => void): string | undefined {
  const id = optional(values, 'effectSeries');
  const series = obligations?.filter((o) => o.series) ?? null;
  if (!id) {
    refuse(
      'effectSeries',
      series === null || series.length > 0
        ? 'Bitte die wiederkehrende Berichtspflicht wählen.'
        : 'Das gewählte Gremium hat keine wiederkehrende Berichtspflicht, die noch läuft; eine einmalige wird aufgehoben („Berichtspflicht aufheben“).',
    );
    return undefined;
  }
  if (series === null || series.some((o) => o.value === id)) return id;
  const once = obligations!.some((o) => o.value === id && !o.recurring);
  refuse(
    'effectSeries',
    once
      ? 'Diese Berichtspflicht ist einmalig, nicht wiederkehrend; beenden lässt sich nur eine wiederkehrende (eine einmalige wird aufgehoben).'
      : 'Eine solche wiederkehrende Berichtspflicht läuft beim gewählten Gremium nicht; bitte eine der angebotenen wählen.',
  );
  return undefined;
}

/**
 * Numbers beyond what the API takes (`iJsonIssues`): the API's guard sees the JSON's numbers,
 * a form's fields arrive as text and become numbers here, so the same bound is checked on the
 * effect as built.
 */
export function effectBoundIssues(effect: EffectInput, at: string): FieldIssue[] {
  return iJsonIssues(effect.data, `${at}.data`);
}

/** Form fields by the effect's parameter; `kind`, `title` and `due` depend on the effect. */
function fieldOf(type: string, parameter: string, rest: string): string | null {
  switch (parameter) {
    case 'approvedUntil':
      return rest.startsWith('.month') ? 'effectUntilMonth' : rest.startsWith('.year') ? 'effectUntilYear' : 'effectUntil';
    case 'permanent':
      return 'effectPermanent';
    case 'reports':
      return `report${rest.replace(/^\[\d+\]/, '')}`;
    case 'kind':
      return type === 'reportRequested' ? `report.kind${rest}` : 'effectKind';
    case 'addressee':
    case 'recurrence':
      return `report.${parameter}${rest}`;
    case 'title':
      return type === 'reportRequested' ? 'report.title' : 'effectTitle';
    case 'due':
      return `${type === 'reportRequested' ? 'report.due' : 'effectDue'}${rest}`;
    case 'finalReportDue':
      return `effectDue${rest}`;
    case 'obligationId':
      return type === 'reportSeriesEnded' ? 'effectSeries' : 'effectObligation';
    case 'from':
      return 'effectFrom';
    case 'reason':
      return 'effectReason';
    case 'shortName':
      return 'effectShortName';
    case 'added':
    case 'removed':
      return `members.${parameter}${rest}`;
    case 'leads':
    case 'participants':
      return 'members.added';
    case 'parent':
      return 'effectParent';
    case 'successor':
      return `successor${rest}`;
    case 'noSuccessorReason':
      return 'noSuccessorReason';
    default:
      return null;
  }
}

/** Labels of the fields a message may point to (a member named twice points to the line named first). */
const FIELD_LABELS: Record<string, string> = { 'members.added': 'Kommen hinzu', 'members.removed': 'Scheiden aus' };

/**
 * The register's error about the form's effect (`effects[3].data.approvedUntil`), filed under the
 * form's field for the effect `type`; a line of a list is named by its number, and a message that
 * points to another line (`steht bereits in effects[0].data.added[0]`) says which in the form's words.
 */
export function effectIssue(type: string): (issue: FieldIssue) => FieldIssue {
  return (issue) => {
    // The register joins zod's segments with dots (`effects[0].data.added.1`): read as `added[1]`.
    const path = issue.path.replace(/\.(\d+)(?=\.|\[|$)/g, '[$1]');
    const at = /^effects\[\d+\](?:\.(body|effect|data)(?:\.([^.[]+)(.*))?)?$/.exec(path);
    if (!at) return path === 'effects' ? { ...issue, path: 'effectType' } : issue;
    const [, part, parameter, rest] = at;
    if (part === 'body') return { ...issue, path: 'effectBody' };
    if (part === 'effect' || !parameter) return { ...issue, path: 'effectType' };
    const own = fieldOf(type, parameter, rest);
    const message = inFormWords(type, plainMessage(issue.message), own);
    if (!own) return { path: 'effectType', message: `Die Wirkung verlangt eine Angabe, die dieses Formular nicht erfragt: ${message}` };
    const line = /^\[(\d+)\]$/.exec(rest);
    const listed = line && (parameter === 'added' || parameter === 'removed') ? `Zeile ${Number(line[1]) + 1}: ` : '';
    return { path: own, message: `${listed}${message}` };
  };
}

/** A message's references to parameters of the effect (`effects[0].data.added[0]`) in the form's words (`Zeile 1 von „Kommen hinzu“`). */
function inFormWords(type: string, message: string, own: string | null): string {
  return message.replace(/effects\[\d+\]\.data\.([A-Za-z]+)((?:\.[A-Za-z]+|\[\d+\])*)/g, (_, parameter: string, rest: string) => {
    const target = fieldOf(type, parameter, rest) ?? parameter;
    const base = target.replace(/\[\d+\]$/, '');
    const line = /\[(\d+)\]$/.exec(rest);
    const label = FIELD_LABELS[base] ?? base;
    if (line) return base === own?.replace(/\[\d+\]$/, '') ? `Zeile ${Number(line[1]) + 1}` : `Zeile ${Number(line[1]) + 1} von „${label}“`;
    return `„${label}“`;
  });
}

/**
 * Fields sent more than once that take one value: refused, as the API refuses a JSON key given
 * twice, instead of reading the last.
 */
export function repeatedFieldIssues(values: FormValues, names: readonly string[]): FieldIssue[] {
  return names
    .filter((name) => Array.isArray(values[name]) && (values[name] as string[]).length > 1)
    .map((name) => ({ path: name, message: 'Dieses Feld wurde mehrmals gesendet; es darf nur einmal vorkommen, sonst bliebe offen, welcher Wert gilt.' }));
}

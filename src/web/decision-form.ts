import { DECISION_EFFECT_TYPES, DECISION_TYPES, EVENT_LABELS } from '../../machines';
import { ValidationError, type FieldIssue } from '../common/errors';
import { PROCEDURES, decisionInputSchema } from '../decisions/decisions.service';
import { repeatedNameIssues } from '../common/i-json';
import { whereJsonBreaks } from '../common/json-problem';
import { parseInput } from '../common/validation';
import { successorFields } from './event-forms';
import { field, fillForm, group, optional, plainMessage, text, type FormItem, type FormValues, type Option } from './forms';

/** How a decision was taken: in a session (whose number goes in `session`) or by written procedure. */
export function procedureField() {
  return field('procedure', 'Verfahren', 'radio', { required: true, options: PROCEDURES.map((p) => ({ value: p, label: p === 'Sitzung' ? 'in einer Sitzung' : 'im Umlaufverfahren' })) });
}

/** The number of the session a decision was taken in; asked for beside the procedure unless `required` alone. */
export function sessionField(required = false) {
  return field('session', 'Nummer der Sitzung', 'number', required ? { required, min: '1' } : { min: '1', hint: 'Nur bei Beschlüssen in einer Sitzung.' });
}

/** The form to record a decision (Beschluss) in the register. */
export function decisionForm(issuers: Option[], values: FormValues | null, issues: FieldIssue[], bodies: Option[] = [], effect: FormValues | null = null) {
  const items: FormItem[] = [
    field('issuer', 'Beschließendes Gremium', 'select', { required: true, options: issuers }),
    field('number', 'Beschlussnummer', 'text', {
      required: true,
      autocomplete: 'off',
      hint: 'JJJJ/NN, z. B. 2024/09; die AL-Runde mit Zusatz, z. B. 2024/08-AL.',
    }),
    field('date', 'Datum des Beschlusses', 'date', { required: true }),
    procedureField(),
    sessionField(),
    field('type', 'Art', 'select', { required: true, options: DECISION_TYPES.map((t) => ({ value: t, label: t })) }),
    field('title', 'Titel', 'textarea', { required: true, rows: 2 }),
    group(
      'effect',
      'Wirkung (optional)',
      [
        field('effectBody', 'Wirkung auf das Gremium', 'select', {
          options: [{ value: '', label: '– ohne Wirkung –' }, ...bodies],
          hint: 'Was der Beschluss für ein Gremium bewirkt; nur so kann ein Ereignis ihn zitieren. Weitere Wirkungen später berichtigen.',
        }),
        effectTypeField(false),
        ...effectDetailFields(bodies),
      ],
      { hint: 'Füllen Sie zur gewählten Wirkung nur die Felder aus, deren Hinweis sie nennt.' },
    ),
  ];
  const unplaced = fillForm(items, values ?? { issuer: issuers[0]?.value ?? '', procedure: 'Sitzung', type: 'Beschluss', ...effect }, issues.map(effectIssue));
  return { id: 'beschluss-erfassen', items, unplaced };
}

/**
 * The decision a form post stands for. An effect the form names but cannot state — no body, no
 * type, a field the effect needs left empty, unreadable JSON — is refused here at its field,
 * together with whatever the register's schema finds in the other fields, so nothing is recorded
 * without it.
 */
export function decisionInput(values: FormValues) {
  const session = optional(values, 'session');
  const input = {
    number: text(values, 'number'),
    issuer: text(values, 'issuer'),
    date: text(values, 'date'),
    procedure: text(values, 'procedure'),
    ...(session ? { session: Number(session) } : {}),
    type: text(values, 'type'),
    title: text(values, 'title'),
  };
  if (!EFFECT_FIELDS.some((name) => optional(values, name))) return input;
  const { effect, issues } = readEffect(values);
  if (issues.length === 0) return { ...input, effects: [effect] };
  throw new ValidationError([...issuesOf(() => parseInput(decisionInputSchema, input)), ...issues]);
}

/** A recorded decision's facts as the form shows them. */
export interface RecordedFacts {
  date: string;
  procedure: string;
  session: number | null;
  type: string;
  title: string;
}

/**
 * The form that corrects a recorded decision's facts (title, date, procedure, session, type): an
 * audited amendment with its reason. It starts with the facts as recorded; only what differs is
 * changed.
 */
export function factsForm(current: RecordedFacts, values: FormValues | null, issues: FieldIssue[]) {
  const items: FormItem[] = [
    field('title', 'Titel', 'textarea', { required: true, rows: 2 }),
    field('date', 'Datum des Beschlusses', 'date', { required: true }),
    procedureField(),
    sessionField(),
    field('type', 'Art', 'select', { required: true, options: DECISION_TYPES.map((t) => ({ value: t, label: t })) }),
    field('reason', 'Begründung der Berichtigung', 'textarea', { required: true, rows: 2, hint: 'Wird mit der Änderung im Register aufgezeichnet.' }),
  ];
  const recorded = { title: current.title, date: current.date, procedure: current.procedure, session: current.session === null ? '' : String(current.session), type: current.type };
  const unplaced = fillForm(items, values ?? recorded, issues);
  return { id: 'angaben-berichtigen', items, unplaced };
}

/** The amendment the facts form asks for: every fact as given (the register keeps only those that differ), with the reason. */
export function factsInput(values: FormValues) {
  const session = optional(values, 'session');
  return {
    title: text(values, 'title'),
    date: text(values, 'date'),
    procedure: text(values, 'procedure'),
    session: session === undefined ? null : Number(session),
    type: text(values, 'type'),
    reason: text(values, 'reason'),
  };
}

/** The form that adds an effect to a recorded decision (an audited amendment, with its reason). */
export function effectForm(bodies: Option[], values: FormValues | null, issues: FieldIssue[]) {
  const items: FormItem[] = [
    field('effectBody', 'Gremium', 'select', { required: true, options: [{ value: '', label: '– bitte wählen –' }, ...bodies] }),
    effectTypeField(true),
    ...effectDetailFields(bodies),
    field('reason', 'Begründung der Ergänzung', 'textarea', { required: true, rows: 2, hint: 'Wird mit der Änderung im Register aufgezeichnet.' }),
  ];
  const unplaced = fillForm(items, values, issues.map(effectIssue));
  return { id: 'wirkung-ergaenzen', items, unplaced };
}

function effectTypeField(required: boolean) {
  return field('effectType', 'Wirkung', 'select', {
    required,
    options: [{ value: '', label: '– bitte wählen –' }, ...DECISION_EFFECT_TYPES.map((t) => ({ value: t, label: `${EVENT_LABELS[t]} (${t})` }))],
  });
}

/**
 * What an effect says beyond its body and type, in fields where an event form asks for the same
 * (src/web/event-forms.ts: approved, extended, closed, transferred), and as JSON for the rest.
 * The form draws no JavaScript, so every field is there and its hint names the effects it is for.
 */
function effectDetailFields(bodies: Option[]): FormItem[] {
  return [
    field('effectUntil', 'Befristet bis / neues Ende', 'date', { hint: 'Bei Einrichtung (befristet) und Verlängerung.' }),
    field('effectPermanent', 'Dauerhaft eingerichtet (ohne Befristung)', 'checkbox', { hint: 'Bei Einrichtung statt „Befristet bis“.' }),
    group(
      'successor',
      'Nachfolgestruktur',
      successorFields(bodies, false),
      { hint: 'Bei Überführung und bei Abschluss mit Nachfolgestruktur.' },
    ),
    field('noSuccessorReason', 'Begründung, warum es keine Nachfolgestruktur gibt', 'textarea', { rows: 2, hint: 'Bei Abschluss ohne Nachfolgestruktur.' }),
    field('effectData', 'Weitere Angaben der Wirkung (JSON)', 'textarea', { rows: 2, hint: 'Optional, z. B. {"title": "Neuer Name"} beim Umbenennen.' }),
  ];
}

/** The form that withdraws a decision, with its reason. */
export function withdrawalForm(values: FormValues | null, issues: FieldIssue[]) {
  const items: FormItem[] = [field('reason', 'Begründung der Rücknahme', 'textarea', { required: true, rows: 2 })];
  const unplaced = fillForm(items, values, issues);
  return { id: 'zuruecknehmen', items, unplaced };
}

/** The form's fields of an effect: any of them filled means the form names an effect. */
const EFFECT_FIELDS = ['effectBody', 'effectType', 'effectUntil', 'effectPermanent', 'successor.name', 'successor.bodyId', 'noSuccessorReason', 'effectData'];

/** Fields of the effect the form fills in itself, by the effect's parameter they stand for. */
const PARAMETER_FIELDS: Record<string, string> = {
  approvedUntil: 'effectUntil',
  permanent: 'effectPermanent',
  successor: 'successor',
  noSuccessorReason: 'noSuccessorReason',
};

/**
 * The register's error about the form's effect (`effects[3].data.approvedUntil`) filed under the
 * form's field; a parameter only the JSON can give is named inside that field (`„title“: …`).
 */
function effectIssue(issue: FieldIssue): FieldIssue {
  const at = /^effects\[\d+\](?:\.(body|effect|data)(?:\.([^.[]+)(.*))?)?$/.exec(issue.path);
  if (!at) return issue.path === 'effects' ? { ...issue, path: 'effectData' } : issue;
  const [, part, parameter, rest] = at;
  if (part === 'body') return { ...issue, path: 'effectBody' };
  if (part === 'effect') return { ...issue, path: 'effectType' };
  if (!parameter) return { ...issue, path: 'effectData' };
  const own = PARAMETER_FIELDS[parameter];
  if (own) return { ...issue, path: `${own}${rest}` };
  return { path: 'effectData', message: `„${parameter}${rest}“: ${plainMessage(issue.message)}` };
}

/** The one effect the „Wirkung ergänzen“ form names; refused at its fields (and the reason's) when the form cannot state it. */
export function effectOf(values: FormValues) {
  const { effect, issues } = readEffect(values);
  if (issues.length === 0) return effect;
  // Refused before the register sees the amendment: a missing reason is named at once, too.
  throw new ValidationError(optional(values, 'reason') ? issues : [...issues, { path: 'reason', message: 'Bitte ausfüllen.' }]);
}

/**
 * The effect as the form's fields state it, or what keeps them from stating it, each at its field
 * in German: the body and the type chosen, what the effect needs given (a term or „dauerhaft“ for
 * an establishment, a new end for an extension, the successor or the reason there is none for a
 * closure, the successor for a transfer), no field the effect has no use for, readable JSON. The
 * register checks the values themselves (a date, the length of a name).
 */
function readEffect(values: FormValues): { effect: { body: string; effect: string; data: Record<string, unknown> }; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const refuse = (path: string, message: string) => issues.push({ path, message });
  const body = text(values, 'effectBody');
  const type = text(values, 'effectType');
  if (!body) refuse('effectBody', 'Bitte das Gremium wählen, für das die Wirkung gilt.');
  if (!type) refuse('effectType', 'Bitte die Wirkung wählen.');

  const data = jsonData(values, refuse);
  const until = optional(values, 'effectUntil');
  const permanent = optional(values, 'effectPermanent') !== undefined;
  const successorName = optional(values, 'successor.name');
  const successorBody = optional(values, 'successor.bodyId');
  const noSuccessorReason = optional(values, 'noSuccessorReason');
  if (until) data.approvedUntil = until;
  if (permanent) data.permanent = true;
  if (successorName || successorBody) data.successor = { name: successorName ?? '', ...(successorBody ? { bodyId: successorBody } : {}) };
  if (noSuccessorReason) data.noSuccessorReason = noSuccessorReason;

  const has = (key: string) => data[key] !== undefined;
  if (type === 'approved') {
    if (!has('approvedUntil') && !has('permanent')) refuse('effectUntil', 'Bitte angeben, bis wann das Gremium eingerichtet ist, oder „dauerhaft“ ankreuzen.');
    if (has('approvedUntil') && has('permanent')) refuse('effectPermanent', 'Entweder befristet oder dauerhaft, nicht beides.');
  } else if (type === 'extended' && !has('approvedUntil')) {
    refuse('effectUntil', 'Bitte das neue Ende angeben.');
  }
  if (type === 'closed') {
    if (!has('successor') && !has('noSuccessorReason')) refuse('successor', 'Bitte die Nachfolgestruktur nennen oder begründen, warum es keine gibt.');
    if (has('successor') && has('noSuccessorReason')) refuse('noSuccessorReason', 'Entweder die Nachfolgestruktur nennen oder begründen, warum es keine gibt, nicht beides.');
  }
  // The successor is named even when it is registered: the event that carries the effect out says the same.
  const nameMissing = type === 'transferred' ? !has('successor') || (!!successorBody && !successorName) : type === 'closed' && !!successorBody && !successorName;
  if (nameMissing) refuse('successor.name', 'Bitte den Namen der Nachfolgestruktur angeben.');
  if (type) {
    if (until && type !== 'approved' && type !== 'extended') refuse('effectUntil', 'Nur bei Einrichtung und Verlängerung; bei dieser Wirkung bitte leer lassen.');
    if (permanent && type !== 'approved') refuse('effectPermanent', 'Nur bei der Einrichtung; bei dieser Wirkung bitte nicht ankreuzen.');
    if ((successorName || successorBody) && type !== 'closed' && type !== 'transferred') refuse('successor', 'Nur bei Überführung und Abschluss; bei dieser Wirkung bitte leer lassen.');
    if (noSuccessorReason && type !== 'closed') refuse('noSuccessorReason', 'Nur beim Abschluss; bei dieser Wirkung bitte leer lassen.');
  }
  return { effect: { body, effect: type, data }, issues };
}

/** The parameters written as JSON in „Weitere Angaben der Wirkung“ (an object), or none, refused at that field. */
function jsonData(values: FormValues, refuse: (path: string, message: string) => void): Record<string, unknown> {
  const raw = optional(values, 'effectData');
  if (!raw) return {};
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch (error) {
    refuse('effectData', `Kein gültiges JSON: ${whereJsonBreaks(raw, error)}; Schlüssel und Texte stehen in doppelten Anführungszeichen, z. B. {"title": "Neuer Name"}.`);
    return {};
  }
  const repeated = repeatedNameIssues(raw);
  if (repeated.length > 0) {
    refuse('effectData', `„${repeated[0].path}“ steht mehrmals; jeder Feldname darf nur einmal vorkommen, sonst bliebe offen, welcher Wert gilt.`);
    return {};
  }
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) return { ...data };
  refuse('effectData', 'Erwartet wird ein JSON-Objekt in geschweiften Klammern, z. B. {"title": "Neuer Name"}.');
  return {};
}

/** The field issues a check raises (none when it passes). */
function issuesOf(check: () => unknown): FieldIssue[] {
  try {
    check();
    return [];
  } catch (error) {
    if (error instanceof ValidationError) return error.details;
    throw error;
  }
}

import { DECISION_EFFECT_TYPES, DECISION_TYPES, EVENT_LABELS } from '../../machines';
import type { FieldIssue } from '../common/errors';
import { PROCEDURES } from '../decisions/decisions.service';
import { field, fillForm, optional, text, type FormItem, type FormValues, type Option } from './forms';

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
    field('effectBody', 'Wirkung auf das Gremium', 'select', {
      options: [{ value: '', label: '– ohne Wirkung –' }, ...bodies],
      hint: 'Was der Beschluss für ein Gremium bewirkt; nur so kann ein Ereignis ihn zitieren. Weitere Wirkungen später berichtigen.',
    }),
    field('effectType', 'Wirkung', 'select', {
      options: [{ value: '', label: '– bitte wählen –' }, ...DECISION_EFFECT_TYPES.map((t) => ({ value: t, label: `${EVENT_LABELS[t]} (${t})` }))],
    }),
    field('effectUntil', 'Befristet bis / neues Ende', 'date', { hint: 'Bei Einrichtung und Verlängerung.' }),
    field('effectData', 'Weitere Angaben der Wirkung (JSON)', 'textarea', { rows: 2, hint: 'Optional, z. B. {"title": "Neuer Name"} beim Umbenennen.' }),
  ];
  const unplaced = fillForm(items, values ?? { issuer: issuers[0]?.value ?? '', procedure: 'Sitzung', type: 'Beschluss', ...effect }, issues);
  return { id: 'beschluss-erfassen', items, unplaced };
}

export function decisionInput(values: FormValues) {
  const session = optional(values, 'session');
  return {
    number: text(values, 'number'),
    issuer: text(values, 'issuer'),
    date: text(values, 'date'),
    procedure: text(values, 'procedure'),
    ...(session ? { session: Number(session) } : {}),
    type: text(values, 'type'),
    title: text(values, 'title'),
    ...(optional(values, 'effectBody') ? { effects: [effectOf(values)] } : {}),
  };
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
    field('effectType', 'Wirkung', 'select', {
      required: true,
      options: [{ value: '', label: '– bitte wählen –' }, ...DECISION_EFFECT_TYPES.map((t) => ({ value: t, label: `${EVENT_LABELS[t]} (${t})` }))],
    }),
    field('effectUntil', 'Befristet bis / neues Ende', 'date', { hint: 'Bei Einrichtung und Verlängerung.' }),
    field('effectData', 'Weitere Angaben der Wirkung (JSON)', 'textarea', { rows: 2, hint: 'Optional, z. B. {"title": "Neuer Name"} beim Umbenennen.' }),
    field('reason', 'Begründung der Ergänzung', 'textarea', { required: true, rows: 2, hint: 'Wird mit der Änderung im Register aufgezeichnet.' }),
  ];
  const unplaced = fillForm(items, values, issues.map(effectIssue));
  return { id: 'wirkung-ergaenzen', items, unplaced };
}

/** The form that withdraws a decision, with its reason. */
export function withdrawalForm(values: FormValues | null, issues: FieldIssue[]) {
  const items: FormItem[] = [field('reason', 'Begründung der Rücknahme', 'textarea', { required: true, rows: 2 })];
  const unplaced = fillForm(items, values, issues);
  return { id: 'zuruecknehmen', items, unplaced };
}

/** An amendment's error about the added effect (`effects[3].data.approvedUntil`) filed under the form's field. */
function effectIssue(issue: FieldIssue): FieldIssue {
  const path = issue.path
    .replace(/^effects\[\d+\]\.body$/, 'effectBody')
    .replace(/^effects\[\d+\]\.effect$/, 'effectType')
    .replace(/^effects\[\d+\]\.data\.approvedUntil.*$/, 'effectUntil')
    .replace(/^effects(\[\d+\])?(\..*)?$/, 'effectData');
  return { ...issue, path };
}

/** The one effect the form names; unreadable JSON goes on as text, and the register names the field. */
export function effectOf(values: FormValues) {
  const until = optional(values, 'effectUntil');
  const raw = optional(values, 'effectData');
  let data: unknown = {};
  if (raw) {
    try {
      data = JSON.parse(raw);
    } catch {
      data = raw;
    }
  }
  return {
    body: text(values, 'effectBody'),
    effect: text(values, 'effectType'),
    data: { ...(typeof data === 'object' && data !== null ? data : { unreadable: data }), ...(until ? { approvedUntil: until } : {}) },
  };
}

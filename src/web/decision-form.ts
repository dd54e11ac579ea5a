import { DECISION_EFFECT_TYPES, DECISION_TYPES } from '../../machines';
import { ValidationError, type FieldIssue } from '../common/errors';
import { PROCEDURES, decisionInputSchema } from '../decisions/decisions.service';
import { parseInput } from '../common/validation';
import {
  EFFECT_DETAIL_NAMES,
  EFFECT_FIELD_NAMES,
  effectBoundIssues,
  effectChoice,
  effectDetailFields,
  effectIssue,
  readEffect,
  repeatedFieldIssues,
  type EffectFieldsContext,
  type EffectInput,
  type ObligationOption,
} from './effect-fields';
import { field, fillForm, group, optional, text, type FormItem, type FormValues } from './forms';

/** How a decision was taken: in a session (whose number goes in `session`) or by written procedure. */
export function procedureField() {
  return field('procedure', 'Verfahren', 'radio', { required: true, options: PROCEDURES.map((p) => ({ value: p, label: p === 'Sitzung' ? 'in einer Sitzung' : 'im Umlaufverfahren' })) });
}

/** The number of the session a decision was taken in; asked for beside the procedure unless `required` alone. */
export function sessionField(required = false) {
  return field('session', 'Nummer der Sitzung', 'number', required ? { required, min: '1' } : { min: '1', hint: 'Nur bei Beschlüssen in einer Sitzung.' });
}

/** The decision's own fields, each taking one value. */
const DECISION_FIELD_NAMES = ['issuer', 'number', 'date', 'procedure', 'session', 'type', 'title', 'replaces'];

/**
 * The decision form's preset for recording a decision that replaces a withdrawn one
 * (`/beschluesse?ersetzt=2026/38-AL&gremium=AL-Runde`, linked from the Beschlusskontrolle where a
 * new decision is needed): „Ersetzt Beschluss“ and the issuer filled in. Null without `ersetzt`,
 * or when the form comes back with its own values.
 */
export function replacementPreset(query: Record<string, string | undefined>, values: FormValues | null): FormValues | null {
  const replaces = query.ersetzt?.trim();
  if (values || !replaces) return null;
  return { replaces, issuer: query.gremium?.trim() ?? '', procedure: 'Sitzung' };
}

/**
 * The form to record a decision (Beschluss) in the register, with one effect (Wirkung) asked in
 * fields; `effect` presets the body, the effect and the issuer (from an event form: the body's
 * parent, empty when the register knows none), `c.obligations` are the open report obligations
 * of the body chosen so far.
 */
export function decisionForm(values: FormValues | null, issues: FieldIssue[], c: EffectFieldsContext, effect: FormValues | null = null) {
  // From a body's page the issuer is its parent and the procedure is left to choose: a default
  // there would record a decision of the wrong body or procedure unnoticed.
  const preset = values ?? (effect ? { issuer: '', type: 'Beschluss', ...effect } : { issuer: c.issuers[0]?.value ?? '', procedure: 'Sitzung', type: 'Beschluss' });
  const issuers = c.issuers.some((i) => i.value === text(preset, 'issuer')) ? c.issuers : [{ value: '', label: '– bitte wählen –' }, ...c.issuers];
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
    field('replaces', 'Ersetzt Beschluss (optional)', 'text', {
      autocomplete: 'off',
      hint:
        'Nur wenn dieser Beschluss einen zurückgenommenen ersetzt, dessen Wirkung schon umgesetzt ist (etwa unter falscher Nummer erfasst): dessen Nummer, z. B. 2026/38-AL. ' +
        'Die Wirkung unten so angeben, wie der zurückgenommene Beschluss sie anordnete; sie gilt dann als durch dasselbe Ereignis umgesetzt.',
    }),
    group(
      'effect',
      'Wirkung (optional)',
      [
        field('effectBody', 'Wirkung auf das Gremium', 'select', {
          options: [{ value: '', label: '– ohne Wirkung –' }, ...c.bodies],
          hint: 'Was der Beschluss für ein Gremium bewirkt; nur so kann ein Ereignis ihn zitieren. Weitere Wirkungen später auf der Seite des Beschlusses ergänzen.',
        }),
        effectTypeField(false),
        ...effectDetailFields(c),
      ],
      { hint: 'Füllen Sie zur gewählten Wirkung nur die Felder aus, deren Hinweis sie nennt.' },
    ),
  ];
  const unplaced = fillForm(items, preset, issues.map(effectIssue(text(preset, 'effectType'))));
  return { id: 'beschluss-erfassen', items, unplaced };
}

/**
 * The decision a form post stands for: the command `POST /api/decisions` takes, with the form's
 * effect as its one effect. An effect the form names but cannot state — no body, no type, a field
 * the effect needs left empty, a field it has no use for filled in — and a field sent twice are
 * refused here at their fields, together with whatever the register's schema finds in the other
 * fields, so nothing is recorded without them. `obligations`: the open report obligations of the
 * chosen body (null when unknown).
 */
export function decisionInput(values: FormValues, obligations: ObligationOption[] | null = null) {
  const session = optional(values, 'session');
  const input = {
    number: text(values, 'number'),
    issuer: text(values, 'issuer'),
    date: text(values, 'date'),
    procedure: text(values, 'procedure'),
    ...(session ? { session: Number(session) } : {}),
    type: text(values, 'type'),
    title: text(values, 'title'),
    ...(optional(values, 'replaces') ? { replaces: optional(values, 'replaces') } : {}),
  };
  const repeated = repeatedFieldIssues(values, [...DECISION_FIELD_NAMES, ...EFFECT_FIELD_NAMES]);
  const names = ['effectBody', 'effectType', ...EFFECT_DETAIL_NAMES].some((name) => optional(values, name) !== undefined);
  const { effect, issues } = names ? readEffect(values, obligations) : { effect: null, issues: [] };
  const all = [...repeated, ...issues, ...(effect ? effectBoundIssues(effect, 'effects[0]').map(effectIssue(effect.effect)) : [])];
  if (all.length === 0) return effect ? { ...input, effects: [effect] } : input;
  throw new ValidationError([...issuesOf(() => parseInput(decisionInputSchema, input)), ...all]);
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
export function effectForm(values: FormValues | null, issues: FieldIssue[], c: EffectFieldsContext) {
  const items: FormItem[] = [
    field('effectBody', 'Gremium', 'select', { required: true, options: [{ value: '', label: '– bitte wählen –' }, ...c.bodies] }),
    effectTypeField(true),
    ...effectDetailFields(c),
    field('reason', 'Begründung der Ergänzung', 'textarea', { required: true, rows: 2, hint: 'Wird mit der Änderung im Register aufgezeichnet.' }),
  ];
  const unplaced = fillForm(items, values, issues.map(effectIssue(text(values ?? {}, 'effectType'))));
  return { id: 'wirkung-ergaenzen', items, unplaced };
}

function effectTypeField(required: boolean) {
  return field('effectType', 'Wirkung', 'select', {
    required,
    options: [{ value: '', label: '– bitte wählen –' }, ...DECISION_EFFECT_TYPES.map(effectChoice)],
  });
}

/** The form that withdraws a decision, with its reason. */
export function withdrawalForm(values: FormValues | null, issues: FieldIssue[]) {
  const items: FormItem[] = [field('reason', 'Begründung der Rücknahme', 'textarea', { required: true, rows: 2 })];
  const unplaced = fillForm(items, values, issues);
  return { id: 'zuruecknehmen', items, unplaced };
}

/**
 * The one effect the „Wirkung ergänzen“ form names, refused at its fields (and the reason's) when
 * the form cannot state it. The register's own refusals come back at `effects[n]` and are filed
 * under the fields by `effectForm`.
 */
export function effectOf(values: FormValues, obligations: ObligationOption[] | null = null): EffectInput {
  const { effect, issues } = readEffect(values, obligations);
  const all = [...repeatedFieldIssues(values, [...EFFECT_FIELD_NAMES, 'reason']), ...issues, ...effectBoundIssues(effect, 'effects[0]').map(effectIssue(effect.effect))];
  if (all.length === 0) return effect;
  // Refused before the register sees the amendment: a missing reason is named at once, too.
  throw new ValidationError(optional(values, 'reason') ? all : [...all, { path: 'reason', message: 'Bitte ausfüllen.' }]);
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

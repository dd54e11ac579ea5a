import { DECISION_TYPES } from '../../machines';
import type { FieldIssue } from '../common/errors';
import { PROCEDURES } from '../decisions/decisions.service';
import { field, fillForm, optional, text, type FormItem, type FormValues, type Option } from './forms';

/** The form to record a decision (Beschluss) in the register. */
export function decisionForm(issuers: Option[], values: FormValues | null, issues: FieldIssue[]) {
  const items: FormItem[] = [
    field('issuer', 'Beschließendes Gremium', 'select', { required: true, options: issuers }),
    field('number', 'Beschlussnummer', 'text', {
      required: true,
      autocomplete: 'off',
      hint: 'JJJJ/NN, z. B. 2024/09; die AL-Runde mit Zusatz, z. B. 2024/08-AL.',
    }),
    field('date', 'Datum des Beschlusses', 'date', { required: true }),
    field('procedure', 'Verfahren', 'radio', { required: true, options: PROCEDURES.map((p) => ({ value: p, label: p === 'Sitzung' ? 'in einer Sitzung' : 'im Umlaufverfahren' })) }),
    field('session', 'Nummer der Sitzung', 'number', { min: '1', hint: 'Nur bei Beschlüssen in einer Sitzung.' }),
    field('type', 'Art', 'select', { required: true, options: DECISION_TYPES.map((t) => ({ value: t, label: t })) }),
    field('title', 'Titel', 'textarea', { required: true, rows: 2 }),
  ];
  const unplaced = fillForm(items, values ?? { issuer: issuers[0]?.value ?? '', procedure: 'Sitzung', type: 'Beschluss' }, issues);
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
  };
}

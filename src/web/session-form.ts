import type { FieldIssue } from '../common/errors';
import { field, fillForm, text, type FormItem, type FormValues, type Option } from './forms';

/** The sessions calendar's form on the Fristen page: a session entered, or moved to another day. */
export function sessionForm(issuers: Option[], values: FormValues | null, issues: FieldIssue[]) {
  const items: FormItem[] = [
    field('issuer', 'Gremium', 'select', { required: true, options: issuers }),
    field('number', 'Nummer der Sitzung', 'number', { required: true, min: '1' }),
    field('date', 'Datum der Sitzung', 'date', { required: true, hint: 'Eine schon eingetragene Sitzung wird mit dem neuen Datum verlegt.' }),
  ];
  const unplaced = fillForm(items, values ?? { issuer: issuers[0]?.value ?? '' }, issues);
  return { id: 'sitzung-eintragen', items, unplaced };
}

/** The form's post as the sessions service takes it; a number that is none goes on as text, for the validator to name. */
export function sessionInput(values: FormValues) {
  const number = text(values, 'number');
  return { issuer: text(values, 'issuer'), number: /^\d+$/.test(number) ? Number(number) : number, date: text(values, 'date') };
}

/**
 * The secretariat's form to correct a contact person (Ansprechperson berichtigen) on the body
 * page: the four fields filled with what is stored, and a reason. An emptied field is cleared;
 * the correction is recorded on the contact's own chain (contacts/correction.service.ts).
 */
import type { FieldIssue } from '../common/errors';
import { errorList, field, fillForm, text, type FormItem, type FormValues } from './forms';

export interface ContactView {
  id: string;
  name: string | null;
  organization: string | null;
  email?: string | null;
  phone?: string | null;
  erased: boolean;
}

/** The form type a failed correction comes back under (FormState.type). */
export const contactFormType = (contactId: string) => `contact:${contactId}`;

export function contactCorrectionForm(contact: ContactView, failed: { values: FormValues; issues: FieldIssue[]; message: string } | undefined) {
  const formId = `ansprechperson-${contact.id}`;
  const items: FormItem[] = [
    field('name', 'Name', 'text', { required: true, autocomplete: 'off' }),
    field('organization', 'Organisation', 'text', { autocomplete: 'off' }),
    field('email', 'E-Mail', 'email', { autocomplete: 'off', hint: 'Leer lassen, um die Angabe zu entfernen.' }),
    field('phone', 'Telefon', 'tel', { autocomplete: 'off' }),
    field('reason', 'Anlass der Berichtigung', 'text', { hint: 'Optional, z. B. „neue Dienstadresse“; wird mit der Berichtigung gespeichert.' }),
  ];
  const stored: FormValues = { name: contact.name ?? '', organization: contact.organization ?? '', email: contact.email ?? '', phone: contact.phone ?? '' };
  const unplaced = fillForm(items, failed ? failed.values : stored, failed?.issues ?? []);
  return { formId, items, unplaced, open: Boolean(failed), message: failed?.message ?? null, errors: failed ? errorList(items, formId) : [] };
}

/** The correction as the API takes it: every field as entered (empty clears it), the reason if given. */
export function contactCorrectionInput(values: FormValues): Record<string, string> {
  const input: Record<string, string> = {};
  for (const key of ['name', 'organization', 'email', 'phone'] as const) input[key] = text(values, key);
  const reason = text(values, 'reason');
  if (reason) input.reason = reason;
  return input;
}

import { REPORT_KINDS, addresseeName } from '../../machines';
import { DuplicateError, type FieldIssue } from '../common/errors';
import { contactFields, contactFrom, deadlineFrom, deadlineGroup, profileFields, profileFrom } from './event-forms';
import { distinctLabels, field, fillForm, group, optional, text, type FormItem, type FormValues, type Option } from './forms';

const CONTACT_ROWS = 2;
const CONFIRM_DUPLICATE = 'allowDuplicate';
const DUE = 'reports[0].due';

/** The bodies registered under a title, as the page names them (with links). */
export interface RegisteredTitle {
  title: string;
  ids: string[];
}

/**
 * The registration form ("Gremium registrieren"): the fields of the paper form, contacts, a first
 * report and the date of registration. A title already registered is flagged at its field, with
 * a checkbox to register a second body under it all the same (`registered` names the bodies).
 */
export function registrationForm(issuers: Option[], values: FormValues | null, issues: FieldIssue[], bodies: Option[] = []) {
  const same = values ? sameTitle(values, bodies) : null;
  const profile = profileFields(issuers);
  if (same) {
    profile.splice(
      profile.findIndex((item) => item.name === 'title') + 1,
      0,
      field(CONFIRM_DUPLICATE, 'Trotzdem registrieren (gleicher Titel)', 'checkbox', {
        hint: 'Nur wenn wirklich ein zweites Gremium mit diesem Titel entsteht.',
      }),
    );
  }
  const items: FormItem[] = [
    group('profil', 'Angaben zum Gremium', profile),
    ...Array.from({ length: CONTACT_ROWS }, (_, i) =>
      group(`contacts[${i}]`, `Ansprechperson ${i + 1}${i === 0 ? '' : ' (optional)'}`, contactFields(`contacts[${i}].`)),
    ),
    group('predecessors[0]', 'Ersetzt ein anderes Gremium (optional)', [
      field('predecessors[0].name', 'Name des Vorgängers', 'text', { autocomplete: 'off', hint: 'z. B. „Koordinierungsprojekt Registermodernisierung“.' }),
      field('predecessors[0].bodyId', 'Registrierter Vorgänger', 'select', {
        // Bodies that share a title are told apart by their id.
        options: [{ value: '', label: '– nicht registriert –' }, ...distinctLabels(bodies.map((b) => ({ id: b.value, title: b.label })))],
        hint: 'Wenn der Vorgänger hier registriert ist: seine Seite zeigt dann die Nachfolge.',
      }),
    ]),
    group('reports[0]', 'Geplanter Bericht (optional)', [
      field('reports[0].kind', 'Art des Berichts', 'select', {
        options: [{ value: '', label: '– kein Bericht –' }, ...REPORT_KINDS.map((k) => ({ value: k, label: k }))],
      }),
      field('reports[0].addressee', 'Adressat', 'select', { options: addresseeOptions(issuers) }),
      field('reports[0].title', 'Titel des Berichts', 'text'),
      deadlineGroup(DUE, 'Fälligkeit', issuers, false),
    ]),
    field('registeredAt', 'Registriert am', 'date', {
      hint: 'Leer lassen: heute. Ein früheres Datum, um ein Gremium mit seiner Vorgeschichte zu erfassen (etwa eingereicht und beschlossen im Jahr 2025); nicht in der Zukunft.',
    }),
  ];
  const registered = same && !confirmed(values ?? {}) ? same : null;
  const start = values ?? { parent: issuers[0]?.value ?? '', 'reports[0].addressee': addresseeName(issuers[0]?.value ?? '') };
  const unplaced = fillForm(items, start, [...issues.map((issue) => formIssue(issue, values ?? {})), ...(registered ? [duplicateIssue] : [])]);
  return { id: 'registrierung', items, unplaced, registered };
}

/**
 * The registration as the write path takes it; what is missing is for its schema to name.
 * Refuses a title already registered (as the form import does) unless the form confirms a
 * second body under it.
 */
export function registrationInput(values: FormValues, bodies: Option[] = []) {
  const same = sameTitle(values, bodies);
  if (same && !confirmed(values)) {
    throw new DuplicateError('Ein Gremium mit diesem Titel ist bereits registriert.', { ...same });
  }
  const form = withMonths(values, ['expectedEnd.month', `${DUE}.month`]);
  const contacts = Array.from({ length: CONTACT_ROWS }, (_, i) => contactFrom(form, `contacts[${i}].`)).filter((c) => c !== undefined);
  // A Frist or a title without a kind is a report whose kind was forgotten: the schema asks for it.
  const due = deadlineFrom(form, DUE);
  const planned = optional(form, 'reports[0].kind') || optional(form, 'reports[0].title') || (due && dueGiven(form));
  const reports = planned
    ? [
        {
          kind: text(form, 'reports[0].kind'),
          addressee: addresseeName(text(form, 'reports[0].addressee')),
          due,
          ...(optional(form, 'reports[0].title') ? { title: optional(form, 'reports[0].title') } : {}),
        },
      ]
    : [];
  const predecessorName = optional(form, 'predecessors[0].name');
  const predecessorId = optional(form, 'predecessors[0].bodyId');
  const predecessors =
    predecessorName || predecessorId
      ? [{ name: predecessorName ?? bodies.find((b) => b.value === predecessorId)?.label ?? '', ...(predecessorId ? { bodyId: predecessorId } : {}) }]
      : undefined;
  const registeredAt = optional(form, 'registeredAt');
  return { ...profileFrom(form), contacts, reports, ...(predecessors ? { predecessors } : {}), ...(registeredAt ? { registeredAt } : {}) };
}

/** Reports go to an issuer under the name the form import and the event forms use (`IT-Planungsrat`). */
function addresseeOptions(issuers: Option[]): Option[] {
  return issuers.map((issuer) => ({ value: addresseeName(issuer.value), label: addresseeName(issuer.value) }));
}

/** The bodies registered under the form's title (the current title, compared as the import compares it). */
function sameTitle(values: FormValues, bodies: Option[]): RegisteredTitle | null {
  const title = text(values, 'title');
  const ids = title ? bodies.filter((b) => b.label === title).map((b) => b.value) : [];
  return ids.length > 0 ? { title, ids } : null;
}

function confirmed(values: FormValues): boolean {
  return text(values, CONFIRM_DUPLICATE) === 'on';
}

const duplicateIssue: FieldIssue = {
  path: 'title',
  message: 'Unter diesem Titel ist bereits ein Gremium registriert. Bitte einen anderen Titel wählen oder „Trotzdem registrieren (gleicher Titel)“ ankreuzen.',
};

/** A Frist with its value entered (a date, a month, a session, a year); a radio once clicked cannot be cleared, so the kind alone is none. */
function dueGiven(values: FormValues): boolean {
  return ['date', 'month', 'session', 'year'].some((key) => optional(values, `${DUE}.${key}`) !== undefined);
}

/** A report without a kind, as the form asks for it: the schema only knows the kind is none of the list. */
function formIssue(issue: FieldIssue, values: FormValues): FieldIssue {
  if (issue.path === 'reports[0].kind' && !optional(values, 'reports[0].kind')) {
    return { path: issue.path, message: 'Bitte die Art des Berichts wählen: eine Fälligkeit oder ein Titel des Berichts ist angegeben.' };
  }
  return issue;
}

/**
 * The month fields as the schema reads them (`2027-07`) where a browser without a month picker
 * let the user type `07.2027` or `7/2027`; anything else stays as typed, for the schema to name.
 */
function withMonths(values: FormValues, names: string[]): FormValues {
  const form = { ...values };
  for (const name of names) {
    const match = /^(\d{1,2})\s*[./]\s*(\d{4})$/.exec(text(values, name));
    if (match && Number(match[1]) >= 1 && Number(match[1]) <= 12) form[name] = `${match[2]}-${match[1].padStart(2, '0')}`;
  }
  return form;
}

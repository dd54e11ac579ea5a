import { REPORT_KINDS } from '../../machines';
import type { FieldIssue } from '../common/errors';
import { contactFields, contactFrom, deadlineFrom, deadlineGroup, profileFields, profileFrom } from './event-forms';
import { field, fillForm, group, optional, text, type FormItem, type FormValues, type Option } from './forms';

const CONTACT_ROWS = 2;

/** The registration form ("Gremium registrieren"): the fields of the paper form, contacts and a first report. */
export function registrationForm(issuers: Option[], values: FormValues | null, issues: FieldIssue[], bodies: Option[] = []) {
  const items: FormItem[] = [
    group('profil', 'Angaben zum Gremium', profileFields(issuers)),
    ...Array.from({ length: CONTACT_ROWS }, (_, i) =>
      group(`contacts[${i}]`, `Ansprechperson ${i + 1}${i === 0 ? '' : ' (optional)'}`, contactFields(`contacts[${i}].`)),
    ),
    group('predecessors[0]', 'Ersetzt ein anderes Gremium (optional)', [
      field('predecessors[0].name', 'Name des Vorgängers', 'text', { autocomplete: 'off', hint: 'z. B. „Koordinierungsprojekt Registermodernisierung“.' }),
      field('predecessors[0].bodyId', 'Registrierter Vorgänger', 'select', {
        options: [{ value: '', label: '– nicht registriert –' }, ...bodies],
        hint: 'Wenn der Vorgänger hier registriert ist: seine Seite zeigt dann die Nachfolge.',
      }),
    ]),
    group('reports[0]', 'Geplanter Bericht (optional)', [
      field('reports[0].kind', 'Art des Berichts', 'select', {
        options: [{ value: '', label: '– kein Bericht –' }, ...REPORT_KINDS.map((k) => ({ value: k, label: k }))],
      }),
      field('reports[0].addressee', 'Adressat', 'select', { options: issuers }),
      field('reports[0].title', 'Titel des Berichts', 'text'),
      deadlineGroup('reports[0].due', 'Fälligkeit', issuers, false),
    ]),
  ];
  const start = values ?? { parent: issuers[0]?.value ?? '', 'reports[0].addressee': issuers[0]?.value ?? '' };
  const unplaced = fillForm(items, start, issues);
  return { id: 'registrierung', items, unplaced };
}

/** The registration as the write path takes it; what is missing is for its schema to name. */
export function registrationInput(values: FormValues, bodies: Option[] = []) {
  const contacts = Array.from({ length: CONTACT_ROWS }, (_, i) => contactFrom(values, `contacts[${i}].`)).filter((c) => c !== undefined);
  const reports = optional(values, 'reports[0].kind')
    ? [
        {
          kind: text(values, 'reports[0].kind'),
          addressee: text(values, 'reports[0].addressee'),
          due: deadlineFrom(values, 'reports[0].due'),
          ...(optional(values, 'reports[0].title') ? { title: optional(values, 'reports[0].title') } : {}),
        },
      ]
    : [];
  const predecessorName = optional(values, 'predecessors[0].name');
  const predecessorId = optional(values, 'predecessors[0].bodyId');
  const predecessors =
    predecessorName || predecessorId
      ? [{ name: predecessorName ?? bodies.find((b) => b.value === predecessorId)?.label ?? '', ...(predecessorId ? { bodyId: predecessorId } : {}) }]
      : undefined;
  return { ...profileFrom(values), contacts, reports, ...(predecessors ? { predecessors } : {}) };
}

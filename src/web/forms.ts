/**
 * The form model the templates draw (`partials/form-items.eta`): fields and fieldsets with
 * German labels, the values last entered and the error of each field. Form posts arrive flat
 * (`application/x-www-form-urlencoded`), with names such as `contacts[0].name` kept literally and
 * days typed as TT.MM.JJJJ already read as ISO days (`withGermanDays`, applied by the parser).
 */
import type { FieldIssue } from '../common/errors';
import { NO_EMAIL } from '../common/zod-german';
import { germanDate } from '../../machines';

export interface Option {
  value: string;
  label: string;
}

/** Bodies as options, each labelled with its title; titles that several share get the body's id beside them. */
export function distinctLabels(bodies: ReadonlyArray<{ id: string; title: string }>): Option[] {
  const count = new Map<string, number>();
  for (const b of bodies) count.set(b.title, (count.get(b.title) ?? 0) + 1);
  return bodies.map((b) => ({ value: b.id, label: (count.get(b.title) ?? 0) > 1 ? `${b.title} (${b.id.slice(0, 8)})` : b.title }));
}

export interface FormField {
  type: 'field';
  name: string;
  label: string;
  kind: 'text' | 'password' | 'textarea' | 'date' | 'month' | 'number' | 'email' | 'tel' | 'select' | 'radio' | 'checkbox' | 'checkboxes';
  required?: boolean;
  hint?: string;
  options?: Option[];
  /** Text fields: the entered text; checkbox: 'on' when checked; checkboxes: the checked values. */
  value?: string | string[];
  error?: string;
  autocomplete?: string;
  min?: string;
  max?: string;
  rows?: number;
  /** A link after the field (e.g. to record what the list lacks): `value` is the address. */
  link?: Option;
  /** Classes of the field's box beside its own (the stylesheet shows an effect's fields for that effect only). */
  className?: string;
}

export interface FormGroup {
  type: 'group';
  /** The name errors of the whole group are filed under, e.g. `finalReportDue`. */
  name: string;
  legend: string;
  hint?: string;
  items: FormItem[];
  error?: string;
  /** Classes of the fieldset beside its own. */
  className?: string;
}

export type FormItem = FormField | FormGroup;

/** What the user typed, as the body parser hands it over. */
export type FormValues = Record<string, string | string[] | undefined>;

export function field(name: string, label: string, kind: FormField['kind'], extra: Partial<FormField> = {}): FormField {
  return { type: 'field', name, label, kind, ...extra };
}

export function group(name: string, legend: string, items: FormItem[], extra: Partial<FormGroup> = {}): FormGroup {
  return { type: 'group', name, legend, items, ...extra };
}

/** One text value of a form post (the last one if a name came twice). */
export function text(values: FormValues, name: string): string {
  return untrimmed(values, name).trim();
}

/** One text value as it was sent, blank lines and all: a pasted text whose line numbers count. */
export function untrimmed(values: FormValues, name: string): string {
  const value = values[name];
  return (Array.isArray(value) ? value[value.length - 1] : value) ?? '';
}

/** A text value, or undefined when the field was left empty. */
export function optional(values: FormValues, name: string): string | undefined {
  return text(values, name) || undefined;
}

/** Every value of a repeated name (checkboxes). */
export function all(values: FormValues, name: string): string[] {
  const value = values[name];
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).map((v) => v.trim()).filter(Boolean);
}

/** A textarea with one entry per line. */
export function lines(values: FormValues, name: string): string[] {
  return text(values, name)
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

function fieldNames(items: FormItem[]): FormItem[] {
  return items.flatMap((item) => (item.type === 'group' ? [item, ...fieldNames(item.items)] : [item]));
}

/**
 * The validator's wording (src/common/zod-german.ts) for people filling in a form: "Pflichtangabe
 * fehlt." is "Bitte ausfüllen." Messages of our own rules pass unchanged.
 */
export function plainMessage(message: string): string {
  if (message === 'Pflichtangabe fehlt.' || message === 'Darf nicht leer sein.') return 'Bitte ausfüllen.';
  if (message === 'Mindestens ein Eintrag.') return 'Bitte mindestens eine Angabe machen (eine je Zeile).';
  if (message.startsWith('Erlaubt ist eines von:')) return 'Bitte eine der angebotenen Möglichkeiten wählen.';
  if (message.startsWith('Erwartet wird eine ganze Zahl')) return 'Bitte eine ganze Zahl eingeben.';
  if (message.startsWith('Erwartet wird eine Zahl')) return 'Bitte eine Zahl eingeben.';
  if (message === NO_EMAIL) return 'Bitte eine gültige E-Mail-Adresse eingeben, z. B. name@example.de.';
  return message;
}

/** The fields of the web forms that ask for a day (`type="date"`), besides every `….date`. */
const DAY_FIELDS = new Set(['occurredAt', 'receivedOn', 'registeredAt', 'start', 'from', 'date', 'decisionDate', 'effectUntil', 'effectFrom']);

function isDayField(name: string): boolean {
  return DAY_FIELDS.has(name) || name.endsWith('.date');
}

/**
 * The days of a form post as the write path reads them (`2026-02-05`) where a browser without a
 * date picker let the user type them the German way (`05.02.2026`, `5.2.2026`); anything else
 * stays as typed, for the schema to name. Only the day fields (by name, see `DAY_FIELDS`) are
 * read: a password or a title that looks like a day is kept as sent. The form parser applies it
 * to every post (src/app.ts), so the form shown again holds the day so, which a date input can
 * display. Like the parsed post, the result has no prototype.
 */
export function withGermanDays(values: FormValues): FormValues {
  const form: FormValues = Object.create(null);
  for (const [name, value] of Object.entries(values)) {
    const match = typeof value === 'string' && isDayField(name) ? /^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*$/.exec(value) : null;
    form[name] = match ? `${match[3]}-${match[2].padStart(2, '0')}-${match[1].padStart(2, '0')}` : value;
  }
  return form;
}

/** The schema's words on a day it cannot read (for API clients: ISO 8601), as a date field says it. */
const UNREADABLE_DAY = [/^Erwartet ein existierendes Datum \(JJJJ-MM-TT\)/, /^Erwartet ein existierendes Kalenderdatum im Format JJJJ-MM-TT/];

/** A day field's error in the user's terms: a day that does not exist named as such, anything else unreadable asked for as TT.MM.JJJJ. */
function dayMessage(message: string, value: string): string {
  if (!UNREADABLE_DAY.some((pattern) => pattern.test(message))) return message;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return `Den ${germanDate(value)} gibt es nicht.`;
  return `Bitte den Tag als TT.MM.JJJJ angeben, z. B. 05.02.2026${value ? `; „${value}“ ist kein Tag` : ''}.`;
}

/**
 * Fills in the entered values and files each error under the field (or fieldset) whose name is
 * the longest prefix of the error's path; what fits nowhere is returned for the error summary.
 * `prefix` is stripped from paths first (`data.` for event forms).
 */
export function fillForm(items: FormItem[], values: FormValues | null, issues: FieldIssue[], prefix = ''): FieldIssue[] {
  const named = fieldNames(items);
  if (values) {
    for (const item of named) {
      if (item.type !== 'field') continue;
      if (item.kind === 'checkboxes') item.value = all(values, item.name);
      else if (item.kind === 'checkbox') item.value = text(values, item.name) ? 'on' : '';
      else item.value = text(values, item.name);
    }
  }
  const unplaced: FieldIssue[] = [];
  for (const { path: rawPath, message: raw } of issues) {
    const issue = { path: rawPath, message: plainMessage(raw) };
    const path = prefix && issue.path.startsWith(prefix) ? issue.path.slice(prefix.length) : issue.path;
    const target = named
      .filter((item) => path === item.name || path.startsWith(`${item.name}.`) || path.startsWith(`${item.name}[`))
      .sort((a, b) => b.name.length - a.name.length)[0];
    // A required single-line field left empty is asked for as such, whatever the schema says of
    // the empty text (a date's format, a number's range).
    if (target?.type === 'field' && target.required && SINGLE_LINE.has(target.kind) && path === target.name && values && isBlank(values[target.name])) {
      if (target.error) continue;
      issue.message = 'Bitte ausfüllen.';
    }
    if (target?.type === 'field' && target.kind === 'date' && path === target.name) issue.message = dayMessage(issue.message, text(values ?? {}, target.name));
    if (target && !target.error) target.error = issue.message;
    else if (target) target.error += ` ${issue.message}`;
    else unplaced.push(issue);
  }
  return unplaced;
}

const SINGLE_LINE = new Set<FormField['kind']>(['text', 'date', 'month', 'number', 'email', 'tel']);

function isBlank(value: string | string[] | undefined): boolean {
  return (Array.isArray(value) ? value : [value ?? '']).every((v) => v.trim() === '');
}

/**
 * The errors in page order, each with the id of the field it belongs to (for the error summary's
 * links) and its name as the form labels it: a label that several fields bear (`Monat`) is told
 * apart by the fieldsets around it (`Fälligkeit › Monat`).
 */
export function errorList(items: FormItem[], formId: string): Array<{ id: string; message: string; label: string }> {
  const failed = fieldNames(items).filter((item) => item.error);
  const labels = failed.length > 0 ? summaryLabels(items) : new Map<FormItem, string>();
  return failed.map((item) => ({
    id: item.type === 'group' ? fieldsetId(formId, item.name) : fieldId(formId, item.name, item),
    message: item.error!,
    label: labels.get(item)!,
  }));
}

/**
 * Each field's and fieldset's name for the error summary: its label, after as many legends of
 * the fieldsets around it as it takes to tell it from every other (`Fälligkeit › Monat` and
 * `Neue Frist / Frist für den Abschlussbericht › Monat`), the label alone where it is the only one.
 */
function summaryLabels(items: FormItem[]): Map<FormItem, string> {
  const paths: Array<{ item: FormItem; path: string[] }> = [];
  const walk = (list: FormItem[], legends: string[]) => {
    for (const item of list) {
      const path = [...legends, item.type === 'group' ? item.legend : item.label];
      paths.push({ item, path });
      if (item.type === 'group') walk(item.items, path);
    }
  };
  walk(items, []);
  const tail = (path: string[], n: number) => path.slice(-n).join(' › ');
  return new Map(
    paths.map(({ item, path }) => {
      let n = 1;
      while (n < path.length && paths.some((other) => other.item !== item && tail(other.path, n) === tail(path, n))) n++;
      return [item, tail(path, n)];
    }),
  );
}

/** A stable, valid HTML id for a field of a form. */
export function fieldId(formId: string, name: string, item?: FormField): string {
  const base = `${formId}-${name.replace(/[^A-Za-z0-9_-]+/g, '-')}`;
  // A radio group or checkbox list is focused at its first option.
  return item && (item.kind === 'radio' || item.kind === 'checkboxes') ? `${base}-0` : base;
}

export function fieldsetId(formId: string, name: string): string {
  return `${formId}-${name.replace(/[^A-Za-z0-9_-]+/g, '-')}-gruppe`;
}

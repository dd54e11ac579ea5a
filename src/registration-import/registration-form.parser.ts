/**
 * Reads a registration form ("Registrierung für Gremien oder Arbeitsformate des
 * IT-Planungsrates") in its text layout into the registration the write path takes, plus the
 * decision the form's result names and the approved-until date its justification gives.
 *
 * Pure: no clock, no I/O. A missing mandatory field or an unreadable date throws a
 * `FormImportError` that lists every problem with its line and field, so nothing half-read is
 * ever created.
 */
import { DEFAULT_ISSUERS, type Issuer } from '../../config/configuration';
import {
  BODY_KINDS,
  addresseeName,
  describeDue,
  describeRecurrence,
  FOCUS_TOPICS,
  germanDate,
  isCivilDate,
  type BodyKind,
  type CivilDate,
  type Deadline,
  type FocusTopic,
  type PlannedReport,
  type ReportKind,
  type TermEnd,
} from '../../machines';
import { registrationInputSchema, type RegistrationInput } from '../lifecycle/registration-input';
import type { NewContact } from '../contacts/contact-input';
import type { ContactCandidate } from '../contacts/contact-match';
import { FormImportError, type FormProblem } from './form-import.error';
import { fieldName, locateFields, type FieldKey, type FormField } from './form-fields';
import { findDate, findInYear, findMonth, inYear, type FoundDate, type FoundInYear, type FoundMonth } from './german-dates';

/** The decision that the form's result ("Ergebnis") names. */
export interface FormDecision {
  /** Canonical number with the issuer's suffix, e.g. `2024/09-AL`. */
  number: string;
  /** Issuer id, e.g. `AL-Runde`. */
  issuer: string;
  outcome: 'approved' | 'rejected';
  /** The decision date, when the form gives one ("Beschluss 2024/09 vom 12.06.2024"). */
  date?: CivilDate;
  procedure?: 'Sitzung' | 'Umlaufverfahren';
  session?: number;
}

export interface ParsedRegistrationForm {
  registration: RegistrationInput;
  decision?: FormDecision;
  /** "zunächst bis zum 31.03.2025" → `2025-03-31`. */
  approvedUntil?: TermEnd;
  /** The justification says the body was set up without end ("bis auf Weiteres", "unbefristet"). */
  approvedPermanently?: boolean;
  /** The text of "Begründung und Erläuterung", for the approval's note. */
  justification?: string;
  /** Things read with a guess or left out, in German; they do not stop the import. */
  warnings: string[];
  /**
   * For each of `registration.contacts`, whether the service holds that person already
   * („bereits erfasst“, reused with its id) or records a new one. Set by the import service, which
   * asks the database; the parser leaves it out.
   */
  contactMatches?: ContactPreview[];
}

/** A contact person of the form as the import will take it: a recorded one (`id`), a new one, or one named twice. */
export interface ContactPreview {
  status: 'existing' | 'new' | 'repeated';
  id?: string;
  /** Taken as chosen (`contact=NUMMER:ID`), not by the matching rule. */
  chosen?: true;
  /** Of a chosen person: the name the form gives (the registration holds the recorded person by id). */
  formName?: string;
  /**
   * Where the rule did not reuse a recorded person, or one was chosen: the recorded persons
   * that may be meant (those of the same name, and the chosen one), to choose from.
   */
  candidates?: ContactCandidate[];
}

export interface ParseOptions {
  /** The issuers whose decisions the form may cite (default: IT-PLR and AL-Runde). */
  issuers?: Issuer[];
  /**
   * The day of the form's decision when the caller knows it (given to apply it, or held in the
   * register) and the result does not date it: a start „mit Beschlussfassung“ begins then.
   */
  decisionDate?: CivilDate;
}

const MANDATORY: FieldKey[] = ['title', 'kind', 'leads', 'start', 'focusTopic'];

/** Extra ways forms name the default issuers, besides their id and full name. */
const ISSUER_ALIASES: Record<string, string[]> = {
  'IT-PLR': ['IT-Planungsrat(?:e?s)?', 'IT-PLR'],
  'AL-Runde': ['AL-Runde', 'Abteilungsleiter-?runde(?:\\s+des\\s+IT-Planungsrat(?:e?s)?)?'],
};

const REPORT_WORDS: Array<[RegExp, ReportKind]> = [
  [/Zwischenbericht|Sachstandsbericht|Statusbericht|Fortschrittsbericht|Halbjahresbericht|Quartalsbericht|(?:halb|viertel)jährliche[nrs]?\s+Bericht/iu, 'Zwischenbericht'],
  [/Abschlussbericht|Schlussbericht|Endbericht/iu, 'Abschlussbericht'],
  [/Jahresbericht|(?<!\p{L})jährliche[nrs]?\s+Bericht/iu, 'Jahresbericht'],
];
const ANY_REPORT_WORD = new RegExp(REPORT_WORDS.map(([pattern]) => pattern.source).join('|'), 'giu');

/** Words that make a report recurring, with its period in months; `alle 6 Monate` says it in numbers. */
const RECURRENCE_WORDS: Array<[RegExp, number]> = [
  [/(?<!\p{L})(?:halbjährlich|Halbjahresbericht)/iu, 6],
  [/(?<!\p{L})(?:vierteljährlich|quartalsweise|Quartalsbericht)/iu, 3],
  [/(?<!\p{L})monatlich/iu, 1],
  [/(?<!\p{L})(?:jährlich|jedes\s+Jahr|einmal\s+im\s+Jahr)/iu, 12],
];
const EVERY_N_MONTHS = /(?<!\p{L})alle\s+(\d{1,3})\s+Monate/iu;

/** How often a report recurs, in months, as its sentence says; null for a report due once. */
function recurrenceIn(segment: string): number | null {
  const every = EVERY_N_MONTHS.exec(segment);
  if (every) return Number(every[1]);
  return RECURRENCE_WORDS.find(([pattern]) => pattern.test(segment))?.[1] ?? null;
}

/** „zur ersten Sitzung eines Jahres“: a first session with no year of its own (a yearly report's). */
const FIRST_SESSION_OF_ANY_YEAR = /ersten\s+Sitzung\s+(?:des|eines|im)\s+(?:Jahres|Jahr)(?!\s+(?:19|20)\d{2})/iu;

/** A start that waits for the decision: „mit Beschlussfassung“, „nach Beschluss“, „ab Einrichtung“, „ab sofort“. */
const START_ON_DECISION = /(?<!\p{L})(?:(?:mit|nach|ab)\s+(?:der\s+|dem\s+)?(?:Beschluss(?:fassung)?|Einrichtung)|(?:ab\s+)?sofort)(?!\p{L})/iu;

/**
 * A result or justification that says no: „abgelehnt“, „Ablehnung“, or „nicht“ before the verb
 * of the same clause („Nicht als offizielles Format der AL-Runde aufgenommen“).
 */
const REJECTION = /(?<!\p{L})(?:abgelehnt|Ablehnung|nicht\s+(?:[^.;,:]*?\s)?(?:eingerichtet|angenommen|zugestimmt|beschlossen|aufgenommen|anerkannt|bestätigt))(?!\p{L})/iu;

const OPEN_END = /unbefristet|bis\s+auf\s+weiteres|dauerhaft|ständig|offen|entfällt|keine[ns]?|^\s*[-–—]+\s*$/iu;

/** Reads a registration form; throws `FormImportError` with every problem found. */
export function parseRegistrationForm(text: string, options: ParseOptions = {}): ParsedRegistrationForm {
  return new FormReader(normalize(text), options.issuers ?? DEFAULT_ISSUERS, options.decisionDate).read();
}

/**
 * The decision the form's result names, read without the rest of the form: what an import looks
 * up in the register before it reads the form (a start „mit Beschlussfassung“ begins on its day).
 */
export function decisionNamedIn(text: string, options: ParseOptions = {}): FormDecision | undefined {
  return new FormReader(normalize(text), options.issuers ?? DEFAULT_ISSUERS, undefined).namedDecision();
}

function normalize(text: string): string {
  return text
    .replace(/^\uFEFF/, '')
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/[\u00A0\u2007\u202F]/g, ' ')
    // Forms pasted from Markdown or a word processor: bold labels, soft hyphens, zero-width spaces.
    .replace(/\*\*|__/g, '')
    .replace(/[\u00AD\u200B\uFEFF]/g, '');
}

class FormReader {
  private readonly problems: FormProblem[] = [];
  private readonly warnings: string[] = [];
  /** The line each planned report was read from, by its index in `reports`. */
  private readonly reportLines: number[] = [];
  private readonly located: ReturnType<typeof locateFields>;
  private readonly issuerPatterns: Array<{ issuer: Issuer; pattern: RegExp }>;

  constructor(
    private readonly text: string,
    private readonly issuers: Issuer[],
    private readonly decisionDate: CivilDate | undefined,
  ) {
    this.located = locateFields(text);
    this.issuerPatterns = issuers.map((issuer) => {
      const names = [escape(issuer.id), escape(issuer.name), ...(ISSUER_ALIASES[issuer.id] ?? [])];
      return { issuer, pattern: new RegExp(`(?<![\\p{L}-])(?:${names.join('|')})(?![\\p{L}-])`, 'giu') };
    });
  }

  read(): ParsedRegistrationForm {
    this.splitPeriod();
    for (const duplicate of this.located.duplicates) {
      const first = this.located.fields.get(duplicate.key)!;
      this.warnings.push(
        `Zeile ${duplicate.line}: Feld „${duplicate.name}“ steht mehrfach im Formular; übernommen wird die Angabe aus Zeile ${first.line}.`,
      );
    }
    for (const key of MANDATORY) {
      const field = this.field(key);
      if (!field) this.problem(null, fieldName(key), 'Pflichtangabe fehlt im Formular.');
      else if (oneLine(field.raw) === '') this.problem(field.line, field.name, 'Pflichtangabe ist leer.');
    }

    const kind = this.readKind();
    const expectedEnd = this.readExpectedEnd();
    const permanent = this.readPermanent(kind.permanentHint ?? expectedEnd.permanentHint);
    const result = this.readResult();
    const parent = result.parent ?? this.headerIssuer() ?? 'IT-PLR';
    const objective = this.readObjective();
    const reportingPlan = paragraphs(this.field('reportingPlan')?.raw ?? '');
    const start = this.readStart(result.decision?.date ?? this.decisionDate) as CivilDate;

    const registration: RegistrationInput = {
      title: oneLine(this.field('title')?.raw ?? ''),
      shortName: this.optionalLine('shortName'),
      kind: kind.kind as BodyKind,
      permanent,
      parent,
      focusTopic: this.readFocusTopic() as FocusTopic,
      leads: splitList(this.field('leads')?.raw ?? ''),
      contactIds: [],
      participants: splitList(this.field('participants')?.raw ?? ''),
      start,
      expectedEnd: expectedEnd.date,
      objective: objective.objective,
      goals: objective.goals,
      fmkRelation: paragraphs(this.field('fmkRelation')?.raw ?? ''),
      reportingPlan,
      reports: this.readReports(reportingPlan, parent, start),
      resources: paragraphs(this.field('resources')?.raw ?? ''),
      contacts: this.readContacts(),
    };
    const approval = this.readApproval();

    if (this.problems.length === 0) this.validate(registration);
    if (this.problems.length > 0) throw new FormImportError(this.problems);

    const parsed: ParsedRegistrationForm = { registration, warnings: this.warnings };
    if (result.decision) parsed.decision = result.decision;
    if (approval.until) parsed.approvedUntil = approval.until;
    if (approval.permanently) parsed.approvedPermanently = true;
    const justification = paragraphs(this.field('justification')?.raw ?? '');
    if (justification) parsed.justification = justification;
    return parsed;
  }

  namedDecision(): FormDecision | undefined {
    return this.readResult().decision;
  }

  /** "Zeitraum: 17.06.2024 bis 31.12.2024" without the labels "Beginn"/"Ende": the first date is the start, the rest the end. */
  private splitPeriod(): void {
    const period = this.field('period');
    if (!period || this.field('start')) return;
    const first = findDate(period.raw);
    if (!first) return;
    const cut = first.index + first.raw.length;
    const fields = this.located.fields;
    fields.set('start', { ...period, key: 'start', name: fieldName('start'), raw: period.raw.slice(0, cut) });
    const rest = period.raw.slice(cut).replace(/^\s*(?:bis(?:\s+(?:zum|voraussichtlich))?|[-–—])?\s*/u, '');
    if (!this.field('expectedEnd') && rest.trim() !== '') {
      const offset = period.offset + period.raw.length - rest.length;
      fields.set('expectedEnd', { ...period, key: 'expectedEnd', name: fieldName('expectedEnd'), line: this.located.lineOf(offset), raw: rest, offset });
    }
  }

  private field(key: FieldKey): FormField | undefined {
    return this.located.fields.get(key);
  }

  private problem(line: number | null, field: string, message: string): void {
    this.problems.push({ line, field, message });
  }

  private optionalLine(key: FieldKey): string | null {
    const value = oneLine(this.field(key)?.raw ?? '');
    return value === '' ? null : value;
  }

  /** "(temporäre) Projektgruppe" → Projektgruppe; "temporär"/"dauerhaft" hint at the permanent flag. */
  private readKind(): { kind: BodyKind | undefined; permanentHint?: boolean } {
    const field = this.field('kind');
    const value = oneLine(field?.raw ?? '');
    if (!field || value === '') return { kind: undefined };
    const lower = value.toLowerCase();
    const kinds = BODY_KINDS.filter((kind) => kind !== 'Sonstiges Format');
    let kind: BodyKind | undefined = kinds
      .map((k) => ({ k, at: lower.indexOf(k.toLowerCase()) }))
      .filter(({ at }) => at >= 0)
      .sort((a, b) => a.at - b.at)[0]?.k;
    if (!kind && /(?<![\p{L}])PG(?![\p{L}])/u.test(value)) kind = 'Projektgruppe';
    if (!kind && /(?<![\p{L}])AG(?![\p{L}])/u.test(value)) kind = 'Arbeitsgruppe';
    if (!kind && /sonstig/iu.test(value)) kind = 'Sonstiges Format';
    if (!kind) {
      this.problem(field.line, field.name, `„${value}“ ist keine bekannte Art des Formates (erwartet: ${BODY_KINDS.join(', ')}).`);
    }
    const permanentHint = /temporär|befristet(?!\s*nein)/iu.test(value) && !/unbefristet/iu.test(value)
      ? false
      : /dauerhaft|ständig|permanent|unbefristet/iu.test(value)
        ? true
        : undefined;
    return { kind, permanentHint };
  }

  /** The checkbox "dauerhaftes Gremium" (or "dauerhaftes Gremium: ja"); else the hint from the kind or the end. */
  private readPermanent(hint: boolean | undefined): boolean {
    const field = this.field('permanent');
    if (!field) return hint ?? false;
    let checked: boolean;
    if (/^[<[(☐☑☒✓✔]/u.test(field.label)) {
      const marker = field.label.slice(0, field.label.search(/dauerhaft/iu));
      checked = /checked|\[\s*[xX✓✔]\s*\]|\(\s*[xX]\s*\)|[☑☒✓✔]/u.test(marker);
    } else {
      const answer = oneLine(field.raw).toLowerCase();
      if (/^(ja|x|yes|zutreffend)\b/u.test(answer)) checked = true;
      else if (/^(nein|no|-|nicht zutreffend)?(\s|$)/u.test(answer)) checked = false;
      else {
        this.problem(field.line, field.name, `„${oneLine(field.raw)}“ ist keine Antwort (erwartet: ja oder nein).`);
        return false;
      }
    }
    if (hint !== undefined && hint !== checked) {
      this.warnings.push(
        `Zeile ${field.line}: „dauerhaftes Gremium“ ist ${checked ? 'angekreuzt' : 'nicht angekreuzt'}, die Art des Formates sagt anderes; übernommen wird das Kästchen.`,
      );
    }
    return checked;
  }

  /**
   * The start of the work: a day; a month read as its first day (`Juli 2024` → 01.07.2024); or
   * „mit Beschlussfassung“ read as the day of the decision the result names with its date. The
   * import says which day it took.
   */
  private readStart(decisionDate: CivilDate | undefined): CivilDate | undefined {
    const field = this.field('start');
    if (!field || oneLine(field.raw) === '') return undefined;
    if (findDate(field.raw)) return this.dateIn(field, field.raw, field.offset);
    const said = oneLine(field.raw);
    const month = findMonth(field.raw);
    if (month?.month && month.unit === 'Monat') {
      const first = `${month.month}-01`;
      this.warnings.push(`Zeile ${field.line}: Beginn der Tätigkeit „${oneLine(month.raw)}“ nennt keinen Tag; übernommen wird der ${germanDate(first)} (Monatsanfang). Bitte prüfen.`);
      return first;
    }
    if (START_ON_DECISION.test(said)) {
      if (decisionDate) {
        this.warnings.push(`Zeile ${field.line}: Beginn der Tätigkeit „${said}“: übernommen wird der Tag des Beschlusses, ${germanDate(decisionDate)}. Bitte prüfen.`);
        return decisionDate;
      }
      this.problem(
        field.line,
        field.name,
        `„${said}“ nennt keinen Tag, und das Ergebnis nennt den Tag des Beschlusses nicht; bitte den Beginn als Datum eintragen (oder im Ergebnis z. B. „Beschluss 2024/09 vom 12.06.2024“, oder den Beschluss zuerst im Beschlussregister erfassen, oder beim Übernehmen mit dem Beschluss dessen Datum angeben).`,
      );
      return undefined;
    }
    return this.dateIn(field, field.raw, field.offset);
  }

  private dateIn(field: FormField, text: string, offset: number): CivilDate | undefined {
    const found = findDate(text);
    if (!found) {
      this.problem(field.line, field.name, `„${oneLine(text)}“ ist kein lesbares Datum (erwartet z. B. 17.06.2024 oder 17. Juni 2024).`);
      return undefined;
    }
    if (!found.date) {
      this.problem(this.located.lineOf(offset + found.index), field.name, `„${oneLine(found.raw)}“ ist kein gültiges Kalenderdatum.`);
      return undefined;
    }
    return found.date;
  }

  private readExpectedEnd(): { date: TermEnd | null; permanentHint?: boolean } {
    const field = this.field('expectedEnd');
    const value = oneLine(field?.raw ?? '');
    if (!field || value === '') return { date: null };
    if (!findDate(value)) {
      // "Ende 2025", "Dezember 2025": a year or a month, kept as written.
      const year = /^(?:(?:bis\s+)?Ende\s+)(\d{4})(?!\d)/iu.exec(value);
      if (year) return { date: { year: year[1] } };
      const month = findMonth(value);
      if (month?.month) {
        this.noteApproximate(field.line, 'Voraussichtliches Ende', month);
        return { date: { month: month.month } };
      }
    }
    if (!findDate(value) && OPEN_END.test(value)) {
      return { date: null, permanentHint: /unbefristet|bis\s+auf\s+weiteres|dauerhaft|ständig/iu.test(value) ? true : undefined };
    }
    return { date: this.dateIn(field, field.raw, field.offset) ?? null };
  }

  private readFocusTopic(): FocusTopic | undefined {
    const field = this.field('focusTopic');
    const value = oneLine(field?.raw ?? '');
    if (!field || value === '') return undefined;
    const lower = value.toLowerCase();
    // The first topic the text names (with or without "Digitale").
    const topic = FOCUS_TOPICS.map((t) => ({ t, at: lower.indexOf(t.replace(/^Digitale\s+/u, '').toLowerCase()) }))
      .filter(({ at }) => at >= 0)
      .sort((a, b) => a.at - b.at)[0]?.t;
    if (!topic) {
      this.problem(field.line, field.name, `„${value}“ ist kein bekanntes Schwerpunktthema (erwartet: ${FOCUS_TOPICS.join(', ')}).`);
    }
    return topic;
  }

  /**
   * "Zielstellung": the lines before the numbered list are the objective, each numbered item a
   * goal. A line right below an item (no blank line between) continues it.
   */
  private readObjective(): { objective: string; goals: string[] } {
    const lines = (this.field('objective')?.raw ?? '').split('\n');
    const prose: string[][] = [[]];
    const goals: string[] = [];
    let inGoal = false;
    for (const line of lines) {
      const item = /^\s*(?:\d{1,2}[.)]|[-–•*])\s+(.*)$/u.exec(line);
      if (item) {
        goals.push(item[1]);
        inGoal = true;
      } else if (line.trim() === '') {
        inGoal = false;
        if (prose[prose.length - 1].length > 0) prose.push([]);
      } else if (inGoal) {
        goals[goals.length - 1] += ` ${line}`;
      } else {
        prose[prose.length - 1].push(line);
      }
    }
    return {
      objective: prose.map((p) => oneLine(p.join(' '))).filter(Boolean).join('\n\n'),
      goals: goals.map(oneLine).filter(Boolean),
    };
  }

  /** "Ralf Stettner (Hessen), Dr. Pamela Müller-Niese (BMI, pamela@bmi.bund.de)" */
  private readContacts(): NewContact[] {
    const field = this.field('contacts');
    if (!field) return [];
    return splitList(field.raw, false).flatMap((item) => {
      const contact: NewContact = { name: '' };
      let rest = item;
      const email = /[\p{L}\d._%+-]+@[\p{L}\d-]+(?:\.[\p{L}\d-]+)+/u.exec(rest);
      if (email) {
        contact.email = email[0];
        rest = rest.replace(email[0], ' ');
      }
      const phone = /(?:Tel(?:efon)?\.?:?\s*)?\+?\d[\d\s/()-]{5,}\d/u.exec(rest);
      if (phone) {
        contact.phone = oneLine(phone[0].replace(/^Tel(?:efon)?\.?:?\s*/u, ''));
        rest = rest.replace(phone[0], ' ');
      }
      rest = rest.replace(/E-?Mail:?/giu, ' ');
      const organization = /\(([^()]*)\)/u.exec(rest);
      if (organization) {
        const org = oneLine(organization[1].replace(/^[\s,;:–-]+|[\s,;:–-]+$/gu, ''));
        if (org) contact.organization = org;
        rest = rest.replace(organization[0], ' ');
      }
      contact.name = oneLine(rest.replace(/[()]/gu, ' ').replace(/^[\s,;:–-]+|[\s,;:–-]+$/gu, ''));
      if (contact.name === '') {
        this.warnings.push(`Zeile ${field.line}: Ansprechperson „${oneLine(item)}“ ohne Namen wird nicht übernommen.`);
        return [];
      }
      if (contact.email && !/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/iu.test(contact.email)) {
        this.problem(field.line, field.name, `„${contact.email}“ ist keine gültige E-Mail-Adresse.`);
      }
      return [contact];
    });
  }

  /**
   * "Erster Zwischenbericht an den IT-Planungsrat im November 2024." → one obligation per report
   * word, with the addressee and the deadline from its sentence.
   */
  private readReports(plan: string, parent: string, start: CivilDate | undefined): PlannedReport[] {
    const field = this.field('reportingPlan');
    if (!field || plan === '') return [];
    if (plan.search(ANY_REPORT_WORD) === -1 && /Bericht/iu.test(plan)) {
      this.warnings.push(
        `Zeile ${field.line}: „Planung und Berichte“ nennt Berichte, aber keinen, den der Import als Zwischen-, Abschluss- oder Jahresbericht erkennt; es wird keine Berichtspflicht angelegt (der Text bleibt unter „Planung und Berichte“).`,
      );
      return [];
    }
    const defaultAddressee = this.addresseeOf(parent);
    // The n-th report word of the plan is the n-th one in the raw text: that gives each report its line.
    const lines = [...field.raw.matchAll(ANY_REPORT_WORD)].map((m) => this.located.lineOf(field.offset + m.index));
    let counted = 0;
    const reports: PlannedReport[] = [];
    for (const clause of clauses(plan)) {
      const words = [...clause.matchAll(ANY_REPORT_WORD)];
      const clauseAddressee = this.issuerMentions(clause)[0]?.issuer.id;
      words.forEach((word, i) => {
        const from = i === 0 ? 0 : word.index;
        const to = i + 1 < words.length ? words[i + 1].index : clause.length;
        const segment = clause.slice(from, to);
        const kind = REPORT_WORDS.find(([pattern]) => pattern.test(word[0]))![1];
        const addresseeId = this.issuerMentions(segment)[0]?.issuer.id ?? clauseAddressee;
        const addressee = addresseeId ? this.addresseeOf(addresseeId) : defaultAddressee;
        const line = lines[counted++] ?? field.line;
        // A Jahresbericht on a day or month without year (`Jahresbericht jeweils zum 31. März`) recurs yearly by its name.
        const yearless = (findInYear(segment) && !findDate(segment) && !findMonth(segment)) || FIRST_SESSION_OF_ANY_YEAR.test(segment);
        const everyMonths = recurrenceIn(segment) ?? (kind === 'Jahresbericht' && yearless ? 12 : null);
        const due = this.readDeadline(segment, addresseeId ?? parent, { ...field, line }, kind, everyMonths === null ? null : { everyMonths, start });
        if (!due) return;
        this.reportLines[reports.length] = line;
        if (everyMonths === null) reports.push({ kind, addressee, due });
        else if (due.kind === 'date' || due.kind === 'month' || (due.kind === 'firstSession' && everyMonths % 12 === 0)) {
          reports.push({ kind, addressee, due, recurrence: { everyMonths } });
        } else {
          this.warnings.push(
            `Zeile ${line}: ${kind} „${oneLine(segment)}“ wiederkehrend braucht als erste Frist ein Datum, einen Monat oder (jährlich) die erste Sitzung eines Jahres; angelegt wird nur diese eine Frist.`,
          );
          reports.push({ kind, addressee, due });
        }
      });
    }
    return reports;
  }

  private readDeadline(
    segment: string,
    issuer: string,
    field: FormField,
    kind: ReportKind,
    recurring: { everyMonths: number; start: CivilDate | undefined } | null,
  ): Deadline | undefined {
    const firstSession = this.firstSessionDeadline(segment, issuer, field, kind, recurring);
    if (firstSession !== null) return firstSession;
    const session = /(?:zur|zu\s+der|in\s+der|bis\s+zur)\s+(\d{1,3})\.\s*Sitzung/iu.exec(segment);
    if (session) {
      const named = this.issuerMentions(segment.slice(session.index + session[0].length))[0]?.issuer.id;
      return { kind: 'session', issuer: named ?? issuer, session: Number(session[1]) };
    }
    const date = findDate(segment);
    const month = findMonth(segment);
    if (date && (!month || date.index <= month.index)) {
      if (date.date) return { kind: 'date', date: date.date };
      this.problem(field.line, field.name, `${kind}: „${oneLine(date.raw)}“ ist kein gültiges Kalenderdatum.`);
      return undefined;
    }
    if (month) {
      if (!month.month) {
        this.problem(field.line, field.name, `${kind}: „${oneLine(month.raw)}“ ist kein ${month.unit === 'Monat' ? 'gültiger Monat' : `gültiges ${month.unit}`}.`);
        return undefined;
      }
      this.noteApproximate(field.line, kind, month);
      return { kind: 'month', month: month.month };
    }
    if (/bis\s+auf\s+weiteres/iu.test(segment)) return { kind: 'untilFurtherNotice' };
    const inYear = recurring ? findInYear(segment) : null;
    if (recurring && inYear) return this.firstRecurrence(segment, inYear, recurring, field, kind);
    if (/(?<!\d)(?:19|20)\d{2}(?!\d)/u.test(segment)) {
      this.problem(field.line, field.name, `${kind}: Frist in „${oneLine(segment)}“ ist nicht lesbar (erwartet z. B. „im November 2024“ oder „zum 30.11.2024“).`);
    } else {
      this.warnings.push(
        `Zeile ${field.line}: Für „${oneLine(segment)}“ ist keine Frist erkennbar; diese Berichtspflicht wird nicht angelegt (sie steht weiter im Text „Planung und Berichte“).`,
      );
    }
    return undefined;
  }

  /**
   * „zur ersten Sitzung 2025“, „jährlich zur ersten Sitzung eines Jahres (erstmals 2025)“: the
   * first session of a year of the issuer named after it (else the addressee's). Without a year,
   * a recurring report is first owed at the first session after the work began (the year after
   * the start: a year's first session falls in its first weeks), with a note; null when the
   * segment names no first session, undefined when it names no year and recurs not.
   */
  private firstSessionDeadline(
    segment: string,
    issuer: string,
    field: FormField,
    kind: ReportKind,
    recurring: { everyMonths: number; start: CivilDate | undefined } | null,
  ): Deadline | undefined | null {
    const first = /(?:zur|zu\s+der|in\s+der|bis\s+zur)\s+ersten\s+Sitzung(?:\s+(?:des|eines|im)\s+(?:Jahres|Jahr))?(?:\s+((?:19|20)\d{2})(?!\d))?/iu.exec(segment);
    if (!first) return null;
    const named = this.issuerMentions(segment.slice(first.index + first[0].length))[0]?.issuer.id ?? issuer;
    const year = first[1] ?? /(?<!\d)((?:19|20)\d{2})(?!\d)/u.exec(segment)?.[1];
    if (year) return { kind: 'firstSession', issuer: named, year: Number(year) };
    if (!recurring?.start) {
      this.warnings.push(
        `Zeile ${field.line}: ${kind} „${oneLine(first[0])}“ nennt kein Jahr; diese Berichtspflicht wird nicht angelegt (sie steht weiter im Text „Planung und Berichte“).`,
      );
      return undefined;
    }
    const due: Deadline = { kind: 'firstSession', issuer: named, year: Number(recurring.start.slice(0, 4)) + 1 };
    this.warnings.push(
      `Zeile ${field.line}: ${kind} „${oneLine(first[0])}“ ohne Jahr: erste Frist ${describeDue(due)} (die erste nach dem Beginn der Tätigkeit am ${germanDate(recurring.start)}), danach ${describeRecurrence({ everyMonths: recurring.everyMonths })}. Bitte prüfen.`,
    );
    return due;
  }

  /**
   * A recurring report's first Frist from a day or month without year (`jährlich zum 31.12.`,
   * `jährlich im November`): in the year the sentence names (`erstmals 2025`), else the first such
   * day or month from the start of the work on, and the import says which it took.
   */
  private firstRecurrence(
    segment: string,
    found: FoundInYear,
    { everyMonths, start }: { everyMonths: number; start: CivilDate | undefined },
    field: FormField,
    kind: ReportKind,
  ): Deadline | undefined {
    const named = /(?<!\d)((?:19|20)\d{2})(?!\d)/u.exec(segment)?.[1];
    if (!named && !start) {
      this.problem(field.line, field.name, `${kind}: „${oneLine(found.raw)}“ nennt kein Jahr und der Beginn der Tätigkeit fehlt; bitte die erste Frist mit Jahr nennen (z. B. „erstmals zum 31.12.2025“).`);
      return undefined;
    }
    const year = Number(named ?? start!.slice(0, 4));
    // A month counts from the start's month on: work that begins on 17.06. still owes a report "im Juni".
    const first = named || inYear(found, year) >= start!.slice(0, found.day === null ? 7 : 10) ? inYear(found, year) : inYear(found, year + 1);
    if (found.day !== null && !isCivilDate(first)) {
      this.problem(field.line, field.name, `${kind}: „${oneLine(found.raw)}“ ist im Jahr ${first.slice(0, 4)} kein gültiges Kalenderdatum.`);
      return undefined;
    }
    const due: Deadline = found.day === null ? { kind: 'month', month: first } : { kind: 'date', date: first };
    if (!named) {
      this.warnings.push(
        `Zeile ${field.line}: ${kind} „${oneLine(found.raw)}“ ohne Jahr: erste Frist ${describeDue(due)} (die erste ab dem Beginn der Tätigkeit am ${germanDate(start!)}), danach alle ${everyMonths} Monate. Bitte prüfen.`,
      );
    }
    return due;
  }

  /** Says how words that name no exact month (`Mitte 2025`, `im Herbst 2025`) were read: as the last month they can mean. */
  private noteApproximate(line: number, what: string, month: FoundMonth): void {
    if (!month.approximate || !month.month) return;
    this.warnings.push(
      `Zeile ${line}: ${what} „${oneLine(month.raw)}“ nennt keinen genauen Zeitpunkt; übernommen wird „${describeDue({ kind: 'month', month: month.month })}“ (bis zum Monatsende). Bitte prüfen.`,
    );
  }

  /** "Offizielles Format der AL-Runde, Beschluss 2024/09" → parent AL-Runde, decision 2024/09-AL. */
  private readResult(): { parent?: string; decision?: FormDecision } {
    const field = this.field('result');
    const value = oneLine(field?.raw ?? '');
    if (!field || value === '') return {};
    const mentions = this.issuerMentions(value);
    const parent = mentions[0]?.issuer.id;
    // The number ends where the word ends: „2024/09x“ is no number, not 2024/09.
    const number = /(?<![\d/])(\d{4})\s*\/\s*(\d{1,3})(?:\s*-\s*([A-Za-z]{1,10}))?(?![\d/\p{L}-])/u.exec(value);
    if (!number) {
      if (/Beschluss|Nr\./iu.test(value)) {
        this.problem(field.line, field.name, `Beschlussnummer in „${value}“ ist nicht lesbar (erwartet z. B. „Beschluss 2024/09“).`);
      } else {
        this.warnings.push(`Zeile ${field.line}: Das Ergebnis nennt keinen Beschluss; es wird kein Beschluss übernommen.`);
      }
      return { parent };
    }
    if (!/^(\d{2}|[1-9]\d{2})$/.test(number[2])) {
      this.problem(field.line, field.name, `Beschlussnummer „${number[0]}“: die laufende Nummer ist zweistellig zu schreiben (z. B. 2024/09); sie wird nicht ergänzt.`);
      return { parent };
    }
    let issuer: Issuer | undefined;
    if (number[3]) {
      issuer = this.issuers.find((i) => i.suffix?.toLowerCase() === number[3].toLowerCase());
      if (!issuer) {
        this.problem(field.line, field.name, `Beschlussnummer „${number[0]}“: das Kürzel „-${number[3]}“ gehört zu keinem beschließenden Gremium.`);
        return { parent };
      }
    } else {
      const nearest = [...mentions].sort(
        (a, b) => Math.abs(a.index - number.index) - Math.abs(b.index - number.index),
      )[0];
      issuer = nearest?.issuer ?? this.issuers.find((i) => i.id === (this.headerIssuer() ?? 'IT-PLR')) ?? this.issuers[0];
    }
    const decision: FormDecision = {
      number: `${number[1]}/${number[2]}${issuer.suffix ? `-${issuer.suffix}` : ''}`,
      issuer: issuer.id,
      outcome: REJECTION.test(value) ? 'rejected' : 'approved',
    };
    const justification = oneLine(this.field('justification')?.raw ?? '');
    if (decision.outcome === 'approved' && REJECTION.test(justification)) {
      this.warnings.push(
        `Zeile ${field.line}: Das Ergebnis liest sich als Zustimmung, die Begründung spricht von Ablehnung („${oneLine(REJECTION.exec(justification)![0])}“); übernommen wird „eingerichtet“. Bitte prüfen.`,
      );
    }
    const dated = /(?:vom|am)\s+/iu.exec(value.slice(number.index));
    const date: FoundDate | null = dated ? findDate(value.slice(number.index + dated.index)) : null;
    if (date) {
      if (date.date) decision.date = date.date;
      else this.problem(field.line, field.name, `Beschlussdatum „${oneLine(date.raw)}“ ist kein gültiges Kalenderdatum.`);
    }
    const context = `${value} ${oneLine(this.field('justification')?.raw ?? '')}`;
    const session = /(\d{1,3})\.\s*Sitzung/iu.exec(context);
    if (/Umlaufverfahren/iu.test(context)) decision.procedure = 'Umlaufverfahren';
    else if (session) {
      decision.procedure = 'Sitzung';
      decision.session = Number(session[1]);
    }
    return { parent: parent ?? issuer.id, decision };
  }

  /** "zunächst bis zum 31.03.2025", "bis Juli 2011", "bis Ende 2025" in the justification (or the result). */
  private readApproval(): { until?: TermEnd; permanently?: boolean } {
    for (const key of ['justification', 'result'] as const) {
      const field = this.field(key);
      if (!field) continue;
      const raw = field.raw;
      for (const bis of raw.matchAll(/(?<![\p{L}])bis(?:\s+(?:zum|zur|einschließlich|einschl\.|spätestens))*\s+/giu)) {
        const after = raw.slice(bis.index + bis[0].length);
        if (/^auf\s+weiteres/iu.test(after)) return { permanently: true };
        const endOf = /^Ende\s+(?:(\p{L}+\.?)\s+)?(\d{4})(?!\d)/iu.exec(after);
        if (endOf) {
          if (!endOf[1]) return { until: { year: endOf[2] } };
          const month = findMonth(`${endOf[1]} ${endOf[2]}`);
          if (month?.month) return { until: { month: month.month } };
        }
        const date = findDate(after);
        if (date && date.index === 0) {
          if (date.date) return { until: date.date };
          this.problem(this.located.lineOf(field.offset + bis.index), field.name, `„${oneLine(date.raw)}“ ist kein gültiges Kalenderdatum.`);
          return {};
        }
        // "zunächst bis Juli 2011": kept as a month (it runs through the month's last day).
        const month = findMonth(after);
        if (month?.month && month.index === 0) {
          this.noteApproximate(this.located.lineOf(field.offset + bis.index), 'Befristet bis', month);
          return { until: { month: month.month } };
        }
      }
      if (key === 'justification' && /unbefristet|dauerhaft\s+eingerichtet|entfristet/iu.test(raw)) return { permanently: true };
    }
    return {};
  }

  private headerIssuer(): string | undefined {
    const header = this.field('header');
    if (!header) return undefined;
    return this.issuerMentions(header.label)[0]?.issuer.id;
  }

  private addresseeOf(issuerId: string): string {
    return addresseeName(issuerId);
  }

  /** Where the text names an issuer, in reading order; a longer name hides the shorter one inside it. */
  private issuerMentions(text: string): Array<{ issuer: Issuer; index: number }> {
    const all = this.issuerPatterns
      .flatMap(({ issuer, pattern }) => [...text.matchAll(pattern)].map((m) => ({ issuer, index: m.index, end: m.index + m[0].length })))
      .sort((a, b) => a.index - b.index || b.end - a.end);
    const kept: typeof all = [];
    for (const mention of all) {
      if (kept.some((k) => mention.index < k.end && mention.end > k.index)) continue;
      kept.push(mention);
    }
    return kept;
  }

  /**
   * The schema has the last word (lengths, the end not before the start); its issues name the
   * form's field the value was read from, and the line: a planned report's own, where known.
   */
  private validate(registration: RegistrationInput): void {
    const parsed = registrationInputSchema.safeParse(registration);
    if (parsed.success) return;
    for (const issue of parsed.error.issues) {
      const [first, index] = issue.path;
      const key = (FORM_FIELD_OF[String(first ?? '')] ?? String(first ?? '')) as FieldKey;
      const field = this.field(key);
      const line = first === 'reports' && typeof index === 'number' ? (this.reportLines[index] ?? field?.line) : field?.line;
      this.problem(line ?? null, fieldName(key), issue.message);
    }
  }
}

/** The form's field a registration value is read from, where the two are named differently. */
const FORM_FIELD_OF: Record<string, FieldKey> = { reports: 'reportingPlan', goals: 'objective', contactIds: 'contacts' };

/** All whitespace (tabs, line breaks) as single spaces. */
function oneLine(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}

/** Paragraphs (split at blank lines) each on one line, separated by one blank line. */
function paragraphs(text: string): string {
  return text
    .split(/\n[ \t]*\n/u)
    .map(oneLine)
    .filter(Boolean)
    .join('\n\n');
}

/**
 * "Hessen, Bayern, Bund/BMI und FITKO" → four names. Splits at commas, semicolons, line
 * breaks, bullets and "und"/"sowie", never inside parentheses ("Bund (BMI)").
 */
function splitList(text: string, splitAtAnd = true): string[] {
  const items: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '(' || char === '[') depth++;
    if ((char === ')' || char === ']') && depth > 0) depth--;
    if (depth === 0) {
      if (char === ',' || char === ';' || char === '\n') {
        items.push(current);
        current = '';
        continue;
      }
      const conjunction = splitAtAnd ? /^\s+(?:und|sowie|&)\s+/iu.exec(text.slice(i)) : null;
      if (conjunction) {
        items.push(current);
        current = '';
        i += conjunction[0].length - 1;
        continue;
      }
    }
    current += char;
  }
  items.push(current);
  return items.map((item) => oneLine(item.replace(/^\s*[-–•*]\s+/u, '')).replace(/[.]$/u, '').trim()).filter(Boolean);
}

/** Sentences and list lines of a text; a period after a number ("45. Sitzung", "17. Juni") ends none. */
function clauses(text: string): string[] {
  return text
    .split(/(?<=[^\d\s.][.!?])\s+|;|\n/u)
    .map(oneLine)
    .filter(Boolean);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Finds the labelled fields of a registration form in its text layout. Labels may stand at the
 * start of a line ("1. Zielstellung:") or in the middle of one ("… (BMI)\tZeitraum: Beginn der
 * Tätigkeit: 17.06.2024"); a field's value runs from its label to the next label.
 */

export type FieldKey =
  | 'header'
  | 'title'
  | 'shortName'
  | 'kind'
  | 'leads'
  | 'contacts'
  | 'period'
  | 'start'
  | 'expectedEnd'
  | 'permanent'
  | 'focusTopic'
  | 'objective'
  | 'participants'
  | 'fmkRelation'
  | 'reportingPlan'
  | 'resources'
  | 'result'
  | 'justification';

interface FieldSpec {
  key: FieldKey;
  /** The label as the form prints it, for messages. */
  name: string;
  /** Alternatives for the label, as a regular expression source (case-insensitive). */
  label: string;
  /** Only at the start of a line (section headings of free-text fields), so prose cannot end a field early. */
  lineStart?: boolean;
  /** The label has no colon (the form's heading, the checkbox). */
  bare?: boolean;
}

/** The form's fields with their German names; the name appears in every message about the field. */
export const FIELD_SPECS: readonly FieldSpec[] = [
  {
    key: 'header',
    name: 'Überschrift',
    label: 'Registrierung\\s+(?:für|fuer)\\s+(?:Gremien|ein\\s+Gremium)(?:\\s+(?:oder|bzw\\.?|und)\\s+(?:ein\\s+)?Arbeitsformate?)?[^\\n:]*',
    lineStart: true,
    bare: true,
  },
  {
    key: 'title',
    name: 'Titel des Gremiums',
    label: '(?:Titel|Name|Bezeichnung)\\s+(?:des|der)\\s+(?:Gremiums|Arbeitsformate?s|Formate?s|Arbeitsgruppe|Projektgruppe)',
  },
  { key: 'title', name: 'Titel des Gremiums', label: 'Titel|Name|Bezeichnung', lineStart: true },
  { key: 'shortName', name: 'Kurzbezeichnung', label: 'Kurz(?:bezeichnung|titel|name|form)|Abkürzung' },
  { key: 'kind', name: 'Art des Formates', label: 'Art\\s+des\\s+(?:Arbeitsformate?s|Formate?s|Gremiums)|Formatart|Gremienart' },
  {
    key: 'leads',
    name: 'Federführung IT-PLR Mitglied',
    label:
      'Federführung(?:\\s*\\(?\\s*(?:durch\\s+)?(?:IT-PLR|IT-Planungsrat)?[-\\s]*Mitglied(?:er)?\\s*\\)?)?|Federführende[sr]?(?:\\s+(?:IT-PLR-)?Mitglied(?:er)?)?',
  },
  {
    key: 'contacts',
    name: 'Ansprechperson',
    label: 'Ansprechpersonen|Ansprechperson|Ansprechpartner(?:\\*?innen|:innen|innen|in)?|Kontaktpersonen?',
  },
  { key: 'period', name: 'Zeitraum', label: 'Zeitraum|Laufzeit' },
  { key: 'start', name: 'Beginn der Tätigkeit', label: 'Beginn(?:\\s+der\\s+Tätigkeit)?|Tätigkeitsbeginn|Start' },
  {
    key: 'expectedEnd',
    name: 'Voraussichtliches Ende',
    label: '(?:Voraussichtliches|Geplantes|Erwartetes)\\s+Ende(?:\\s+der\\s+Tätigkeit)?|Ende',
  },
  {
    key: 'permanent',
    name: 'dauerhaftes Gremium',
    label: '(?:<input\\b[^>]*>|\\[[ \\t]*[xX✓✔]?[ \\t]*\\]|\\([ \\t]*[xX]?[ \\t]*\\)|[☐☑☒✓✔])[ \\t]*dauerhafte[sr]?[ \\t]+(?:Gremium|Arbeitsformat|Format)',
    bare: true,
  },
  { key: 'permanent', name: 'dauerhaftes Gremium', label: 'dauerhafte[sr]?\\s+(?:Gremium|Arbeitsformat|Format)' },
  { key: 'focusTopic', name: 'Schwerpunktthema', label: 'Schwerpunktthema|Themenschwerpunkt|Schwerpunkt' },
  { key: 'objective', name: 'Zielstellung', label: 'Zielstellung|Zielsetzung|Ziele|Ziel', lineStart: true },
  { key: 'participants', name: 'Mitwirkung', label: 'Mitwirkung|Mitwirkende(?:\\s+Mitglieder)?|Beteiligte', lineStart: true },
  {
    key: 'fmkRelation',
    name: 'Fachministerkonferenzen',
    label: '(?:Bezug\\s+zu(?:r|\\s+den)?\\s+)?Fachministerkonferenz(?:en)?(?:\\s*\\(FMK\\))?|FMK(?:-Bezug)?',
    lineStart: true,
  },
  {
    key: 'reportingPlan',
    name: 'Planung und Berichte',
    label: 'Planung\\s+und\\s+Berichte|Berichte\\s+und\\s+Planung|Berichtsplanung|Berichtswesen|Berichte',
    lineStart: true,
  },
  { key: 'resources', name: 'Ressourcen', label: '(?:Benötigte\\s+)?Ressourcen(?:bedarf)?', lineStart: true },
  { key: 'result', name: 'Ergebnis', label: 'Ergebnis|Beschlussergebnis|Entscheidung', lineStart: true },
  {
    key: 'justification',
    name: 'Begründung und Erläuterung',
    label: 'Begründung(?:\\s+und\\s+Erläuterung(?:en)?)?|Erläuterung(?:en)?',
    lineStart: true,
  },
];

export function fieldName(key: FieldKey): string {
  return FIELD_SPECS.find((spec) => spec.key === key)?.name ?? key;
}

/** One labelled field as found in the text. */
export interface FormField {
  key: FieldKey;
  name: string;
  /** Line of the label, 1-based. */
  line: number;
  /** The label as written. */
  label: string;
  /** The text after the label up to the next label, unchanged. */
  raw: string;
  /** Offset of `raw` in the whole text. */
  offset: number;
}

export interface LocatedFields {
  fields: Map<FieldKey, FormField>;
  /** Fields written more than once: the first one counts. */
  duplicates: FormField[];
  lineOf(offset: number): number;
}

const SECTION_NUMBER = '(?:^[ \\t]*\\d{1,2}[.)][ \\t]*)?';

function compile(spec: FieldSpec): RegExp {
  const colon = spec.bare ? '' : '[ \\t]*:';
  const position = spec.lineStart ? '^[ \\t]*(?:\\d{1,2}[.)][ \\t]*)?' : `${SECTION_NUMBER}(?<![\\p{L}\\d-])`;
  return new RegExp(`${position}(?:${spec.label})${colon}`, 'gimu');
}

const PATTERNS = FIELD_SPECS.map((spec) => ({ spec, pattern: compile(spec) }));

/** Finds every labelled field. The text should already have `\n` line ends. */
export function locateFields(text: string): LocatedFields {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const lineOf = (offset: number): number => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (lineStarts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  };

  const matches = PATTERNS.flatMap(({ spec, pattern }) =>
    [...text.matchAll(pattern)].map((m) => ({ spec, start: m.index, end: m.index + m[0].length, label: m[0] })),
  ).sort((a, b) => a.start - b.start || b.end - a.end);

  // Where labels overlap ("Voraussichtliches Ende:" also contains "Ende:"), the earliest and longest wins.
  const labels: typeof matches = [];
  for (const match of matches) {
    const previous = labels[labels.length - 1];
    if (previous && match.start < previous.end) continue;
    labels.push(match);
  }

  const fields = new Map<FieldKey, FormField>();
  const duplicates: FormField[] = [];
  labels.forEach((match, i) => {
    const end = i + 1 < labels.length ? labels[i + 1].start : text.length;
    const field: FormField = {
      key: match.spec.key,
      name: match.spec.name,
      line: lineOf(match.start),
      label: match.label.trim(),
      raw: text.slice(match.end, end),
      offset: match.end,
    };
    if (fields.has(field.key)) duplicates.push(field);
    else fields.set(field.key, field);
  });
  return { fields, duplicates, lineOf };
}

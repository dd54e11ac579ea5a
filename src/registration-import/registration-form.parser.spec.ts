import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FormImportError, type FormProblem } from './form-import.error';
import { decisionNamedIn, parseRegistrationForm, type ParsedRegistrationForm } from './registration-form.parser';

const SEED = readFileSync(join(__dirname, '../../examples/registrierung-weiterentwicklung-struktur-ozg-foederal.txt'), 'utf8');

/** The seed form with some of its text replaced; each replacement must hit, so a test cannot pass vacuously. */
function seedWith(...replacements: Array<[string | RegExp, string]>): string {
  return replacements.reduce((text, [from, to]) => {
    const next = text.replace(from, to);
    if (next === text) throw new Error(`fixture: ${String(from)} not found in the seed form`);
    return next;
  }, SEED);
}

function problemsOf(text: string): FormProblem[] {
  try {
    parseRegistrationForm(text);
  } catch (error) {
    if (error instanceof FormImportError) return error.problems;
    throw error;
  }
  throw new Error('expected a FormImportError');
}

const seedResult: ParsedRegistrationForm = {
  registration: {
    title: 'Weiterentwicklung Struktur OZG Föderal',
    shortName: null,
    kind: 'Projektgruppe',
    permanent: false,
    parent: 'AL-Runde',
    focusTopic: 'Digitale Anwendungen',
    leads: ['Hessen', 'Bremen', 'Bund (BMI)'],
    contactIds: [],
    participants: ['Hessen', 'Bayern', 'Hamburg', 'Schleswig-Holstein', 'Bremen', 'Berlin', 'Bund/BMI', 'FITKO'],
    start: '2024-06-17',
    expectedEnd: '2024-12-31',
    objective:
      'Erarbeitung und Identifikation von Ordnungsstrukturen für die künftige Zusammenarbeit in der föderalen ' +
      'Verwaltungsdigitalisierung als Grundlage für eine Beschlussfassung des IT-PLR im Herbst 2024 und als Input ' +
      'für die föderale Digitalstrategie. Insbesondere sind dies:',
    goals: [
      'Festlegung von Kriterien und eines verbindlichen Verfahrens zum geordneten Abschluss der (operativen) ' +
        'Themenfeldarbeit als Grundlage zur Überführung dieser in Nachfolgestrukturen',
      'Entwicklung einer geeigneten Ordnungsstruktur für die Zusammenarbeit zwischen den Ländern sowie mit dem ' +
        'jeweilig zuständigen Bundesressort im Regelbetrieb (in Folge der operativen Themenfeld-Arbeit) und ' +
        'Verankerung in den Fachministerkonferenzen',
      'Entwicklung einer geeigneten Struktur zur Zusammenarbeit, mit der das EfA-Prinzip unter Berücksichtigung ' +
        'der Cloud-Strategie des IT-Planungsrates gestärkt wird.',
      'Erarbeitung eines gemeinsamen Verständnisses der qualitativen Weiterentwicklung der Onlinedienste ' +
        '(Once-Only, Ende-zu-Ende-Digitalisierung) und der dafür notwendigen Strukturen der Zusammenarbeit.',
    ],
    fmkRelation:
      'Als Ergebnis der Projektgruppe soll die Zusammenarbeit des IT-PLR und Fachministerkonferenzen und deren ' +
      'Strukturen konkretisiert sein.',
    reportingPlan: 'Erster Zwischenbericht an den IT-Planungsrat im November 2024.',
    reports: [{ kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due: { kind: 'month', month: '2024-11' } }],
    resources: 'Nein.',
    contacts: [
      { name: 'Ralf Stettner', organization: 'Hessen' },
      { name: 'Carola Heilemann-Jeschke', organization: 'Hansestadt Bremen' },
      { name: 'Dr. Pamela Müller-Niese', organization: 'BMI' },
    ],
  },
  decision: { number: '2024/09-AL', issuer: 'AL-Runde', outcome: 'approved' },
  approvedUntil: '2025-03-31',
  justification:
    'Die Aufnahme des Formats als offizielle Projektgruppe der AL-Runde wurde zunächst bis zum 31.03.2025 beschlossen.',
  warnings: [],
};

describe('parseRegistrationForm', () => {
  describe('the seed form', () => {
    it('reads every field exactly', () => {
      expect(parseRegistrationForm(SEED)).toEqual(seedResult);
    });

    it('is the same form as the one in the shared seed folder, where that exists', () => {
      let shared: string;
      try {
        shared = readFileSync(join(__dirname, '../../../shared/seed/registrierung-weiterentwicklung-struktur-ozg-foederal.txt'), 'utf8');
      } catch {
        return;
      }
      expect(parseRegistrationForm(shared)).toEqual(seedResult);
    });
  });

  describe('whitespace and layout', () => {
    it('reads the same with Windows line ends, a byte order mark and non-breaking spaces', () => {
      const text = '\uFEFF' + SEED.replace(/\n/g, '\r\n').replace('Titel des Gremiums: ', 'Titel des Gremiums:\u00A0');
      expect(parseRegistrationForm(text)).toEqual(seedResult);
    });

    it('reads the same when the labels are bold (Markdown) and the text has soft hyphens', () => {
      const text = SEED.replace(/^(\d\.\s*)?([A-ZÄÖÜ][\p{L} ]+):/gmu, '$1**$2:**').replace('Weiterentwicklung Struktur', 'Weiter\u00ADentwicklung Struktur');
      expect(text).toContain('**Titel des Gremiums:**');
      expect(parseRegistrationForm(text)).toEqual(seedResult);
    });

    it('reads the same when values wrap onto the next lines and spaces become tabs', () => {
      const text = seedWith(
        ['Titel des Gremiums: Weiterentwicklung Struktur OZG Föderal', 'Titel des Gremiums:\n\t  Weiterentwicklung\tStruktur\n   OZG Föderal  '],
        ['Art des Formates: (temporäre) Projektgruppe', '   Art des Formates:\t\t(temporäre)   Projektgruppe'],
        [' Ansprechperson: ', '\nAnsprechperson:\n'],
        ['Hessen, Bayern, Hamburg', 'Hessen,\nBayern,\n\tHamburg'],
        [
          'als Grundlage zur Überführung dieser in Nachfolgestrukturen',
          'als Grundlage zur\n   Überführung dieser in Nachfolgestrukturen',
        ],
        ['Erster Zwischenbericht an den IT-Planungsrat im November 2024.', 'Erster Zwischenbericht an den\nIT-Planungsrat im\nNovember 2024.'],
      );
      const parsed = parseRegistrationForm(text);
      expect(parsed.registration).toEqual({
        ...seedResult.registration,
        reportingPlan: 'Erster Zwischenbericht an den IT-Planungsrat im November 2024.',
      });
      expect(parsed.decision).toEqual(seedResult.decision);
    });

    it('reads the same when every field stands on its own line in another order', () => {
      const text = [
        'Registrierung für Gremien oder Arbeitsformate des IT-Planungsrates',
        'Ergebnis: Offizielles Format der AL-Runde, Beschluss 2024/09',
        'Schwerpunktthema: Digitale Anwendungen',
        'Beginn der Tätigkeit: 17.06.2024',
        'Voraussichtliches Ende: 31.12.2024',
        '<input type="checkbox"/> dauerhaftes Gremium',
        'Ansprechperson: Ralf Stettner (Hessen), Carola Heilemann-Jeschke (Hansestadt Bremen), Dr. Pamela Müller-Niese (BMI)',
        'Federführung IT-PLR Mitglied: Hessen, Bremen, Bund (BMI)',
        'Art des Formates: (temporäre) Projektgruppe',
        'Titel des Gremiums: Weiterentwicklung Struktur OZG Föderal',
        SEED.slice(SEED.indexOf('1. Zielstellung:'), SEED.indexOf('Ergebnis:')),
        SEED.slice(SEED.indexOf('Begründung und Erläuterung:')),
      ].join('\n\n');
      expect(parseRegistrationForm(text)).toEqual(seedResult);
    });
  });

  describe('dates', () => {
    it.each([
      ['17. Juni 2024', '31. Dezember 2024'],
      ['17.6.2024', '31.12.24'],
      ['2024-06-17', '2024-12-31'],
      ['17. Jun. 2024', '31. Dez. 2024'],
      ['17.06.2024 (geplant)', 'voraussichtlich 31.12.2024'],
    ])('reads start %s and end %s', (start, end) => {
      const parsed = parseRegistrationForm(seedWith(['17.06.2024', start], ['Ende: 31.12.2024', `Ende: ${end}`]));
      expect(parsed.registration.start).toBe('2024-06-17');
      expect(parsed.registration.expectedEnd).toBe('2024-12-31');
    });

    it('reads a period written without the labels for start and end', () => {
      const parsed = parseRegistrationForm(
        seedWith([/Zeitraum: Beginn der Tätigkeit: 17\.06\.2024 Voraussichtliches Ende: 31\.12\.2024/, 'Zeitraum: 17. Juni 2024 bis 31.12.2024']),
      );
      expect(parsed.registration.start).toBe('2024-06-17');
      expect(parsed.registration.expectedEnd).toBe('2024-12-31');
      expect(problemsOf(seedWith([/Zeitraum: Beginn der Tätigkeit: 17\.06\.2024 Voraussichtliches Ende: 31\.12\.2024/, 'Zeitraum: 17.06.2024 – 31.13.2024']))).toEqual([
        { line: 9, field: 'Voraussichtliches Ende', message: '„31.13.2024“ ist kein gültiges Kalenderdatum.' },
      ]);
    });

    it('reads "17. März 2025" with its umlaut', () => {
      const parsed = parseRegistrationForm(seedWith(['17.06.2024', '17. März 2024']));
      expect(parsed.registration.start).toBe('2024-03-17');
    });

    it('takes an open end as no expected end and an open-ended body as permanent', () => {
      const parsed = parseRegistrationForm(
        seedWith(['Ende: 31.12.2024', 'Ende: unbefristet'], ['(temporäre) Projektgruppe', 'Arbeitsgremium'], [/<input[^>]*>/, '']),
      );
      expect(parsed.registration.expectedEnd).toBeNull();
      expect(parsed.registration.kind).toBe('Arbeitsgremium');
      expect(parsed.registration.permanent).toBe(true);
    });

    it('reads the approved-until date in its other German forms', () => {
      expect(parseRegistrationForm(seedWith(['bis zum 31.03.2025', 'bis zum 31. März 2025'])).approvedUntil).toBe('2025-03-31');
      expect(parseRegistrationForm(seedWith(['bis zum 31.03.2025', 'bis einschließlich 2025-03-31'])).approvedUntil).toBe('2025-03-31');
    });

    it('keeps a month or a year as written: "zunächst bis Juli 2011", "bis Ende März 2025", "bis Ende 2025"', () => {
      expect(parseRegistrationForm(seedWith(['zunächst bis zum 31.03.2025', 'zunächst bis Juli 2011'])).approvedUntil).toEqual({ month: '2011-07' });
      expect(parseRegistrationForm(seedWith(['bis zum 31.03.2025', 'bis Ende März 2025'])).approvedUntil).toEqual({ month: '2025-03' });
      expect(parseRegistrationForm(seedWith(['bis zum 31.03.2025', 'bis Ende 2025'])).approvedUntil).toEqual({ year: '2025' });
    });

    it('reads a quarter as its last month: "im 1. Quartal 2026" ends 31.03.2026, "bis Ende des 2. Quartals 2026" 30.06.2026', () => {
      expect(parseRegistrationForm(seedWith(['zunächst bis zum 31.03.2025', 'zunächst bis Ende des 2. Quartals 2026'])).approvedUntil).toEqual({ month: '2026-06' });
      expect(parseRegistrationForm(seedWith(['zunächst bis zum 31.03.2025', 'zunächst bis zum 1. Quartal 2026'])).approvedUntil).toEqual({ month: '2026-03' });
      expect(parseRegistrationForm(seedWith(['Ende: 31.12.2024', 'Ende: im 1. Quartal 2026'])).registration.expectedEnd).toEqual({ month: '2026-03' });
      expect(parseRegistrationForm(seedWith(['Ende: 31.12.2024', 'Ende: Q4/2026'])).registration.expectedEnd).toEqual({ month: '2026-12' });
      const reports = parseRegistrationForm(seedWith(['im November 2024.', 'im 1. Quartal 2026.'])).registration.reports;
      expect(reports?.[0].due).toEqual({ kind: 'month', month: '2026-03' });
    });

    it('reads a half-year and the end of a year as their last month, without a note', () => {
      const parsed = parseRegistrationForm(seedWith(['Erster Zwischenbericht an den IT-Planungsrat im November 2024.', 'Zwischenbericht im 1. Halbjahr 2026, Abschlussbericht Ende 2026, Sachstandsbericht H2/2027.']));
      expect(parsed.registration.reports?.map((r) => [r.kind, r.due])).toEqual([
        ['Zwischenbericht', { kind: 'month', month: '2026-06' }],
        ['Abschlussbericht', { kind: 'month', month: '2026-12' }],
        ['Zwischenbericht', { kind: 'month', month: '2027-12' }],
      ]);
      expect(parsed.warnings).toEqual([]);
      expect(parseRegistrationForm(seedWith(['zunächst bis zum 31.03.2025', 'zunächst bis Ende des Jahres 2026'])).approvedUntil).toEqual({ month: '2026-12' });
    });

    it('reads „Mitte 2026“ and a season as the last month they can mean, and says so', () => {
      const parsed = parseRegistrationForm(seedWith(['Erster Zwischenbericht an den IT-Planungsrat im November 2024.', 'Zwischenbericht im Herbst 2025, Abschlussbericht Mitte 2026.']));
      expect(parsed.registration.reports?.map((r) => r.due)).toEqual([
        { kind: 'month', month: '2025-11' },
        { kind: 'month', month: '2026-06' },
      ]);
      expect(parsed.warnings).toEqual([
        'Zeile 31: Zwischenbericht „Herbst 2025“ nennt keinen genauen Zeitpunkt; übernommen wird „im November 2025“ (bis zum Monatsende). Bitte prüfen.',
        'Zeile 31: Abschlussbericht „Mitte 2026“ nennt keinen genauen Zeitpunkt; übernommen wird „im Juni 2026“ (bis zum Monatsende). Bitte prüfen.',
      ]);
      const approval = parseRegistrationForm(seedWith(['zunächst bis zum 31.03.2025', 'zunächst bis zum Frühjahr 2026']));
      expect(approval.approvedUntil).toEqual({ month: '2026-05' });
      expect(approval.warnings).toEqual([expect.stringMatching(/^Zeile \d+: Befristet bis „Frühjahr 2026“ nennt keinen genauen Zeitpunkt; übernommen wird „im Mai 2026“/)]);
      const end = parseRegistrationForm(seedWith(['Ende: 31.12.2024', 'Ende: Sommer 2025']));
      expect(end.registration.expectedEnd).toEqual({ month: '2025-08' });
      expect(end.warnings).toEqual([expect.stringContaining('Voraussichtliches Ende „Sommer 2025“ nennt keinen genauen Zeitpunkt; übernommen wird „im August 2025“')]);
    });

    it('does not read a winter (it spans two years) nor a half-year that does not exist', () => {
      expect(problemsOf(seedWith(['im November 2024.', 'im Winter 2025.']))).toEqual([
        { line: 31, field: 'Planung und Berichte', message: expect.stringContaining('Frist in „Erster Zwischenbericht an den IT-Planungsrat im Winter 2025.“ ist nicht lesbar') },
      ]);
      expect(problemsOf(seedWith(['im November 2024.', 'im 3. Halbjahr 2026.']))).toEqual([
        { line: 31, field: 'Planung und Berichte', message: 'Zwischenbericht: „3. Halbjahr 2026“ ist kein gültiges Halbjahr.' },
      ]);
    });

    it('names a quarter that does not exist', () => {
      expect(problemsOf(seedWith(['im November 2024.', 'im 5. Quartal 2026.']))).toEqual([
        { line: 31, field: 'Planung und Berichte', message: 'Zwischenbericht: „5. Quartal 2026“ ist kein gültiges Quartal.' },
      ]);
    });

    it('reads an approval "bis auf Weiteres" as approved without end', () => {
      const parsed = parseRegistrationForm(seedWith(['zunächst bis zum 31.03.2025', 'bis auf Weiteres']));
      expect(parsed.approvedUntil).toBeUndefined();
      expect(parsed.approvedPermanently).toBe(true);
    });
  });

  describe('the permanent checkbox', () => {
    it.each([
      ['<input type="checkbox" checked/>'],
      ['<input type="checkbox" checked="checked" />'],
      ['[x]'],
      ['☒'],
    ])('reads %s as permanent', (box) => {
      const parsed = parseRegistrationForm(seedWith(['<input type="checkbox"/>', box], ['(temporäre) Projektgruppe', 'Projektgruppe']));
      expect(parsed.registration.permanent).toBe(true);
      expect(parsed.warnings).toEqual([]);
    });

    it.each([['[ ]'], ['☐'], ['<input type="checkbox">']])('reads %s as not permanent', (box) => {
      expect(parseRegistrationForm(seedWith(['<input type="checkbox"/>', box])).registration.permanent).toBe(false);
    });

    it('reads "dauerhaftes Gremium: ja" as permanent', () => {
      const parsed = parseRegistrationForm(
        seedWith(['<input type="checkbox"/> dauerhaftes Gremium', '\nDauerhaftes Gremium: ja'], ['(temporäre) ', '']),
      );
      expect(parsed.registration.permanent).toBe(true);
    });

    it('follows a ticked box over a "temporäre" kind and says so', () => {
      const parsed = parseRegistrationForm(seedWith(['<input type="checkbox"/>', '<input type="checkbox" checked/>']));
      expect(parsed.registration.permanent).toBe(true);
      expect(parsed.warnings).toEqual([expect.stringContaining('angekreuzt')]);
    });
  });

  describe('wording variations', () => {
    it('reads other labels for the same fields', () => {
      const parsed = parseRegistrationForm(
        seedWith(
          ['Titel des Gremiums:', 'Titel des Formats:'],
          ['Art des Formates: (temporäre) Projektgruppe', 'Art des Formats: AG'],
          ['Federführung IT-PLR Mitglied:', 'Federführung (IT-PLR-Mitglied):'],
          ['Ansprechperson:', 'Ansprechpartner*innen:'],
          ['Schwerpunktthema: Digitale Anwendungen', 'Themenschwerpunkt: Informationssicherheit'],
          ['1. Zielstellung:', 'Zielsetzung:'],
          ['3. Fachministerkonferenzen:', '3. Bezug zu den Fachministerkonferenzen (FMK):'],
          ['4. Planung und Berichte:', '4) Berichtsplanung:'],
          ['5. Ressourcen:', 'Benötigte Ressourcen:'],
          ['Begründung und Erläuterung:', 'Erläuterungen:'],
        ),
      );
      expect(parsed.registration).toEqual({ ...seedResult.registration, kind: 'Arbeitsgruppe', focusTopic: 'Informationssicherheit' });
      expect(parsed.approvedUntil).toBe('2025-03-31');
    });

    it('reads a focus topic without "Digitale", and the first one a text names', () => {
      expect(parseRegistrationForm(seedWith(['Digitale Anwendungen', 'Anwendungen'])).registration.focusTopic).toBe('Digitale Anwendungen');
      expect(parseRegistrationForm(seedWith(['Digitale Anwendungen', 'Informationssicherheit / Digitale Infrastruktur'])).registration.focusTopic).toBe(
        'Informationssicherheit',
      );
    });

    it('reads goals given as bullets and keeps text after the list as part of the objective', () => {
      const parsed = parseRegistrationForm(
        seedWith(['1. Festlegung', '- Festlegung'], ['2. Entwicklung', '• Entwicklung'], [/Zusammenarbeit\.\n/, 'Zusammenarbeit.\n\nDie Ziele sind bis Ende 2024 erreicht.\n']),
      );
      expect(parsed.registration.goals).toEqual(seedResult.registration.goals);
      expect(parsed.registration.objective).toBe(`${seedResult.registration.objective}\n\nDie Ziele sind bis Ende 2024 erreicht.`);
    });

    it('reads contact persons with e-mail address and phone number', () => {
      const parsed = parseRegistrationForm(
        seedWith([
          'Ralf Stettner (Hessen), Carola Heilemann-Jeschke (Hansestadt Bremen), Dr. Pamela Müller-Niese (BMI)',
          'Ralf Stettner (Hessen, ralf.stettner@digital.hessen.de, Tel. +49 611 123456); Dr. Pamela Müller-Niese (BMI)',
        ]),
      );
      expect(parsed.registration.contacts).toEqual([
        { name: 'Ralf Stettner', organization: 'Hessen', email: 'ralf.stettner@digital.hessen.de', phone: '+49 611 123456' },
        { name: 'Dr. Pamela Müller-Niese', organization: 'BMI' },
      ]);
    });

    it('reads a short name when the form gives one', () => {
      const parsed = parseRegistrationForm(seedWith(['\n\nArt des Formates', '\nKurzbezeichnung: PG OZG-Struktur\n\nArt des Formates']));
      expect(parsed.registration.shortName).toBe('PG OZG-Struktur');
    });
  });

  describe('reports', () => {
    it('makes one obligation per report, with dates, months and sessions', () => {
      const parsed = parseRegistrationForm(
        seedWith([
          'Erster Zwischenbericht an den IT-Planungsrat im November 2024.',
          'Erster Zwischenbericht an den IT-Planungsrat im November 2024; zweiter Zwischenbericht an die AL-Runde zur 45. Sitzung.\n' +
            'Der Abschlussbericht wird der AL-Runde bis zum 15. März 2025 vorgelegt.\n' +
            'Ein Jahresbericht zur 47. Sitzung des IT-Planungsrats.',
        ]),
      );
      expect(parsed.registration.reports).toEqual([
        { kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due: { kind: 'month', month: '2024-11' } },
        { kind: 'Zwischenbericht', addressee: 'AL-Runde', due: { kind: 'session', issuer: 'AL-Runde', session: 45 } },
        { kind: 'Abschlussbericht', addressee: 'AL-Runde', due: { kind: 'date', date: '2025-03-15' } },
        { kind: 'Jahresbericht', addressee: 'IT-Planungsrat', due: { kind: 'session', issuer: 'IT-PLR', session: 47 } },
      ]);
    });

    it('reads a report „zur ersten Sitzung“ of a year, also recurring yearly, with the year it names or, failing that, the one after the start', () => {
      const plan = (text: string) => seedWith(['Erster Zwischenbericht an den IT-Planungsrat im November 2024.', text]);
      expect(parseRegistrationForm(plan('Abschlussbericht an die AL-Runde zur ersten Sitzung 2025.')).registration.reports).toEqual([
        { kind: 'Abschlussbericht', addressee: 'AL-Runde', due: { kind: 'firstSession', issuer: 'AL-Runde', year: 2025 } },
      ]);
      const named = parseRegistrationForm(plan('Jahresbericht an die AL-Runde jährlich zur ersten Sitzung eines Jahres, erstmals 2025.'));
      expect(named.registration.reports).toEqual([
        { kind: 'Jahresbericht', addressee: 'AL-Runde', due: { kind: 'firstSession', issuer: 'AL-Runde', year: 2025 }, recurrence: { everyMonths: 12 } },
      ]);
      // The seed's work begins on 17.06.2024: the first session of 2024 lies before it.
      const unnamed = parseRegistrationForm(plan('Jahresbericht an die AL-Runde jährlich zur ersten Sitzung eines Jahres.'));
      expect(unnamed.registration.reports).toEqual([
        { kind: 'Jahresbericht', addressee: 'AL-Runde', due: { kind: 'firstSession', issuer: 'AL-Runde', year: 2025 }, recurrence: { everyMonths: 12 } },
      ]);
      expect(unnamed.warnings).toContain(
        'Zeile 31: Jahresbericht „zur ersten Sitzung eines Jahres“ ohne Jahr: erste Frist zur ersten Sitzung 2025 (AL-Runde) (die erste nach dem Beginn der Tätigkeit am 17.06.2024), danach jährlich. Bitte prüfen.',
      );
      // A Jahresbericht recurs by its name; another report due once needs its year.
      expect(parseRegistrationForm(plan('Jahresbericht zur ersten Sitzung eines Jahres.')).registration.reports).toEqual([
        { kind: 'Jahresbericht', addressee: 'AL-Runde', due: { kind: 'firstSession', issuer: 'AL-Runde', year: 2025 }, recurrence: { everyMonths: 12 } },
      ]);
      const once = parseRegistrationForm(plan('Abschlussbericht an die AL-Runde zur ersten Sitzung eines Jahres.'));
      expect([once.registration.reports, once.warnings]).toEqual([[], [expect.stringContaining('„zur ersten Sitzung eines Jahres“ nennt kein Jahr; diese Berichtspflicht wird nicht angelegt')]]);
    });

    it('reads two reports in one sentence', () => {
      const parsed = parseRegistrationForm(
        seedWith(['Erster Zwischenbericht an den IT-Planungsrat im November 2024.', 'Zwischenbericht im November 2024 und Abschlussbericht im 03/2025 an die AL-Runde.']),
      );
      expect(parsed.registration.reports).toEqual([
        { kind: 'Zwischenbericht', addressee: 'AL-Runde', due: { kind: 'month', month: '2024-11' } },
        { kind: 'Abschlussbericht', addressee: 'AL-Runde', due: { kind: 'month', month: '2025-03' } },
      ]);
    });

    it('reads a recurring report: its period from the words, its first Frist from the date or month', () => {
      const parsed = parseRegistrationForm(
        seedWith([
          'Erster Zwischenbericht an den IT-Planungsrat im November 2024.',
          'Halbjährliche Berichte an die AL-Runde, erstmals im Dezember 2024. Ein jährlicher Bericht an den IT-Planungsrat zum 31.03.2025. Sachstandsbericht alle 4 Monate ab 30.09.2024.',
        ]),
      );
      expect(parsed.registration.reports).toEqual([
        { kind: 'Zwischenbericht', addressee: 'AL-Runde', due: { kind: 'month', month: '2024-12' }, recurrence: { everyMonths: 6 } },
        { kind: 'Jahresbericht', addressee: 'IT-Planungsrat', due: { kind: 'date', date: '2025-03-31' }, recurrence: { everyMonths: 12 } },
        { kind: 'Zwischenbericht', addressee: 'AL-Runde', due: { kind: 'date', date: '2024-09-30' }, recurrence: { everyMonths: 4 } },
      ]);
      expect(parsed.warnings).toEqual([]);
    });

    it('takes a recurring report’s day without year first in the year the sentence names, else from the start of the work, and says so', () => {
      // The seed's work begins on 17.06.2024.
      const fromStart = parseRegistrationForm(seedWith(['Erster Zwischenbericht an den IT-Planungsrat im November 2024.', 'Jahresbericht jeweils zum 31. März.']));
      expect(fromStart.registration.reports).toEqual([{ kind: 'Jahresbericht', addressee: 'AL-Runde', due: { kind: 'date', date: '2025-03-31' }, recurrence: { everyMonths: 12 } }]);
      expect(fromStart.warnings).toEqual([
        'Zeile 31: Jahresbericht „31. März“ ohne Jahr: erste Frist zum 31.03.2025 (die erste ab dem Beginn der Tätigkeit am 17.06.2024), danach alle 12 Monate. Bitte prüfen.',
      ]);
      const named = parseRegistrationForm(seedWith(['Erster Zwischenbericht an den IT-Planungsrat im November 2024.', 'Jahresbericht jährlich zum 31.12., erstmals 2025.']));
      expect(named.registration.reports?.[0]).toMatchObject({ due: { kind: 'date', date: '2025-12-31' }, recurrence: { everyMonths: 12 } });
      expect(named.warnings).toEqual([]);
      // A month without year likewise: from the start's own month on.
      const inMonth = (plan: string) => parseRegistrationForm(seedWith(['Erster Zwischenbericht an den IT-Planungsrat im November 2024.', plan]));
      expect(inMonth('Jahresbericht jeweils im Juni.').registration.reports?.[0]).toMatchObject({ due: { kind: 'month', month: '2024-06' }, recurrence: { everyMonths: 12 } });
      expect(inMonth('Halbjährlicher Bericht im Mai.').registration.reports?.[0]).toMatchObject({ due: { kind: 'month', month: '2025-05' }, recurrence: { everyMonths: 6 } });
      expect(inMonth('Jahresbericht jeweils im Juni.').warnings).toEqual([
        'Zeile 31: Jahresbericht „Juni“ ohne Jahr: erste Frist im Juni 2024 (die erste ab dem Beginn der Tätigkeit am 17.06.2024), danach alle 12 Monate. Bitte prüfen.',
      ]);
      // A report due once needs its year, as before.
      expect(parseRegistrationForm(seedWith(['Erster Zwischenbericht an den IT-Planungsrat im November 2024.', 'Zwischenbericht zum 31.12.'])).warnings).toEqual([
        expect.stringContaining('keine Frist erkennbar'),
      ]);
      expect(problemsOf(seedWith(['Erster Zwischenbericht an den IT-Planungsrat im November 2024.', 'Jahresbericht jährlich zum 31.02.']))).toEqual([
        { line: 31, field: 'Planung und Berichte', message: 'Jahresbericht: „31.02.“ ist im Jahr 2025 kein gültiges Kalenderdatum.' },
      ]);
    });

    it('says so when the plan names reports the import does not recognise, instead of leaving them out silently', () => {
      const parsed = parseRegistrationForm(seedWith(['Erster Zwischenbericht an den IT-Planungsrat im November 2024.', 'Berichte erfolgen nach Bedarf.']));
      expect(parsed.registration.reports).toEqual([]);
      expect(parsed.warnings).toEqual([expect.stringContaining('nennt Berichte, aber keinen, den der Import als Zwischen-, Abschluss- oder Jahresbericht erkennt')]);
      expect(parseRegistrationForm(seedWith(['Erster Zwischenbericht an den IT-Planungsrat im November 2024.', 'Keine.'])).warnings).toEqual([]);
    });

    it('leaves a report without any deadline in the text only, with a warning', () => {
      const parsed = parseRegistrationForm(
        seedWith(['Erster Zwischenbericht an den IT-Planungsrat im November 2024.', 'Zwischenbericht nach Bedarf.']),
      );
      expect(parsed.registration.reports).toEqual([]);
      expect(parsed.registration.reportingPlan).toBe('Zwischenbericht nach Bedarf.');
      expect(parsed.warnings).toEqual([expect.stringContaining('keine Frist erkennbar')]);
    });
  });

  describe('result and decision', () => {
    it('keeps an issuer suffix that the number carries', () => {
      const parsed = parseRegistrationForm(seedWith(['Beschluss 2024/09', 'Beschluss Nr. 2024/08-AL']));
      expect(parsed.decision).toEqual({ number: '2024/08-AL', issuer: 'AL-Runde', outcome: 'approved' });
    });

    it('reads a result that says no as a rejection, also with „nicht“ before the verb of its clause', () => {
      for (const result of ['Nicht als offizielles Format der AL-Runde aufgenommen, Beschluss 2024/16', 'Beschluss 2024/16: abgelehnt', 'Ablehnung, Beschluss 2024/16']) {
        expect(parseRegistrationForm(seedWith(['Offizielles Format der AL-Runde, Beschluss 2024/09', result])).decision?.outcome).toBe('rejected');
      }
      expect(parseRegistrationForm(seedWith(['Offizielles Format der AL-Runde, Beschluss 2024/09', 'Offizielles Format, nicht nur befristet, Beschluss 2024/16'])).decision?.outcome).toBe('approved');
    });

    it('notes a justification that speaks of a rejection where the result reads as approval', () => {
      const parsed = parseRegistrationForm(seedWith(['wurde zunächst bis zum 31.03.2025 beschlossen.', 'wurde abgelehnt.']));
      expect(parsed.decision?.outcome).toBe('approved');
      expect(parsed.warnings).toContain('Zeile 37: Das Ergebnis liest sich als Zustimmung, die Begründung spricht von Ablehnung („abgelehnt“); übernommen wird „eingerichtet“. Bitte prüfen.');
    });

    it('names the decision of a form that cannot be read as a whole (an import looks up its day before reading the rest)', () => {
      const waiting = seedWith(['Beginn der Tätigkeit: 17.06.2024', 'Beginn der Tätigkeit: mit Beschlussfassung']);
      expect(problemsOf(waiting)).toEqual([expect.objectContaining({ line: 9, field: 'Beginn der Tätigkeit' })]);
      expect(decisionNamedIn(waiting)).toEqual({ number: '2024/09-AL', issuer: 'AL-Runde', outcome: 'approved' });
      expect(decisionNamedIn(seedWith(['Beschluss 2024/09', 'Beschluss 2024/09 vom 12.06.2024']))).toMatchObject({ date: '2024-06-12' });
      expect(decisionNamedIn(seedWith(['Ergebnis: Offizielles Format der AL-Runde, Beschluss 2024/09', 'Ergebnis: offen']))).toBeUndefined();
    });

    it.each(['Beschluss 2024/09x', 'Beschluss Nr. 2024/8-AL', 'Beschluss 2024/09-ALx'])('refuses „%s“ with an error naming the line, instead of guessing a number', (result) => {
      expect(problemsOf(seedWith(['Beschluss 2024/09', result]))).toEqual([
        { line: 37, field: 'Ergebnis', message: expect.stringContaining('Beschlussnummer') },
      ]);
    });

    it('reads an IT-PLR decision with its date and procedure', () => {
      const parsed = parseRegistrationForm(
        seedWith(['Offizielles Format der AL-Runde, Beschluss 2024/09', 'Offizielles Format des IT-Planungsrats, Beschluss 2024/31 vom 12. Juni 2024 im Umlaufverfahren']),
      );
      expect(parsed.registration.parent).toBe('IT-PLR');
      expect(parsed.decision).toEqual({ number: '2024/31', issuer: 'IT-PLR', outcome: 'approved', date: '2024-06-12', procedure: 'Umlaufverfahren' });
    });

    it('reads a session number', () => {
      const parsed = parseRegistrationForm(seedWith(['Beschluss 2024/09', 'Beschluss 2024/09 in der 12. Sitzung']));
      expect(parsed.decision).toMatchObject({ procedure: 'Sitzung', session: 12 });
    });

    it('reads a rejection', () => {
      const parsed = parseRegistrationForm(seedWith(['Offizielles Format der AL-Runde, Beschluss 2024/09', 'Von der AL-Runde abgelehnt, Beschluss 2024/09']));
      expect(parsed.decision).toEqual({ number: '2024/09-AL', issuer: 'AL-Runde', outcome: 'rejected' });
    });

    it('has no decision and the header issuer as parent when the form has no result yet', () => {
      const parsed = parseRegistrationForm(SEED.slice(0, SEED.indexOf('Ergebnis:')));
      expect(parsed.decision).toBeUndefined();
      expect(parsed.approvedUntil).toBeUndefined();
      expect(parsed.registration.parent).toBe('IT-PLR');
    });
  });

  describe('problems', () => {
    it('names a missing title, without a line', () => {
      expect(problemsOf(seedWith([/Titel des Gremiums:.*\n/, '']))).toEqual([
        { line: null, field: 'Titel des Gremiums', message: 'Pflichtangabe fehlt im Formular.' },
      ]);
    });

    it('names an unreadable start date with its line', () => {
      expect(problemsOf(seedWith(['17.06.2024', 'Mitte Juni']))).toEqual([
        { line: 9, field: 'Beginn der Tätigkeit', message: expect.stringContaining('„Mitte Juni“ ist kein lesbares Datum') },
      ]);
    });

    it('reads a start given as a month as its first day, with a note; a period or a season stays unreadable', () => {
      const parsed = parseRegistrationForm(seedWith(['Beginn der Tätigkeit: 17.06.2024', 'Beginn der Tätigkeit: Juli 2024']));
      expect(parsed.registration.start).toBe('2024-07-01');
      expect(parsed.warnings).toEqual(['Zeile 9: Beginn der Tätigkeit „Juli 2024“ nennt keinen Tag; übernommen wird der 01.07.2024 (Monatsanfang). Bitte prüfen.']);
      for (const start of ['im 3. Quartal 2024', 'Herbst 2024']) {
        expect(problemsOf(seedWith(['Beginn der Tätigkeit: 17.06.2024', `Beginn der Tätigkeit: ${start}`]))).toEqual([
          { line: 9, field: 'Beginn der Tätigkeit', message: expect.stringContaining('ist kein lesbares Datum') },
        ]);
      }
    });

    it('reads a start „mit Beschlussfassung“ as the day of the decision the result dates, with a note; without that day it asks for one', () => {
      const dated = parseRegistrationForm(
        seedWith(['Beginn der Tätigkeit: 17.06.2024', 'Beginn der Tätigkeit: mit Beschlussfassung'], ['Beschluss 2024/09', 'Beschluss 2024/09 vom 12.06.2024']),
      );
      expect(dated.registration.start).toBe('2024-06-12');
      expect(dated.warnings).toEqual(['Zeile 9: Beginn der Tätigkeit „mit Beschlussfassung“: übernommen wird der Tag des Beschlusses, 12.06.2024. Bitte prüfen.']);
      expect(problemsOf(seedWith(['Beginn der Tätigkeit: 17.06.2024', 'Beginn der Tätigkeit: ab sofort']))).toEqual([
        {
          line: 9,
          field: 'Beginn der Tätigkeit',
          message:
            '„ab sofort“ nennt keinen Tag, und das Ergebnis nennt den Tag des Beschlusses nicht; bitte den Beginn als Datum eintragen (oder im Ergebnis z. B. „Beschluss 2024/09 vom 12.06.2024“, oder den Beschluss zuerst im Beschlussregister erfassen, oder beim Übernehmen mit dem Beschluss dessen Datum angeben).',
        },
      ]);
      // The day the caller gives for the decision it applies.
      const given = parseRegistrationForm(seedWith(['Beginn der Tätigkeit: 17.06.2024', 'Beginn der Tätigkeit: ab sofort']), { decisionDate: '2024-06-13' });
      expect(given.registration.start).toBe('2024-06-13');
    });

    it('names an impossible date', () => {
      expect(problemsOf(seedWith(['31.12.2024', '31.13.2024']))).toEqual([
        { line: 9, field: 'Voraussichtliches Ende', message: '„31.13.2024“ ist kein gültiges Kalenderdatum.' },
      ]);
    });

    it('lists every problem at once, in German, with lines', () => {
      const text = seedWith(
        ['Art des Formates: (temporäre) Projektgruppe', 'Art des Formates: Arbeitskreis'],
        ['Schwerpunktthema: Digitale Anwendungen', 'Schwerpunktthema: '],
        ['bis zum 31.03.2025', 'bis zum 31.02.2025'],
        [/Federführung IT-PLR Mitglied: Hessen, Bremen, Bund \(BMI\) /, ''],
      );
      let error: unknown;
      try {
        parseRegistrationForm(text);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(FormImportError);
      const problems = (error as FormImportError).problems;
      expect(problems).toEqual([
        { line: null, field: 'Federführung IT-PLR Mitglied', message: 'Pflichtangabe fehlt im Formular.' },
        { line: 10, field: 'Schwerpunktthema', message: 'Pflichtangabe ist leer.' },
        { line: 7, field: 'Art des Formates', message: expect.stringContaining('„Arbeitskreis“ ist keine bekannte Art des Formates') },
        { line: 41, field: 'Begründung und Erläuterung', message: '„31.02.2025“ ist kein gültiges Kalenderdatum.' },
      ]);
      expect((error as Error).message).toContain('Das Registrierungsformular kann nicht übernommen werden (4 Fehler)');
      expect((error as Error).message).toContain('- Zeile 7, Feld „Art des Formates“');
    });

    it('names an end before the start', () => {
      expect(problemsOf(seedWith(['31.12.2024', '31.12.2023']))).toEqual([
        { line: 9, field: 'Voraussichtliches Ende', message: 'Das voraussichtliche Ende liegt vor dem Beginn der Tätigkeit.' },
      ]);
    });

    it('names a decision number it cannot read, and one with an unknown suffix', () => {
      expect(problemsOf(seedWith(['Beschluss 2024/09', 'Beschluss Nr. neun']))).toEqual([
        { line: 37, field: 'Ergebnis', message: expect.stringContaining('Beschlussnummer') },
      ]);
      expect(problemsOf(seedWith(['Beschluss 2024/09', 'Beschluss 2024/09-XY']))).toEqual([
        { line: 37, field: 'Ergebnis', message: expect.stringContaining('„-XY“ gehört zu keinem beschließenden Gremium') },
      ]);
    });

    it('names a report deadline it cannot read', () => {
      expect(problemsOf(seedWith(['im November 2024', 'im Novembr 2024']))).toEqual([
        { line: 31, field: 'Planung und Berichte', message: expect.stringContaining('Frist in „Erster Zwischenbericht an den IT-Planungsrat im Novembr 2024.“ ist nicht lesbar') },
      ]);
    });
  });
});

import type { RegistrationInput } from '../lifecycle/registration-input';

/**
 * The real registration form in examples/registrierung-weiterentwicklung-struktur-ozg-foederal.txt,
 * field by field, as a fixture for tests and benchmarks (test/seed.e2e-spec.ts checks it against
 * the form). The service itself seeds by importing the form.
 */
export const EXAMPLE_REGISTRATION: RegistrationInput = {
  title: 'Weiterentwicklung Struktur OZG Föderal',
  kind: 'Projektgruppe',
  permanent: false,
  parent: 'AL-Runde',
  focusTopic: 'Digitale Anwendungen',
  leads: ['Hessen', 'Bremen', 'Bund (BMI)'],
  contacts: [
    { name: 'Ralf Stettner', organization: 'Hessen' },
    { name: 'Carola Heilemann-Jeschke', organization: 'Hansestadt Bremen' },
    { name: 'Dr. Pamela Müller-Niese', organization: 'BMI' },
  ],
  participants: ['Hessen', 'Bayern', 'Hamburg', 'Schleswig-Holstein', 'Bremen', 'Berlin', 'Bund/BMI', 'FITKO'],
  start: '2024-06-17',
  expectedEnd: '2024-12-31',
  objective:
    'Erarbeitung und Identifikation von Ordnungsstrukturen für die künftige Zusammenarbeit in der föderalen Verwaltungsdigitalisierung als Grundlage für eine Beschlussfassung des IT-PLR im Herbst 2024 und als Input für die föderale Digitalstrategie. Insbesondere sind dies:',
  goals: [
    'Festlegung von Kriterien und eines verbindlichen Verfahrens zum geordneten Abschluss der (operativen) Themenfeldarbeit als Grundlage zur Überführung dieser in Nachfolgestrukturen',
    'Entwicklung einer geeigneten Ordnungsstruktur für die Zusammenarbeit zwischen den Ländern sowie mit dem jeweilig zuständigen Bundesressort im Regelbetrieb (in Folge der operativen Themenfeld-Arbeit) und Verankerung in den Fachministerkonferenzen',
    'Entwicklung einer geeigneten Struktur zur Zusammenarbeit, mit der das EfA-Prinzip unter Berücksichtigung der Cloud-Strategie des IT-Planungsrates gestärkt wird.',
    'Erarbeitung eines gemeinsamen Verständnisses der qualitativen Weiterentwicklung der Onlinedienste (Once-Only, Ende-zu-Ende-Digitalisierung) und der dafür notwendigen Strukturen der Zusammenarbeit.',
  ],
  fmkRelation:
    'Als Ergebnis der Projektgruppe soll die Zusammenarbeit des IT-PLR und Fachministerkonferenzen und deren Strukturen konkretisiert sein.',
  reportingPlan: 'Erster Zwischenbericht an den IT-Planungsrat im November 2024.',
  reports: [{ kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due: { kind: 'month', month: '2024-11' }, title: 'Erster Zwischenbericht' }],
  resources: 'Nein.',
};

/**
 * Guards the machine version: replays streams recorded under each version (test/fixtures/) and
 * fails when the statechart's answer changes — then the change needs a new BODY_MACHINE_VERSION,
 * with the old chart kept in machines/ and in src/audit/machine-versions.ts for replay.
 *
 * Re-record the fixtures of the *current* version (only while no production data exists under
 * it) with: RECORD_FIXTURES=1 npx jest test/audit-machine-versions.spec.ts
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BODY_MACHINE_ID, BODY_MACHINE_VERSION, type PersistedBody } from '../machines';
import type { EventRecord } from '../src/event-log/event-hash';
import { verifyChains } from '../src/audit/chain-verifier';
import { MACHINE_VERSIONS, machineFingerprint, machineVersion } from '../src/audit/machine-versions';
import { replayRecords } from '../src/audit/replay';
import { decisionFacts, lead, recordStream, type Step } from './audit-builders';

const FIXTURES = join(__dirname, 'fixtures');
const FINGERPRINTS = join(FIXTURES, 'machine-fingerprints.json');
const RECORD = process.env.RECORD_FIXTURES === '1';

interface Fixture {
  description: string;
  machine: { id: string; version: number };
  events: EventRecord[];
  expected: { steps: Array<{ version: number; state: unknown }>; final: PersistedBody };
}

const report = (kind: 'Zwischenbericht' | 'Jahresbericht', month: string) => ({ kind, addressee: 'IT-Planungsrat', due: { kind: 'month', month } });

/** The lifecycles recorded for the current version: every state and most transitions. */
const SCENARIOS: Record<string, { description: string; steps: Step[]; registeredAt?: string }> = {
  'closed-with-reports': {
    description: 'Eingerichtet, Bericht fällig/eingereicht/zur Kenntnis genommen, verlängert, umbenannt, Federführung und Mitwirkung geändert, geordnet abgeschlossen',
    steps: [
      { type: 'submitted', occurredAt: '2024-05-10T09:00:00.000Z', actor: lead },
      { type: 'approved', data: { approvedUntil: '2025-03-31', reports: [report('Zwischenbericht', '2024-11')] }, occurredAt: '2024-06-20T12:00:00.000Z', decision: decisionFacts('2024/09', '2024-06-20') },
      { type: 'started', occurredAt: '2024-07-01T07:00:00.000Z' },
      { type: 'reportDue', data: { obligationId: 'r1' }, occurredAt: '2024-11-01T06:00:00.000Z' },
      { type: 'reportSubmitted', data: { obligationId: 'r1', documentRef: 'DMS-4711' }, occurredAt: '2024-11-20T10:00:00.000Z', actor: lead },
      { type: 'reportAcknowledged', data: { obligationId: 'r1' }, occurredAt: '2024-12-05T10:00:00.000Z', decision: decisionFacts('2024/31', '2024-12-05') },
      { type: 'termExpiring', occurredAt: '2025-03-01T06:00:00.000Z' },
      { type: 'extended', data: { approvedUntil: '2025-12-31' }, occurredAt: '2025-03-12T10:00:00.000Z', decision: decisionFacts('2025/03', '2025-03-12') },
      { type: 'renamed', data: { title: 'OZG-föderal 2.0', shortName: 'OZG2' }, occurredAt: '2025-04-10T10:00:00.000Z', decision: decisionFacts('2025/07', '2025-04-10') },
      { type: 'leadsChanged', data: { leads: ['Hessen'] }, occurredAt: '2025-05-10T10:00:00.000Z' },
      { type: 'participantsChanged', data: { participants: ['Bund', 'Bayern'] }, occurredAt: '2025-05-11T10:00:00.000Z' },
      { type: 'closureInitiated', data: { finalReportDue: { kind: 'date', date: '2025-10-31' } }, occurredAt: '2025-06-01T10:00:00.000Z' },
      { type: 'reportSubmitted', data: { obligationId: 'r2' }, occurredAt: '2025-10-20T10:00:00.000Z', actor: lead },
      { type: 'reportAcknowledged', data: { obligationId: 'r2' }, occurredAt: '2025-11-05T10:00:00.000Z' },
      { type: 'closed', data: { noSuccessorReason: 'Ergebnisse in den Regelbetrieb übergegangen' }, occurredAt: '2025-11-20T10:00:00.000Z', decision: decisionFacts('2025/40', '2025-11-20') },
    ],
  },
  'expired-permanent-dissolved': {
    description: 'Bericht überfällig, Laufzeit abgelaufen, entfristet, aufgelöst',
    steps: [
      { type: 'submitted', occurredAt: '2024-05-10T09:00:00.000Z', actor: lead },
      { type: 'approved', data: { approvedUntil: '2024-12-31', reports: [report('Jahresbericht', '2025-01')] }, occurredAt: '2024-06-20T12:00:00.000Z', decision: decisionFacts('2024/10', '2024-06-20') },
      { type: 'started', occurredAt: '2024-07-01T07:00:00.000Z' },
      { type: 'termExpiring', occurredAt: '2024-12-01T06:00:00.000Z' },
      { type: 'reportRequested', data: report('Zwischenbericht', '2024-12'), occurredAt: '2024-12-02T06:00:00.000Z' },
      { type: 'reportDue', data: { obligationId: 'r2' }, occurredAt: '2024-12-03T06:00:00.000Z' },
      { type: 'termExpired', occurredAt: '2025-01-01T06:00:00.000Z' },
      { type: 'reportOverdue', data: { obligationId: 'r2' }, occurredAt: '2025-01-02T06:00:00.000Z' },
      { type: 'madePermanent', occurredAt: '2025-02-01T10:00:00.000Z', decision: decisionFacts('2025/01', '2025-02-01') },
      { type: 'dissolved', data: { reason: 'Auftrag erledigt' }, occurredAt: '2025-06-01T10:00:00.000Z', decision: decisionFacts('2025/20', '2025-06-01') },
    ],
  },
  'revised-then-rejected': {
    description: 'Zur Überarbeitung zurückgegeben, überarbeitet, erneut eingereicht, abgelehnt',
    steps: [
      { type: 'submitted', occurredAt: '2024-05-10T09:00:00.000Z', actor: lead },
      { type: 'returnedForRevision', data: { reason: 'Ziele präzisieren' }, occurredAt: '2024-05-20T09:00:00.000Z' },
      { type: 'revised', data: { goals: ['Struktur bewerten', 'Vorschlag bis 30.11. vorlegen'] }, occurredAt: '2024-05-25T09:00:00.000Z', actor: lead },
      { type: 'submitted', occurredAt: '2024-05-26T09:00:00.000Z', actor: lead },
      { type: 'rejected', data: { reason: 'Doppelt zu bestehender Arbeitsgruppe' }, occurredAt: '2024-06-20T12:00:00.000Z', decision: decisionFacts('2024/11', '2024-06-20') },
    ],
  },
  withdrawn: {
    description: 'Im Entwurf zurückgezogen',
    steps: [{ type: 'withdrawn', data: { reason: 'Vorhaben entfällt' }, occurredAt: '2024-05-05T09:00:00.000Z', actor: lead }],
  },
  'month-term-leads-reclassified-yearly': {
    description: 'Befristet bis Juli 2025 (Monat), Federführung ergänzt und Mitwirkung geändert ohne Verlust, PG → AG der AL-Runde per Beschluss, Jahresbericht wiederkehrend, Laufzeit nach dem 31.07. abgelaufen',
    steps: [
      { type: 'submitted', occurredAt: '2024-05-10T09:00:00.000Z', actor: lead },
      { type: 'approved', data: { approvedUntil: { month: '2025-07' } }, occurredAt: '2024-06-20T12:00:00.000Z', decision: decisionFacts('2024/13', '2024-06-20') },
      { type: 'started', occurredAt: '2024-07-01T07:00:00.000Z' },
      { type: 'leadsChanged', data: { added: ['Hessen'] }, occurredAt: '2024-08-01T10:00:00.000Z' },
      { type: 'participantsChanged', data: { added: ['Berlin'], removed: ['Hamburg'] }, occurredAt: '2024-08-02T10:00:00.000Z' },
      { type: 'reportRequested', data: { ...report('Jahresbericht', '2025-01'), recurrence: { everyMonths: 12 } }, occurredAt: '2024-09-01T10:00:00.000Z' },
      { type: 'reclassified', data: { kind: 'Arbeitsgruppe', parent: 'AL-Runde' }, occurredAt: '2024-10-01T10:00:00.000Z', decision: decisionFacts('2024/20-AL', '2024-10-01', 'AL-Runde') },
      { type: 'reportSubmitted', data: { obligationId: 'r1' }, occurredAt: '2025-01-20T10:00:00.000Z', actor: lead },
      { type: 'reportAcknowledged', data: { obligationId: 'r1' }, occurredAt: '2025-02-05T10:00:00.000Z' },
      { type: 'extensionRequested', data: { approvedUntil: { year: '2026' }, justification: 'Finanzierung 2026 offen' }, occurredAt: '2025-05-02T10:00:00.000Z', actor: lead },
      { type: 'termExpired', occurredAt: '2025-07-31T22:00:00.000Z' },
    ],
  },
  'final-report-moved-on-closure': {
    description: 'Abschlussbericht im November 2025 geplant und überfällig; der Abschluss gibt März 2026: der Bericht ist wieder offen mit dieser Frist, eingereicht, zur Kenntnis genommen, abgeschlossen (seit Version 3)',
    steps: [
      { type: 'submitted', occurredAt: '2024-05-10T09:00:00.000Z', actor: lead },
      {
        type: 'approved',
        data: { approvedUntil: '2026-12-31', reports: [{ kind: 'Abschlussbericht', addressee: 'IT-Planungsrat', due: { kind: 'month', month: '2025-11' } }] },
        occurredAt: '2024-06-20T12:00:00.000Z',
        decision: decisionFacts('2024/14', '2024-06-20'),
      },
      { type: 'started', occurredAt: '2024-07-01T07:00:00.000Z' },
      { type: 'reportDue', data: { obligationId: 'r1' }, occurredAt: '2025-11-30T23:00:00.000Z' },
      { type: 'reportOverdue', data: { obligationId: 'r1' }, occurredAt: '2025-12-01T23:00:00.000Z' },
      { type: 'closureInitiated', data: { finalReportDue: { kind: 'month', month: '2026-03' }, reason: 'Auftrag erfüllt' }, occurredAt: '2026-01-15T10:00:00.000Z', decision: decisionFacts('2026/02', '2026-01-15') },
      { type: 'reportSubmitted', data: { obligationId: 'r1', documentRef: 'DMS-0815' }, occurredAt: '2026-03-10T10:00:00.000Z', actor: lead },
      { type: 'reportAcknowledged', data: { obligationId: 'r1' }, occurredAt: '2026-03-20T10:00:00.000Z' },
      { type: 'closed', data: { noSuccessorReason: 'Ergebnisse übergeben' }, occurredAt: '2026-03-26T10:00:00.000Z', decision: decisionFacts('2026/11', '2026-03-26') },
    ],
  },
  'report-rescheduled-waived-extension-declined': {
    description:
      'Zwischenbericht fällig und entfallen, Verlängerungsantrag abgelehnt, dann per Beschluss verlängert; der überfällige Abschlussbericht „im März 2025“ bekommt die Frist „im September 2025“, wird eingereicht und zur Kenntnis genommen (seit Version 3)',
    steps: [
      { type: 'submitted', occurredAt: '2024-05-10T09:00:00.000Z', actor: lead },
      {
        type: 'approved',
        data: {
          approvedUntil: '2025-03-31',
          reports: [report('Zwischenbericht', '2024-11'), { kind: 'Abschlussbericht', addressee: 'IT-Planungsrat', due: { kind: 'month', month: '2025-03' } }],
        },
        occurredAt: '2024-06-20T12:00:00.000Z',
        decision: decisionFacts('2024/15', '2024-06-20'),
      },
      { type: 'started', occurredAt: '2024-07-01T07:00:00.000Z' },
      { type: 'reportDue', data: { obligationId: 'r1' }, occurredAt: '2024-12-01T23:00:00.000Z' },
      { type: 'reportWaived', data: { obligationId: 'r1', reason: 'Der Zwischenstand geht in den Abschlussbericht ein.' }, occurredAt: '2024-12-10T10:00:00.000Z', decision: decisionFacts('2024/41', '2024-12-10') },
      { type: 'termExpiring', occurredAt: '2025-01-01T06:00:00.000Z' },
      { type: 'extensionRequested', data: { approvedUntil: '2025-12-31', justification: 'Pilotierung dauert länger.' }, occurredAt: '2025-02-03T10:00:00.000Z', actor: lead },
      { type: 'extensionDeclined', data: { reason: 'Nur bis September 2025, siehe gesonderten Beschluss.' }, occurredAt: '2025-03-10T10:00:00.000Z' },
      { type: 'reportDue', data: { obligationId: 'r2' }, occurredAt: '2025-03-30T22:00:00.000Z' },
      { type: 'extended', data: { approvedUntil: '2025-09-30' }, occurredAt: '2025-03-31T10:00:00.000Z', decision: decisionFacts('2025/08', '2025-03-31') },
      { type: 'reportOverdue', data: { obligationId: 'r2' }, occurredAt: '2025-03-31T22:00:00.000Z' },
      {
        type: 'reportRescheduled',
        data: { obligationId: 'r2', due: { kind: 'month', month: '2025-09' }, reason: 'Laufzeit verlängert bis 30.09.2025' },
        occurredAt: '2025-04-02T10:00:00.000Z',
        decision: decisionFacts('2025/08', '2025-03-31'),
      },
      { type: 'reportSubmitted', data: { obligationId: 'r2', documentRef: 'DMS-0930' }, occurredAt: '2025-09-20T10:00:00.000Z', actor: lead },
      { type: 'reportAcknowledged', data: { obligationId: 'r2' }, occurredAt: '2025-09-25T10:00:00.000Z' },
    ],
  },
  'permanent-transferred': {
    description: 'Dauerhaft eingerichtet, Abschluss eingeleitet, Abschlussbericht eingereicht und zur Kenntnis genommen, in Nachfolgestruktur überführt',
    steps: [
      { type: 'submitted', occurredAt: '2024-05-10T09:00:00.000Z', actor: lead },
      { type: 'approved', data: { permanent: true }, occurredAt: '2024-06-20T12:00:00.000Z', decision: decisionFacts('2024/12', '2024-06-20') },
      { type: 'started', occurredAt: '2024-07-01T07:00:00.000Z' },
      { type: 'closureInitiated', data: { finalReportDue: { kind: 'month', month: '2025-09' }, reason: 'Überführung' }, occurredAt: '2025-06-01T10:00:00.000Z' },
      // Since version 4 a transfer is an orderly closure: the final report noted first.
      { type: 'reportSubmitted', data: { obligationId: 'r1', documentRef: 'DMS-0901' }, occurredAt: '2025-09-01T10:00:00.000Z', actor: lead },
      { type: 'reportAcknowledged', data: { obligationId: 'r1' }, occurredAt: '2025-09-10T10:00:00.000Z' },
      { type: 'transferred', data: { successor: { name: 'Arbeitsgruppe Föderale Zusammenarbeit' } }, occurredAt: '2025-09-15T10:00:00.000Z', decision: decisionFacts('2025/30', '2025-09-15') },
    ],
  },
};

SCENARIOS['yearly-series-ended-late-extension-transferred'] = {
  description:
    'Jahresbericht jährlich, Laufzeit abgelaufen, Verlängerung bis 30.06.2025 erst am 10.07.2025 erfasst (Laufzeit bleibt abgelaufen), entfristet mit anderer Berichtsregel: ' +
    'Jahresberichte ab 01.01.2026 beendet, neuer Jahresbericht zur ersten Sitzung; Abschluss eingeleitet, Abschlussbericht mit dem Überführungsbeschluss entfallen, überführt (seit Version 4)',
  steps: [
    { type: 'submitted', occurredAt: '2024-05-10T09:00:00.000Z', actor: lead },
    {
      type: 'approved',
      data: { approvedUntil: '2025-03-31', reports: [{ ...report('Jahresbericht', '2025-01'), recurrence: { everyMonths: 12 } }] },
      occurredAt: '2024-06-20T12:00:00.000Z',
      decision: decisionFacts('2024/16', '2024-06-20'),
    },
    { type: 'started', occurredAt: '2024-07-01T07:00:00.000Z' },
    { type: 'termExpiring', occurredAt: '2024-12-31T23:00:00.000Z' },
    { type: 'reportDue', data: { obligationId: 'r1' }, occurredAt: '2025-01-30T23:00:00.000Z' },
    { type: 'reportSubmitted', data: { obligationId: 'r1', documentRef: 'DMS-2025-01' }, occurredAt: '2025-02-10T10:00:00.000Z', actor: lead },
    { type: 'termExpired', occurredAt: '2025-03-31T22:00:00.000Z' },
    { type: 'extended', data: { approvedUntil: '2025-06-30' }, occurredAt: '2025-07-10T10:00:00.000Z', decision: decisionFacts('2025/05', '2025-03-25') },
    { type: 'madePermanent', occurredAt: '2025-09-18T10:00:00.000Z', decision: decisionFacts('2025/20', '2025-09-18') },
    {
      type: 'reportSeriesEnded',
      data: { obligationId: 'r1', from: '2026-01-01', reason: 'Dauerhaft eingerichtet; berichtet wird zur ersten Sitzung eines Jahres.' },
      occurredAt: '2025-09-18T10:00:00.000Z',
      decision: decisionFacts('2025/20', '2025-09-18'),
    },
    {
      type: 'reportRequested',
      data: { kind: 'Jahresbericht', addressee: 'IT-Planungsrat', due: { kind: 'firstSession', issuer: 'IT-PLR', year: 2026 }, recurrence: { everyMonths: 12 } },
      occurredAt: '2025-09-18T10:00:00.000Z',
      decision: decisionFacts('2025/20', '2025-09-18'),
    },
    { type: 'closureInitiated', data: { finalReportDue: { kind: 'month', month: '2026-09' }, reason: 'Überführung' }, occurredAt: '2026-06-01T10:00:00.000Z' },
    { type: 'reportWaived', data: { obligationId: 'r4', reason: 'Die Ergebnisse gehen in die Nachfolgestruktur ein.' }, occurredAt: '2026-09-15T10:00:00.000Z', decision: decisionFacts('2026/30', '2026-09-15') },
    { type: 'transferred', data: { successor: { name: 'Kooperationsgruppe Föderale Berichte' } }, occurredAt: '2026-09-15T10:00:00.000Z', decision: decisionFacts('2026/30', '2026-09-15') },
  ],
};

SCENARIOS['yearly-report-handed-in-under-own-title'] = {
  description:
    'Sachstandsbericht jährlich, der erste unter eigenem Titel „Sachstandsbericht 2025“ eingereicht: er trägt ihn, die folgenden behalten den Titel der Reihe (seit Version 5)',
  steps: [
    { type: 'submitted', occurredAt: '2024-05-10T09:00:00.000Z', actor: lead },
    {
      type: 'approved',
      data: { approvedUntil: '2026-12-31', reports: [{ ...report('Zwischenbericht', '2025-03'), title: 'Sachstandsbericht', recurrence: { everyMonths: 12 } }] },
      occurredAt: '2024-06-20T12:00:00.000Z',
      decision: decisionFacts('2024/17', '2024-06-20'),
    },
    { type: 'started', occurredAt: '2024-07-01T07:00:00.000Z' },
    { type: 'reportDue', data: { obligationId: 'r1' }, occurredAt: '2025-03-31T22:00:00.000Z' },
    { type: 'reportSubmitted', data: { obligationId: 'r1', title: 'Sachstandsbericht 2025', documentRef: 'DMS-2025-04' }, occurredAt: '2025-04-08T10:00:00.000Z', actor: lead },
    { type: 'reportAcknowledged', data: { obligationId: 'r1' }, occurredAt: '2025-04-20T10:00:00.000Z' },
    { type: 'reportDue', data: { obligationId: 'r2' }, occurredAt: '2026-03-31T22:00:00.000Z' },
    { type: 'reportSubmitted', data: { obligationId: 'r2' }, occurredAt: '2026-04-02T10:00:00.000Z', actor: lead },
  ],
};

SCENARIOS['report-recorded-after-it-came-in'] = {
  description:
    'Zwischenbericht im November fällig, am 28.11. per E-Mail eingegangen, erst am 03.12. nach dem Vermerk „überfällig“ erfasst: eingereicht am 28.11., fristgerecht; ' +
    'mit Beschluss vom 10.12. zur Kenntnis genommen, erfasst am 12.12.: zur Kenntnis genommen am 10.12.; ' +
    'Verlängerungsantrag am 25.11.2025 eingegangen, am 10.12.2025 erfasst, verlängert (seit Version 6)',
  steps: [
    { type: 'submitted', occurredAt: '2024-05-10T09:00:00.000Z', actor: lead },
    { type: 'approved', data: { approvedUntil: '2025-12-31', reports: [report('Zwischenbericht', '2024-11')] }, occurredAt: '2024-06-20T12:00:00.000Z', decision: decisionFacts('2024/21', '2024-06-20') },
    { type: 'started', occurredAt: '2024-07-01T07:00:00.000Z' },
    { type: 'reportDue', data: { obligationId: 'r1' }, occurredAt: '2024-10-31T23:00:00.000Z' },
    { type: 'reportOverdue', data: { obligationId: 'r1' }, occurredAt: '2024-11-30T23:00:00.000Z' },
    { type: 'reportSubmitted', data: { obligationId: 'r1', receivedOn: '2024-11-28', documentRef: 'E-Mail vom 28.11.2024' }, occurredAt: '2024-12-03T09:00:00.000Z' },
    { type: 'reportAcknowledged', data: { obligationId: 'r1' }, occurredAt: '2024-12-12T10:00:00.000Z', decision: decisionFacts('2024/33', '2024-12-10') },
    { type: 'termExpiring', occurredAt: '2025-12-01T06:00:00.000Z' },
    { type: 'extensionRequested', data: { approvedUntil: '2026-12-31', justification: 'Die Umsetzung dauert an.', receivedOn: '2025-11-25' }, occurredAt: '2025-12-10T09:00:00.000Z' },
    { type: 'extended', data: { approvedUntil: '2026-12-31' }, occurredAt: '2025-12-15T10:00:00.000Z', decision: decisionFacts('2025/41', '2025-12-15') },
  ],
};

function record(name: string): Fixture {
  const { description, steps } = SCENARIOS[name];
  const events = recordStream(steps, { bodyId: `fixture-${name}`.padEnd(36, '0').slice(0, 36) });
  const { steps: replayed, snapshot } = replayRecords(events);
  return {
    description,
    machine: { id: BODY_MACHINE_ID, version: BODY_MACHINE_VERSION },
    events,
    expected: {
      steps: replayed.map((s) => ({ version: s.version, state: s.stateAfter })),
      final: JSON.parse(JSON.stringify({ value: snapshot!.value, context: snapshot!.context })),
    },
  };
}

if (RECORD) {
  for (const name of Object.keys(SCENARIOS)) {
    const file = join(FIXTURES, `body-v${BODY_MACHINE_VERSION}-${name}.json`);
    writeFileSync(file, `${JSON.stringify(record(name), null, 2)}\n`);
  }
  const fingerprints = existsSync(FINGERPRINTS) ? JSON.parse(readFileSync(FINGERPRINTS, 'utf8')) : {};
  fingerprints[`${BODY_MACHINE_ID}@${BODY_MACHINE_VERSION}`] = machineFingerprint(machineVersion(BODY_MACHINE_ID, BODY_MACHINE_VERSION)!);
  writeFileSync(FINGERPRINTS, `${JSON.stringify(fingerprints, null, 2)}\n`);
}

const fixtures = readdirSync(FIXTURES)
  .filter((file) => /^body-v\d+-.*\.json$/.test(file))
  .map((file) => [file, JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as Fixture] as const);

describe('machine versions', () => {
  it('has recorded streams for the current version', () => {
    expect(fixtures.filter(([, f]) => f.machine.version === BODY_MACHINE_VERSION).length).toBeGreaterThanOrEqual(5);
  });

  it.each(fixtures)('replays %s exactly as recorded, through the version it names', (_file, fixture) => {
    const machine = machineVersion(fixture.machine.id, fixture.machine.version);
    if (!machine) throw new Error(`Version ${fixture.machine.version} of "${fixture.machine.id}" is gone from src/audit/machine-versions.ts; recorded events still name it.`);
    expect(verifyChains(fixture.events).intact).toBe(true);
    const { steps, snapshot, failure } = replayRecords(fixture.events);
    expect(failure).toBeNull();
    expect(steps.filter((s) => !s.allowed)).toEqual([]);
    const replayed = {
      steps: steps.map((s) => ({ version: s.version, state: s.stateAfter })),
      final: JSON.parse(JSON.stringify({ value: snapshot!.value, context: snapshot!.context })),
    };
    // If this fails after a statechart change: bump BODY_MACHINE_VERSION and keep the old chart for replay.
    expect(replayed).toEqual(fixture.expected);
  });

  it('keeps the recorded structure of every version: a changed chart needs a new version number', () => {
    const recorded = JSON.parse(readFileSync(FINGERPRINTS, 'utf8')) as Record<string, string>;
    for (const machine of MACHINE_VERSIONS) {
      expect({ [`${machine.id}@${machine.version}`]: machineFingerprint(machine) }).toEqual({
        [`${machine.id}@${machine.version}`]: recorded[`${machine.id}@${machine.version}`],
      });
    }
  });
});

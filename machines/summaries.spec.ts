import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  EVENT_TYPES,
  SUMMARIES_READING_CONTEXT_BEFORE,
  lifecycleOf,
  summarizeEvent,
  summarizeFromContextAfter,
  summaryStandsOnContextAfter,
  type BodyContext,
  type BodyEvent,
  type BodyMachineVersion,
  type RegisteredEvent,
  type StoredEventType,
} from '.';
import { DECISION_2025_03_AL, approved, event, extended, given, reportDue, reportOverdue, reportSubmitted, started, submitted } from '../test/support/machine-events';

/** given(events…), when(event) → the summary of that event, from the context before and after it. */
function summaryOf(setup: BodyEvent[], e: BodyEvent): string {
  const { snapshot, when } = given(...setup);
  const { verdict, next } = when(e);
  if (!verdict.allowed) throw new Error(verdict.reason);
  return summarizeEvent(e.type, e.data, snapshot.context, next.context);
}

const ACTIVE = [submitted(), approved('2027-12-31'), started()];

describe('what the history says an event changed', () => {
  test('an extension names the old and the new end', () => {
    expect(summaryOf(ACTIVE, extended('2029-06-30', { ...DECISION_2025_03_AL }, '2025-03-20'))).toBe('befristet bis 31.12.2027 → 30.06.2029');
  });

  test('an extension to a month shows the month as written and the day it resolves to', () => {
    expect(summaryOf(ACTIVE, event('extended', { approvedUntil: { month: '2029-06' } }, '2025-03-20', DECISION_2025_03_AL))).toBe(
      'befristet bis 31.12.2027 → Juni 2029 (bis 30.06.2029)',
    );
  });

  test('a lead\'s extension request shows the date and the justification', () => {
    expect(summaryOf(ACTIVE, event('extensionRequested', { approvedUntil: '2028-12-31', justification: 'Pilotierung in drei Ländern offen.' }, '2025-01-10'))).toBe(
      'Verlängerung beantragt bis 31.12.2028 (bisher 31.12.2027): Pilotierung in drei Ländern offen.',
    );
  });

  test('an added lead shows as "Federführung: + Hessen", contacts only counted', () => {
    expect(
      summaryOf(ACTIVE, event('leadsChanged', { added: ['Sachsen'], removed: ['Bremen'], contactIds: ['00000000-0000-4000-8000-000000000009'] }, '2025-01-10')),
    ).toBe('Federführung: + Sachsen, − Bremen; Ansprechpersonen: + 1');
  });

  test('a reclassification names kind and parent before and after; a note is added', () => {
    expect(
      summaryOf(ACTIVE, event('reclassified', { kind: 'Arbeitsgruppe', parent: 'IT-PLR', note: 'laut Protokoll' }, '2025-03-20', DECISION_2025_03_AL)),
    ).toBe('Art: Projektgruppe → Arbeitsgruppe; übergeordnet: AL-Runde → IT-PLR; Vermerk: laut Protokoll');
  });

  test('a report is named by its title, addressee and Frist, never by the id the log keeps for it', () => {
    const { snapshot } = given(...ACTIVE);
    const report = snapshot.context.obligations[0];
    const lines = [
      summaryOf(ACTIVE, reportDue(report.id, '2024-11-01')),
      summaryOf([...ACTIVE, reportDue(report.id, '2024-11-01')], reportOverdue(report.id, '2024-12-03')),
      summaryOf(ACTIVE, reportSubmitted(report.id, '2024-11-20')),
      summaryOf([...ACTIVE, reportSubmitted(report.id, '2024-11-20')], event('reportAcknowledged', { obligationId: report.id }, '2024-11-28')),
      summaryOf(ACTIVE, event('reportRescheduled', { obligationId: report.id, due: { kind: 'date', date: '2025-01-31' }, reason: 'Sitzung verschoben' }, '2024-10-01')),
    ];
    // Submitting names the report's title as the lead gave it.
    expect(lines).toEqual([
      'Zwischenbericht an IT-Planungsrat, Frist im November 2024',
      'Zwischenbericht an IT-Planungsrat, Frist im November 2024',
      'Erster Zwischenbericht an IT-Planungsrat, Frist im November 2024',
      'Erster Zwischenbericht an IT-Planungsrat, Frist im November 2024',
      'Zwischenbericht an IT-Planungsrat: Frist im November 2024 → 31.01.2025; Begründung: Sitzung verschoben',
    ]);
    for (const line of lines) expect(line).not.toContain(report.id);
  });

  test('submitting a recurring report names the next period', () => {
    const yearly = event('reportRequested', { kind: 'Jahresbericht', addressee: 'IT-PLR', due: { kind: 'month', month: '2025-01' }, recurrence: { everyMonths: 12 } }, '2024-07-01');
    expect(summaryOf([...ACTIVE, yearly], reportSubmitted('r2', '2025-01-15'))).toBe(
      'Erster Zwischenbericht an IT-Planungsrat, Frist im Januar 2025; nächster Jahresbericht im Januar 2026',
    );
  });

  test('a closure names the Frist an open Abschlussbericht had before it moved to the closure\'s', () => {
    const requested = event('reportRequested', { kind: 'Abschlussbericht', addressee: 'AL-Runde', due: { kind: 'month', month: '2027-09' } }, '2025-01-10');
    const closure = event('closureInitiated', { finalReportDue: { kind: 'date', date: '2025-11-30' } }, '2025-09-01');
    expect(summaryOf([...ACTIVE, requested], closure)).toBe('Abschlussbericht an AL-Runde: Frist im September 2027 → 30.11.2025');
    expect(summaryOf(ACTIVE, closure)).toBe('Abschlussbericht 30.11.2025');
  });

  test('approval names the term; renaming the titles', () => {
    expect(summaryOf([submitted()], approved({ month: '2025-07' } as never))).toBe('befristet bis Juli 2025 (bis 31.07.2025)');
    expect(summaryOf(ACTIVE, event('renamed', { title: 'OZG 2.0' }, '2025-01-10'))).toBe('Titel: Weiterentwicklung Struktur OZG Föderal → OZG 2.0');
  });
});

/**
 * Every recorded stream in test/fixtures (each machine version, every event type between them),
 * folded step by step: for each event, the context before and after it.
 */
function recordedSteps(): Array<{ type: string; data: unknown; before: BodyContext | null; after: BodyContext }> {
  const dir = join(__dirname, '..', 'test', 'fixtures');
  const steps: Array<{ type: string; data: unknown; before: BodyContext | null; after: BodyContext }> = [];
  for (const file of readdirSync(dir).filter((name) => /^body-v\d+-.*\.json$/.test(name))) {
    const fixture = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { machine: { version: BodyMachineVersion }; events: RecordedEvent[] };
    const { begin, evolve } = lifecycleOf(fixture.machine.version);
    const [first, ...rest] = fixture.events;
    let snapshot = begin({ occurredAt: first.occurredAt, data: first.data } as RegisteredEvent);
    steps.push({ type: first.type, data: first.data, before: null, after: snapshot.context });
    for (const e of rest) {
      const before = snapshot.context;
      snapshot = evolve(snapshot, { type: e.type, data: e.data, occurredAt: e.occurredAt, ...(e.decision ? { decision: e.decision } : {}) } as BodyEvent);
      steps.push({ type: e.type, data: e.data, before, after: snapshot.context });
    }
  }
  // A move to a newer chart version carries the context over unchanged.
  const { snapshot } = given(...ACTIVE);
  steps.push({ type: 'machineUpgraded', data: { fromVersion: 1, toVersion: 2 }, before: snapshot.context, after: snapshot.context });
  return steps;
}

interface RecordedEvent {
  type: string;
  data: unknown;
  occurredAt: string;
  decision: unknown;
}

/** The context, with a note of whether anything looked into it (a property, a key, the list of keys). */
function watched(context: BodyContext): { context: BodyContext; looked: () => boolean } {
  let looked = false;
  const look = () => (looked = true);
  const proxy = new Proxy(context, {
    get: (target, key, receiver) => (look(), Reflect.get(target, key, receiver)),
    has: (target, key) => (look(), Reflect.has(target, key)),
    ownKeys: (target) => (look(), Reflect.ownKeys(target)),
    getOwnPropertyDescriptor: (target, key) => (look(), Reflect.getOwnPropertyDescriptor(target, key)),
  });
  return { context: proxy, looked: () => looked };
}

describe('which summaries read the context before their event (SUMMARIES_READING_CONTEXT_BEFORE)', () => {
  const steps = recordedSteps();
  const STORED_TYPES = ['registered', 'machineUpgraded', ...EVENT_TYPES];

  test('the recorded streams hold every type of stored event', () => {
    expect([...new Set(steps.map((s) => s.type))].sort()).toEqual([...STORED_TYPES].sort());
  });

  test('a type whose summary reads the context before is listed, and every listed type reads it', () => {
    const reading = new Set<string>();
    for (const step of steps) {
      if (!step.before) continue;
      const before = watched(step.before);
      summarizeEvent(step.type, step.data, before.context, step.after);
      if (before.looked()) reading.add(step.type);
    }
    expect([...reading].sort()).toEqual([...SUMMARIES_READING_CONTEXT_BEFORE].sort());
  });

  test('from the context after alone, an unlisted type is summed up exactly as from both; a listed one not at all', () => {
    for (const step of steps) {
      const fromAfter = summarizeFromContextAfter(step.type, step.data, step.after);
      if (SUMMARIES_READING_CONTEXT_BEFORE.has(step.type as StoredEventType)) expect([step.type, fromAfter]).toEqual([step.type, null]);
      else expect([step.type, fromAfter]).toEqual([step.type, summarizeEvent(step.type, step.data, step.before, step.after)]);
    }
    expect(summaryStandsOnContextAfter('somethingElse')).toBe(false);
    expect(summarizeFromContextAfter('somethingElse', {}, steps[0].after)).toBeNull();
  });
});

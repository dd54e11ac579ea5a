import type { BodyEvent } from './body.events';
import { berlinDate, startOfBerlinDay } from './dates';
import {
  SEED_BODY_ID,
  SEED_TIMER_SCHEDULE,
  bodyAfter,
  issuerOf,
  seedBody,
  seedRegistration,
  seedSteps,
  seedTimerOptions,
  overdueSeedBody,
  seedTimerSchedule,
} from '../test/deadlines.fixtures';
import { evolve, persist, restore, type PersistedBody } from './lifecycle';
import { DEFAULT_REMINDER_POLICY, deriveDeadlines, deriveTimers, type EventTimer, type Timer, type TimerOptions } from './timers';

const id = SEED_BODY_ID;
const keys = (timers: Timer[]) => timers.map((t) => t.key.slice(id.length + 1));
const eventTimers = (timers: Timer[]) => timers.filter((t): t is EventTimer => t.kind !== 'reminder');

function fire(body: PersistedBody, timer: EventTimer): PersistedBody {
  const snapshot = restore(body);
  const event = { type: timer.event.type, data: timer.event.data, occurredAt: timer.dueAt } as BodyEvent;
  if (!snapshot.can(event)) throw new Error(`${timer.key} refused at ${timer.dueAt}`);
  return persist(evolve(snapshot, event));
}

function after(body: PersistedBody, event: BodyEvent): PersistedBody {
  const snapshot = restore(body);
  if (!snapshot.can(event)) throw new Error(`${event.type} refused`);
  return persist(evolve(snapshot, event));
}

describe('deriveTimers', () => {
  it('schedules the seed body’s year: interim report due 02.12.2024, term end 31.03.2025', () => {
    expect(seedTimerSchedule()).toEqual(SEED_TIMER_SCHEDULE);
  });

  it('puts every timer at the start of its day in Berlin', () => {
    for (const timer of deriveTimers(id, seedBody(), seedTimerOptions)) {
      expect(timer.dueAt).toBe(startOfBerlinDay(timer.dueOn));
      expect(berlinDate(timer.dueAt)).toBe(timer.dueOn);
      expect(timer.key).toBe(`${id}/${timer.kind}/${timer.ref}`);
    }
  });

  it('derives the same timers twice, with unique keys', () => {
    const first = deriveTimers(id, seedBody(), seedTimerOptions);
    expect(deriveTimers(id, seedBody(), seedTimerOptions)).toEqual(first);
    expect(new Set(first.map((t) => t.key)).size).toBe(first.length);
  });

  it('has no timers before approval and after the end', () => {
    const draft = persist(bodyAfter(seedRegistration(), '2024-06-03T09:00:00.000Z', []));
    expect(deriveTimers(id, draft)).toEqual([]);
    const dissolved = seedBody('active', [
      { type: 'dissolved', data: {}, occurredAt: '2024-08-01T10:00:00.000Z', decision: { ...seedSteps.approved.decision!, number: '2024/12-AL', date: '2024-08-01' } },
    ]);
    expect(deriveTimers(id, dissolved)).toEqual([]);
    expect(deriveDeadlines(id, dissolved)).toEqual([]);
  });

  it('starts an established body on its planned start date', () => {
    const timers = deriveTimers(id, seedBody('established'));
    expect(timers).toEqual([
      expect.objectContaining({ key: `${id}/started/2024-06-17`, dueAt: '2024-06-16T22:00:00.000Z', event: { type: 'started', data: {} } }),
    ]);
    expect(fire(seedBody('established'), timers[0] as EventTimer).value).toMatchObject({ active: { term: 'running' } });
  });

  it('starts a body approved after its planned start on the day of approval', () => {
    const late = persist(
      bodyAfter(seedRegistration(), '2024-06-03T09:00:00.000Z', [
        seedSteps.submitted,
        { ...seedSteps.approved, occurredAt: '2024-09-18T10:00:00.000Z', decision: { ...seedSteps.approved.decision!, date: '2024-09-18' } },
      ]),
    );
    const [started] = deriveTimers(id, late) as EventTimer[];
    expect([started.key, started.dueOn]).toEqual([`${id}/started/2024-09-18`, '2024-09-18']);
    expect(fire(late, started).context.startedOn).toBe('2024-09-18');
  });

  it('drops the report-due timer once it fired and every report timer once the report is in', () => {
    let body = seedBody();
    const due = eventTimers(deriveTimers(id, body, seedTimerOptions)).find((t) => t.kind === 'reportDue')!;
    body = fire(body, due);
    const afterDue = keys(deriveTimers(id, body, seedTimerOptions));
    expect(afterDue).not.toContain('reportDue/r1');
    expect(afterDue).toContain('reportOverdue/r1');
    // The weekly reminders of an overdue report are planned once it is overdue, not before.
    const onTime = ['reminder/r1@2024-12-02-28d', 'reminder/r1@2024-12-02-7d', 'reminder/r1@2024-12-02+0d'];
    expect(afterDue.filter((k) => k.startsWith('reminder/r1@'))).toEqual(onTime);
    body = fire(body, eventTimers(deriveTimers(id, body, seedTimerOptions)).find((t) => t.kind === 'reportOverdue')!);
    const afterOverdue = keys(deriveTimers(id, body, seedTimerOptions));
    expect(afterOverdue).not.toContain('reportOverdue/r1');
    expect(afterOverdue.filter((k) => k.startsWith('reminder/r1@'))).toEqual([
      ...onTime,
      ...Array.from({ length: 12 }, (_, i) => `reminder/r1@2024-12-02+${7 * (i + 1)}d`),
    ]);

    body = after(body, { type: 'reportSubmitted', data: { obligationId: 'r1' }, occurredAt: '2024-12-02T15:00:00.000Z' });
    expect(keys(deriveTimers(id, body, seedTimerOptions)).filter((k) => k.includes('r1'))).toEqual([]);
    expect(deriveDeadlines(id, body, seedTimerOptions).find((d) => d.ref === 'r1')?.status).toBe('met');
  });

  it('moves the term timers when the term is extended and removes them when it is made permanent', () => {
    const decision = { number: '2025/03-AL', issuer: 'AL-Runde', date: '2025-03-20', type: 'Beschluss' as const };
    const extended = seedBody('active', [
      { type: 'extended', data: { approvedUntil: '2025-12-31' }, occurredAt: '2025-03-20T10:00:00.000Z', decision },
    ]);
    const termKeys = keys(deriveTimers(id, extended, seedTimerOptions)).filter((k) => k.includes('term'));
    expect(termKeys).toEqual(
      expect.arrayContaining(['termExpiring/2025-12-31', 'termExpired/2025-12-31', 'reminder/term@2025-12-31-90d']),
    );
    expect(termKeys.some((k) => k.includes('2025-03-31'))).toBe(false);

    const permanent = seedBody('active', [{ type: 'madePermanent', data: {}, occurredAt: '2025-03-20T10:00:00.000Z', decision }]);
    expect(keys(deriveTimers(id, permanent, seedTimerOptions)).filter((k) => k.includes('term'))).toEqual([]);
    expect(deriveDeadlines(id, permanent, seedTimerOptions).map((d) => d.kind)).toEqual(['report']);
  });

  it('follows the sessions calendar: a November session of the IT-PLR brings the report forward', () => {
    const sessions = [{ issuer: 'IT-PLR', number: 45, date: '2024-11-21' }];
    const timers = deriveTimers(id, seedBody(), { issuerOf, sessions });
    const due = timers.find((t) => t.key === `${id}/reportDue/r1`)!;
    expect(due.dueOn).toBe('2024-11-21');
    expect(keys(timers)).toContain('reminder/r1@2024-11-21-28d');
    const [deadline] = deriveDeadlines(id, seedBody(), { issuerOf, sessions }).filter((d) => d.kind === 'report');
    expect(deadline.resolution).toMatchObject({ source: 'monthSession', effectiveDate: '2024-11-21' });
  });

  it('keeps only the latest reminder that fell before a late start, on the day of the start', () => {
    const body = persist(
      bodyAfter(seedRegistration({ start: '2024-11-28' }), '2024-06-03T09:00:00.000Z', [
        seedSteps.submitted,
        seedSteps.approved,
        { type: 'started', data: {}, occurredAt: startOfBerlinDay('2024-11-28') },
      ]),
    );
    const reminders = deriveTimers(id, body, seedTimerOptions).filter((t) => t.kind === 'reminder' && t.ref.startsWith('r1'));
    expect(reminders.slice(0, 2).map((t) => [t.ref, t.dueOn])).toEqual([
      ['r1@2024-12-02-7d', '2024-11-28'],
      ['r1@2024-12-02+0d', '2024-12-02'],
    ]);
  });

  it('never dates a system event before the body’s last event, which the write path would refuse to precede', () => {
    const notBefore = '2024-12-02T09:30:00.000Z';
    const timers = deriveTimers(id, seedBody(), { ...seedTimerOptions, notBefore });
    const due = (ref: string) => timers.find((t) => t.key === `${id}/${ref}`)!;
    expect([due('reportDue/r1').dueOn, due('reportDue/r1').dueAt]).toEqual(['2024-12-02', notBefore]);
    expect(due('reportOverdue/r1').dueAt).toBe('2024-12-02T23:00:00.000Z');
    expect(timers.filter((t) => t.kind !== 'reminder').every((t) => t.dueAt >= notBefore)).toBe(true);
    // Of the reminders that would have gone out before, only the latest is kept, on its own day.
    const reminders = timers.filter((t) => t.kind === 'reminder' && t.ref.startsWith('r1'));
    expect(reminders.filter((t) => t.dueAt < notBefore).map((t) => [t.ref, t.dueAt])).toEqual([['r1@2024-12-02+0d', '2024-12-01T23:00:00.000Z']]);
  });

  it('keeps a late reminder where it is while later events move the floor, so that they do not rewrite it', () => {
    const at = (notBefore: string) => deriveTimers(id, overdueSeedBody(), { ...seedTimerOptions, notBefore });
    // Two events on the day after the deadline and one the day after that: the same reminders each time, until the floor passes the next one (+7d).
    const first = at('2024-12-03T09:30:00.000Z').filter((t) => t.kind === 'reminder');
    expect(first.map((t) => t.ref)).toContain('r1@2024-12-02+0d');
    expect(at('2024-12-03T15:00:00.000Z').filter((t) => t.kind === 'reminder')).toEqual(first);
    expect(at('2024-12-04T08:00:00.000Z').filter((t) => t.kind === 'reminder')).toEqual(first);
    const week = at('2024-12-09T08:00:00.000Z').filter((t) => t.kind === 'reminder' && t.dueAt < '2024-12-09T08:00:00.000Z');
    expect(week.map((t) => t.ref)).toEqual(['r1@2024-12-02+7d']);
  });

  it('gives for every later floor what a derivation from scratch gives, though it reuses the report units between the timers', () => {
    const reports = ['2024-08-15', '2024-09-30', '2024-12-02', '2025-02-14'].map((date) => ({ kind: 'Zwischenbericht' as const, addressee: 'AL-Runde', due: { kind: 'date' as const, date } }));
    let body = persist(bodyAfter(seedRegistration({ reports }), '2024-06-03T09:00:00.000Z', [seedSteps.submitted, seedSteps.approved, seedSteps.started]));
    // The first report fell due and overdue; the others wait.
    for (const type of ['reportDue', 'reportOverdue']) body = fire(body, eventTimers(deriveTimers(id, body, seedTimerOptions)).find((t) => t.kind === type)!);
    // Floors a day apart from August 2024 to April 2025, twice a day on some days, and exactly on a reminder's instant.
    const floors: string[] = [];
    for (let day = Date.parse('2024-08-17T06:00:00Z'); day < Date.parse('2025-04-10T00:00:00Z'); day += 86_400_000) {
      floors.push(new Date(day).toISOString(), new Date(day + 9 * 3_600_000).toISOString());
    }
    floors.push(startOfBerlinDay('2024-11-25'));
    floors.sort();
    for (const notBefore of floors) {
      const reused = deriveTimers(id, body, { ...seedTimerOptions, notBefore });
      // A copy of the body: nothing derived before counts.
      const copy = JSON.parse(JSON.stringify(body)) as PersistedBody;
      expect(reused).toEqual(deriveTimers(id, copy, { ...seedTimerOptions, notBefore }));
    }
  });

  it('gives after every event what a derivation from scratch gives, though it takes the unchanged obligations’ derivations from the list before', () => {
    const dates = ['2024-08-15', '2024-08-15', '2024-09-30', '2024-11-04', '2024-12-02', '2025-01-15', '2025-02-14', '2025-03-03'];
    const reports = dates.map((date) => ({ kind: 'Zwischenbericht' as const, addressee: 'AL-Runde', due: { kind: 'date' as const, date } }));
    let body = persist(bodyAfter(seedRegistration({ reports }), '2024-06-03T09:00:00.000Z', [seedSteps.submitted, seedSteps.approved, seedSteps.started]));
    let notBefore = seedSteps.started.occurredAt;
    const events: string[] = [];
    for (;;) {
      const timers = deriveTimers(id, body, { ...seedTimerOptions, notBefore });
      // Copies of the body: nothing derived before counts.
      const fresh = (bodyId: string, options: TimerOptions) => deriveTimers(bodyId, JSON.parse(JSON.stringify(body)) as PersistedBody, options);
      // In between, another body with the very same obligations, or this one under another reminder policy.
      const between: Array<[string, TimerOptions]> = [
        ['another-body', { ...seedTimerOptions, notBefore }],
        [id, { ...seedTimerOptions, notBefore, policy: { ...DEFAULT_REMINDER_POLICY, report: { ...DEFAULT_REMINDER_POLICY.report, daysBefore: [14] } } }],
      ];
      const [otherId, otherOptions] = between[events.length % 2];
      expect(deriveTimers(otherId, body, otherOptions)).toEqual(fresh(otherId, otherOptions));
      expect(timers).toEqual(fresh(id, { ...seedTimerOptions, notBefore }));
      const next = eventTimers(timers).find((t) => t.kind !== 'termExpiring' && t.kind !== 'termExpired');
      if (!next) break;
      body = fire(body, next);
      notBefore = next.dueAt;
      events.push(next.key.slice(id.length + 1));
      // Every third report comes in on the day it fell due.
      if (next.kind === 'reportDue' && Number(next.ref.slice(1)) % 3 === 0) {
        notBefore = new Date(Date.parse(next.dueAt) + 10 * 3_600_000).toISOString();
        body = after(body, { type: 'reportSubmitted', data: { obligationId: next.ref }, occurredAt: notBefore });
        events.push(`reportSubmitted/${next.ref}`);
      }
    }
    expect(events).toContain('reportSubmitted/r3');
    expect(events).toContain('reportOverdue/r8');
    expect(events.length).toBeGreaterThan(15);
  });

  it('follows the reminder policy it is given', () => {
    const policy = { ...DEFAULT_REMINDER_POLICY, report: { daysBefore: [14], onTheDay: false, overdueEveryDays: 0, overdueMaxReminders: 0 } };
    const refs = deriveTimers(id, seedBody(), { ...seedTimerOptions, policy })
      .filter((t) => t.kind === 'reminder' && t.ref.startsWith('r1'))
      .map((t) => t.ref);
    expect(refs).toEqual(['r1@2024-12-02-14d']);
  });

  it('escalates overdue reports and term reminders to the secretariat, not the first report reminders', () => {
    const reminders = [seedBody(), overdueSeedBody()].flatMap((body) => deriveTimers(id, body, seedTimerOptions).flatMap((t) => (t.kind === 'reminder' ? [t] : [])));
    const escalated = (ref: string) => reminders.find((t) => t.ref === ref)!.reminder.escalate;
    expect([escalated('r1@2024-12-02-28d'), escalated('r1@2024-12-02+0d'), escalated('r1@2024-12-02+7d')]).toEqual([false, false, true]);
    expect(escalated('term@2025-03-31-90d')).toBe(true);
  });

  it('falls due at the right instant across the clock changes', () => {
    const until = (approvedUntil: string) => {
      const body = persist(
        bodyAfter(seedRegistration(), '2024-06-03T09:00:00.000Z', [
          seedSteps.submitted,
          { ...seedSteps.approved, data: { approvedUntil, reports: [] } } as BodyEvent,
          seedSteps.started,
        ]),
      );
      return deriveTimers(id, body, seedTimerOptions).find((t) => t.kind === 'termExpired')!.dueAt;
    };
    expect(until('2025-03-29')).toBe('2025-03-29T23:00:00.000Z'); // 30.03. 00:00 CET
    expect(until('2025-03-30')).toBe('2025-03-30T22:00:00.000Z'); // 31.03. 00:00 CEST
    expect(until('2025-10-25')).toBe('2025-10-25T22:00:00.000Z'); // 26.10. 00:00 CEST
    expect(until('2025-10-26')).toBe('2025-10-26T23:00:00.000Z'); // 27.10. 00:00 CET
  });

  it('runs the seed body’s year through the statechart: every timer’s event is accepted when it falls due', () => {
    let body = seedBody();
    const fired: string[] = [];
    for (let next = eventTimers(deriveTimers(id, body, seedTimerOptions))[0]; next; next = eventTimers(deriveTimers(id, body, seedTimerOptions))[0]) {
      body = fire(body, next);
      fired.push(`${next.dueOn} ${next.event.type}`);
    }
    expect(fired).toEqual(['2024-12-02 reportDue', '2024-12-03 reportOverdue', '2024-12-31 termExpiring', '2025-04-01 termExpired']);
    expect(body.value).toEqual({ active: { term: 'expired', reporting: 'reportOverdue', closure: 'operating' } });
    // Still overdue, so the weekly reminders stay; of the term's only the one on expiry, due with termExpired.
    const left = keys(deriveTimers(id, body, seedTimerOptions));
    expect(left.filter((k) => !k.startsWith('reminder/r1@'))).toEqual(['reminder/term@2025-03-31+1d']);
  });
});

describe('deriveDeadlines', () => {
  it('lists the seed body’s Fristen with original date, effective date and the rule that moved it', () => {
    const deadlines = deriveDeadlines(id, seedBody(), seedTimerOptions);
    expect(deadlines.map((d) => [d.key.slice(id.length + 1), d.label, d.status])).toEqual([
      ['report/r1', 'Zwischenbericht an IT-Planungsrat', 'open'],
      ['term/end', 'Ende der Laufzeit (befristet bis)', 'open'],
    ]);
    expect(deadlines[0].resolution).toMatchObject({
      originalDate: '2024-11-30',
      effectiveDate: '2024-12-02',
      rule: { text: 'Samstag, 30.11.2024 → Montag, 02.12.2024 (§ 193 BGB, § 31 Abs. 3 VwVfG)' },
    });
    expect(deadlines[1].resolution).toMatchObject({ originalDate: '2025-03-31', effectiveDate: '2025-03-31', rule: null });
  });

  it('shows the start while the body is established', () => {
    expect(deriveDeadlines(id, seedBody('established')).map((d) => [d.kind, d.resolution.resolved && d.resolution.effectiveDate])).toEqual([
      ['start', '2024-06-17'],
      ['report', '2024-12-02'],
      ['termEnd', '2025-03-31'],
    ]);
  });
});

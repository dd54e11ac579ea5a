import { newObligation, type BodyContext, type ReportObligation } from '../machines/body.context';
import type { ReminderTimer } from '../machines/timers';
import { reminderApplies, reminderEmailKey, reminderTimerKey, reminderWebhookKey, withdrawalReason, type BodyNow } from '../src/deadlines/reminder-withdrawal';

const BODY = 'b5f0c2d4-0000-4000-8000-000000000001';

function reminder(subject: 'report' | 'term', deadlineOn: string): ReminderTimer['reminder'] {
  const series = subject === 'term' ? `term@${deadlineOn}` : `r1@${deadlineOn}`;
  return { subject, phase: 'before', obligationId: subject === 'term' ? null : 'r1', deadlineOn, offsetDays: -7, escalate: subject === 'term', series };
}

function body(context: Partial<BodyContext>, status = 'active'): BodyNow {
  return { status, context: { obligations: [], permanent: false, endedOn: null, ...context } as unknown as BodyContext };
}

function report(changes: Partial<ReportObligation>): ReportObligation {
  return { ...newObligation('r1', { kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due: { kind: 'date', date: '2024-12-02' }, title: 'Erster Zwischenbericht' }), ...changes };
}

describe('which timer a reminder message belongs to', () => {
  it('its e-mail and its webhooks name the timer, and read back to it; an event webhook names none', () => {
    const timer = `${BODY}/reminder/r1@2024-12-02-28d`;
    expect(reminderTimerKey(reminderEmailKey(timer))).toBe(timer);
    expect(reminderTimerKey(reminderWebhookKey(timer, 2))).toBe(timer);
    expect(reminderTimerKey(`event/0193c2f0-7a51-7000-8000-000000000000`)).toBeNull();
  });
});

/** Written on the Monday a week before the Frist, to go out the same day. */
const SAME_DAY = { written: '2024-11-25', attempt: '2024-11-25' };

describe('whether a reminder still applies', () => {
  it('only while its Frist is there, not met, and on the day it was written for', () => {
    const r = reminder('report', '2024-12-02');
    expect(reminderApplies(r, { status: 'open', effectiveDate: '2024-12-02' }, SAME_DAY)).toBe(true);
    expect(reminderApplies(r, { status: 'overdue', effectiveDate: '2024-12-02' }, SAME_DAY)).toBe(true);
    expect(reminderApplies(r, { status: 'met', effectiveDate: '2024-12-02' }, SAME_DAY)).toBe(false);
    expect(reminderApplies(r, { status: 'open', effectiveDate: '2025-01-31' }, SAME_DAY)).toBe(false);
    expect(reminderApplies(r, null, SAME_DAY)).toBe(false);
  });

  it('one written before the Frist only until the day before it', () => {
    const r = reminder('report', '2024-12-02');
    const open = { status: 'open', effectiveDate: '2024-12-02' };
    expect(reminderApplies(r, open, { written: '2024-11-25', attempt: '2024-12-01' })).toBe(true);
    expect(reminderApplies(r, open, { written: '2024-11-25', attempt: '2024-12-02' })).toBe(false);
    expect(reminderApplies(r, { status: 'overdue', effectiveDate: '2024-12-02' }, { written: '2024-11-25', attempt: '2024-12-04' })).toBe(false);
    expect(reminderApplies(reminder('term', '2025-03-31'), { status: 'open', effectiveDate: '2025-03-31' }, { written: '2025-01-02', attempt: '2025-03-31' })).toBe(false);
  });

  it('one written on the day of the Frist only on that day; one written after it on any later day', () => {
    const r = reminder('report', '2024-12-02');
    const frist = { status: 'overdue', effectiveDate: '2024-12-02' };
    expect(reminderApplies(r, frist, { written: '2024-12-02', attempt: '2024-12-02' })).toBe(true);
    expect(reminderApplies(r, frist, { written: '2024-12-02', attempt: '2024-12-03' })).toBe(false);
    expect(reminderApplies(r, frist, { written: '2024-12-04', attempt: '2024-12-20' })).toBe(true);
  });
});

describe('why a reminder was withdrawn', () => {
  it('a report noted by the secretariat says when, and when it was handed in', () => {
    const noted = report({ state: 'acknowledged', submittedOn: '2024-11-20', acknowledgedOn: '2024-11-28' });
    expect(withdrawalReason(reminder('report', '2024-12-02'), { status: 'met', effectiveDate: '2024-12-02' }, body({ obligations: [noted] }), SAME_DAY)).toBe(
      'Der Bericht „Erster Zwischenbericht (Zwischenbericht)“ liegt vor: zur Kenntnis genommen am 28.11.2024 (eingereicht am 20.11.2024).',
    );
  });

  it('a waived report names the decision that waived it', () => {
    const waived = report({ state: 'waived', waived: { on: '2024-11-11', reason: 'Geht im Abschlussbericht auf.', decision: '2024/30-AL' } });
    expect(withdrawalReason(reminder('report', '2024-12-02'), null, body({ obligations: [waived] }), SAME_DAY)).toBe(
      'Die Berichtspflicht „Erster Zwischenbericht (Zwischenbericht)“ ist entfallen (am 11.11.2024, Beschluss 2024/30-AL).',
    );
  });

  it('a Frist that waits for a session not yet in the calendar has no day any more', () => {
    expect(withdrawalReason(reminder('report', '2024-12-02'), { status: 'open', effectiveDate: null }, body({ obligations: [report({})] }), SAME_DAY)).toBe(
      'Die Frist für „Erster Zwischenbericht (Zwischenbericht)“ hat kein Datum mehr (bisher fällig am 02.12.2024).',
    );
  });

  it('a term ends no more once the body was made permanent', () => {
    expect(withdrawalReason(reminder('term', '2025-03-31'), null, body({ permanent: true }), SAME_DAY)).toBe('Das Gremium ist entfristet: Seine Laufzeit endet nicht mehr am 31.03.2025.');
  });

  it('an ended body says how and when it ended, whatever the reminder was about', () => {
    const closed = body({ obligations: [report({})], endedOn: '2025-02-14' }, 'closed');
    expect(withdrawalReason(reminder('report', '2024-12-02'), null, closed, SAME_DAY)).toBe('Das Gremium ist beendet (Abgeschlossen am 14.02.2025).');
    expect(withdrawalReason(reminder('term', '2025-03-31'), null, closed, SAME_DAY)).toBe('Das Gremium ist beendet (Abgeschlossen am 14.02.2025).');
  });

  it('a reminder whose day went by says what holds now and what it said', () => {
    const open = body({ obligations: [report({})] });
    const frist = { status: 'open', effectiveDate: '2024-12-02' };
    expect(withdrawalReason(reminder('report', '2024-12-02'), frist, open, { written: '2024-11-25', attempt: '2024-12-02' })).toBe(
      'Die Frist ist da: „Erster Zwischenbericht (Zwischenbericht)“ ist am 02.12.2024 fällig; die Erinnerung vom 25.11.2024 („noch 7 Tage“) käme zu spät.',
    );
    expect(withdrawalReason(reminder('report', '2024-12-02'), frist, open, { written: '2024-12-02', attempt: '2024-12-03' })).toBe(
      'Die Frist ist verstrichen: „Erster Zwischenbericht (Zwischenbericht)“ ist seit 03.12.2024 überfällig; die Erinnerung vom 02.12.2024 („Heute fällig“) käme zu spät.',
    );
    const term = { status: 'open', effectiveDate: '2025-03-31' };
    expect(withdrawalReason(reminder('term', '2025-03-31'), term, body({}), { written: '2025-03-30', attempt: '2025-04-01' })).toBe(
      'Die Laufzeit ist mit Ablauf des 31.03.2025 abgelaufen; die Erinnerung vom 30.03.2025 („noch 1 Tag“) käme zu spät.',
    );
  });
});

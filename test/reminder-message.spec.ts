import { newObligation, type BodyContext } from '../machines/body.context';
import { startOfBerlinDay } from '../machines/dates';
import { addDays } from '../machines/deadlines';
import type { ReminderTimer } from '../machines/timers';
import { reminderMessage } from '../src/deadlines/reminder-message';

const TITLE = 'PG Laufzeit';

/** The term reminder for a term approved until 31.03.2025, `offsetDays` from its end, written on `writtenOn`. */
function termReminder(offsetDays: number, writtenOn: string) {
  const deadlineOn = '2025-03-31';
  const dueOn = addDays(deadlineOn, offsetDays);
  const timer: ReminderTimer = {
    key: `b/reminder/term@${deadlineOn}${offsetDays}d`,
    bodyId: 'b',
    kind: 'reminder',
    ref: `term@${deadlineOn}`,
    dueOn,
    dueAt: startOfBerlinDay(dueOn),
    deadlineKey: 'b/termEnd/end',
    reminder: { subject: 'term', phase: offsetDays > 0 ? 'termExpired' : 'termEnding', obligationId: null, deadlineOn, offsetDays, escalate: true, series: `term@${deadlineOn}` },
  };
  const context = {
    profile: { title: TITLE, shortName: null, kind: 'Projektgruppe', parent: 'AL-Runde', leads: ['Hessen'], contactIds: [] },
    obligations: [],
  } as unknown as BodyContext;
  return reminderMessage({ timer, bodyId: 'b', context, decisions: [], deadline: null, now: startOfBerlinDay(writtenOn), link: 'https://gremienlauf.example/gremien/b' });
}

describe('reminder message of a term', () => {
  it('says the term expired with the end of its last day, not „am“ the day after', () => {
    const message = termReminder(1, '2025-04-01');
    expect(message.subject).toBe(`Laufzeit mit Ablauf des 31.03.2025 abgelaufen, Beschluss erforderlich – ${TITLE}`);
    expect(message.text).toContain('Befristet bis: Montag, 31.03.2025');
    expect(message.text).toContain('Stand: mit Ablauf des 31.03.2025 abgelaufen');
    expect(message.text).not.toContain('abgelaufen am');
  });

  it('counts the days left from the day it is written', () => {
    expect(termReminder(-30, '2025-03-01').subject).toBe(`Erinnerung: Laufzeit endet am 31.03.2025 (noch 30 Tage) – ${TITLE}`);
    // Written late, three days after its own day: it says what is true when it is read.
    expect(termReminder(-30, '2025-03-04').subject).toBe(`Erinnerung: Laufzeit endet am 31.03.2025 (noch 27 Tage) – ${TITLE}`);
    expect(termReminder(-30, '2025-03-04').webhook.daysLeft).toBe(27);
  });

  it('says the last day of the term is today rather than „noch 0 Tage“', () => {
    const message = termReminder(-7, '2025-03-31');
    expect(message.subject).toBe(`Heute letzter Tag der Laufzeit: 31.03.2025 – ${TITLE}`);
    expect(message.text).toContain('Stand: endet heute');
  });
});

describe('reminder message of a report', () => {
  const due = { kind: 'date' as const, date: '2026-12-07' };
  const obligations = [
    newObligation('r1', { kind: 'Zwischenbericht', addressee: 'AL-Runde', due }),
    newObligation('r2', { kind: 'Zwischenbericht', addressee: 'AL-Runde', due, title: 'Sachstand Registermodernisierung' }),
  ];

  function reportReminder(obligationId: string) {
    const deadlineOn = '2026-12-07';
    const timer: ReminderTimer = {
      key: `b/reminder/${obligationId}@${deadlineOn}-7d`,
      bodyId: 'b',
      kind: 'reminder',
      ref: `${obligationId}@${deadlineOn}`,
      dueOn: '2026-11-30',
      dueAt: startOfBerlinDay('2026-11-30'),
      deadlineKey: `b/report/${obligationId}`,
      reminder: { subject: 'report', phase: 'before', obligationId, deadlineOn, offsetDays: -7, escalate: false, series: `${obligationId}@${deadlineOn}` },
    };
    const context = {
      profile: { title: TITLE, shortName: null, kind: 'Projektgruppe', parent: 'AL-Runde', leads: ['Hessen'], contactIds: [] },
      obligations,
    } as unknown as BodyContext;
    return reminderMessage({ timer, bodyId: 'b', context, decisions: [], deadline: null, now: startOfBerlinDay('2026-11-30'), link: 'https://gremienlauf.example/gremien/b' });
  }

  it('names the report by its title, so that two Zwischenberichte due the same day can be told apart', () => {
    expect(reportReminder('r2').subject).toBe(`Erinnerung: Sachstand Registermodernisierung fällig am 07.12.2026 (noch 7 Tage) – ${TITLE}`);
    expect(reportReminder('r2').webhook.deadline).toMatchObject({ label: 'Sachstand Registermodernisierung' });
    expect(reportReminder('r1').subject).toBe(`Erinnerung: Zwischenbericht fällig am 07.12.2026 (noch 7 Tage) – ${TITLE}`);
  });
});

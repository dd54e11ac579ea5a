import type { BodyContext } from '../machines/body.context';
import { startOfBerlinDay } from '../machines/dates';
import { addDays } from '../machines/deadlines';
import type { ReminderPhase, ReminderTimer } from '../machines/timers';
import { reminderMessage } from '../src/deadlines/reminder-message';

const DUE = '2026-11-30';
const INFORMED = 'die Geschäftsstelle ist informiert';

/** The reminder of report r1 (due 30.11.2026) planned `offsetDays` from its Frist, as the timers derive it, written on `writtenOn`. */
function reportReminder(offsetDays: number, writtenOn: string, secretariatAddress = true) {
  const phase: ReminderPhase = offsetDays < 0 ? 'before' : offsetDays === 0 ? 'onTheDay' : 'overdue';
  const dueOn = addDays(DUE, offsetDays);
  const timer: ReminderTimer = {
    key: `b/reminder/r1@${DUE}${offsetDays >= 0 ? '+' : ''}${offsetDays}d`,
    bodyId: 'b',
    kind: 'reminder',
    ref: `r1@${DUE}${offsetDays >= 0 ? '+' : ''}${offsetDays}d`,
    dueOn,
    dueAt: startOfBerlinDay(dueOn),
    deadlineKey: 'b/report/r1',
    reminder: { subject: 'report', phase, obligationId: 'r1', deadlineOn: DUE, offsetDays, escalate: phase === 'overdue', series: `r1@${DUE}` },
  };
  const context = {
    profile: { title: 'AG Test', shortName: null, kind: 'Arbeitsgruppe', parent: 'AL-Runde', leads: ['Hessen'], contactIds: ['c1'] },
    obligations: [{ id: 'r1', kind: 'Zwischenbericht' }],
  } as unknown as BodyContext;
  return reminderMessage({ timer, bodyId: 'b', context, decisions: [], deadline: null, now: startOfBerlinDay(writtenOn), link: 'https://gremienlauf.example/gremien/b', secretariatAddress });
}

describe('who a report reminder goes to, and what it says of the Geschäftsstelle', () => {
  it('the reminder on the day, written on its day, goes to the contact persons only', () => {
    const message = reportReminder(0, DUE);
    expect(message.subject).toBe('Heute fällig: Zwischenbericht – AG Test');
    expect(message.secretariat).toBe(false);
    expect(message.webhook.escalated).toBe(false);
    expect(message.text).not.toContain(INFORMED);
  });

  it('the reminder on the day, written after it, tells of an overdue report and goes to the Geschäftsstelle too', () => {
    const message = reportReminder(0, '2026-12-04');
    expect(message.subject).toBe('Überfällig seit 01.12.2026: Zwischenbericht – AG Test');
    expect(message.secretariat).toBe(true);
    expect(message.webhook).toMatchObject({ phase: 'onTheDay', daysLeft: -4, escalated: true });
    expect(message.text).toContain(`Bitte reichen Sie ihn umgehend ein; ${INFORMED}.`);
  });

  it('a reminder before the Frist, written on its day, is „heute fällig“ and stays with the contact persons', () => {
    const message = reportReminder(-7, DUE);
    expect(message.subject).toBe('Heute fällig: Zwischenbericht – AG Test');
    expect(message.secretariat).toBe(false);
  });

  it('a weekly overdue reminder goes to the Geschäftsstelle, but says so only when it has an address', () => {
    expect(reportReminder(7, '2026-12-07').text).toContain(INFORMED);
    const withoutAddress = reportReminder(7, '2026-12-07', false);
    expect(withoutAddress.secretariat).toBe(true);
    expect(withoutAddress.text).toContain('Der Bericht liegt noch nicht vor. Bitte reichen Sie ihn umgehend ein.');
    expect(withoutAddress.text).not.toContain(INFORMED);
  });
});

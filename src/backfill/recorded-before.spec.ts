import { recordedBeforeNotice, type RecordedBefore } from './recorded-before';

const event = (type: string, label: string, count: number, lastOccurredAt: string): RecordedBefore['events'][number] => ({
  type,
  label,
  count,
  firstOccurredAt: lastOccurredAt,
  lastOccurredAt,
});

describe('the notice of a Nacherfassung begun after the monitoring had done something', () => {
  test('names each kind of system event once, with how often and the last day, and the reminders sent and waiting', () => {
    const events = [event('reportDue', 'Bericht fällig', 2, '2025-12-01T23:00:00.000Z'), event('reportOverdue', 'Bericht überfällig', 1, '2024-12-02T23:00:00.000Z')];
    expect(recordedBeforeNotice(events, { sent: 1, waiting: 2 })).toBe(
      'Die Fristenüberwachung hat für dieses Gremium bereits erfasst: Bericht fällig 2-mal, zuletzt am 02.12.2025, Bericht überfällig am 03.12.2024; ' +
        '1 Erinnerung versandt; 2 Erinnerungen geschrieben, die im Ausgang bis zum Ende der Nacherfassung warten (dann geht hinaus, was noch zutrifft). ' +
        'Die Nacherfassung hält nur an, was die Fristenüberwachung noch nicht erfasst oder geschrieben hat: Bereits Erfasstes bleibt im Verlauf, und Ereignisse vor dem 02.12.2025 lassen sich nicht mehr nachtragen.',
    );
  });

  test('of reminders alone says nothing of events that can no longer be entered', () => {
    expect(recordedBeforeNotice([], { sent: 0, waiting: 1 })).toBe(
      'Die Fristenüberwachung hat für dieses Gremium bereits 1 Erinnerung geschrieben, die im Ausgang bis zum Ende der Nacherfassung wartet (dann geht hinaus, was noch zutrifft). ' +
        'Die Nacherfassung hält nur an, was die Fristenüberwachung noch nicht erfasst oder geschrieben hat.',
    );
  });
});

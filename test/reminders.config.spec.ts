import { loadRemindersConfig } from '../config/reminders';

describe('loadRemindersConfig', () => {
  it('defaults to the documented policy, the nationwide calendar and no delivery set up', () => {
    const config = loadRemindersConfig({ NODE_ENV: 'production' });
    expect(config.policy).toEqual({
      report: { daysBefore: [28, 7], onTheDay: true, overdueEveryDays: 7, overdueMaxReminders: 12 },
      term: { daysBefore: [90, 30, 7], onExpiry: true },
      termExpiringDays: 90,
    });
    expect(config.calendar).toEqual({ land: null, shiftToWorkingDay: true });
    expect(config.schedulerEnabled).toBe(true);
    expect(config.schedulerIntervalMs).toBe(60_000);
    expect(config.mail).toMatchObject({ host: null, port: 587, secure: false });
    expect(config.webhooks.urls).toEqual([]);
    expect(config.delivery).toEqual({ maxAttempts: 8, backoffMs: 30_000, backoffMaxMs: 6 * 3600_000 });
  });

  it('does not run the intervals under test unless asked to', () => {
    expect(loadRemindersConfig({ NODE_ENV: 'test' }).schedulerEnabled).toBe(false);
    expect(loadRemindersConfig({ NODE_ENV: 'test', SCHEDULER_ENABLED: 'true' }).schedulerEnabled).toBe(true);
  });

  it('reads the policy, the Land and the SMTP server from the environment', () => {
    const config = loadRemindersConfig({
      REMINDER_REPORT_DAYS_BEFORE: '7, 28,14',
      REMINDER_TERM_DAYS_BEFORE: '60',
      TERM_EXPIRING_DAYS: '30',
      DEADLINE_LAND: 'by',
      DEADLINE_SHIFT_TO_WORKING_DAY: 'false',
      SMTP_HOST: 'smtp.example.org',
      SMTP_SECURE: 'true',
      SECRETARIAT_EMAIL: 'geschaeftsstelle@example.org',
      PUBLIC_URL: 'https://gremien.example.org/',
    });
    expect(config.policy.report.daysBefore).toEqual([28, 14, 7]);
    expect(config.policy.term.daysBefore).toEqual([60]);
    expect(config.policy.termExpiringDays).toBe(30);
    expect(config.calendar).toEqual({ land: 'BY', shiftToWorkingDay: false });
    expect(config.mail).toMatchObject({ host: 'smtp.example.org', port: 465, secure: true, secretariat: 'geschaeftsstelle@example.org' });
    expect(config.publicUrl).toBe('https://gremien.example.org');
  });

  it('links to the service on its own port when PUBLIC_URL is not set (mails, calendar feeds, subscriptions)', () => {
    expect(loadRemindersConfig({}).publicUrl).toBe('http://localhost:3000');
    expect(loadRemindersConfig({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
    expect(loadRemindersConfig({ PORT: '8080', PUBLIC_URL: 'https://gremien.example.org' }).publicUrl).toBe('https://gremien.example.org');
  });

  it('stops the start with a message naming the wrong value', () => {
    expect(() => loadRemindersConfig({ DEADLINE_LAND: 'XY' })).toThrow(/DEADLINE_LAND/);
    expect(() => loadRemindersConfig({ REMINDER_REPORT_DAYS_BEFORE: 'vier Wochen' })).toThrow(
      'Ungültige Konfiguration der Fristen und Erinnerungen: REMINDER_REPORT_DAYS_BEFORE: erwartet eine durch Kommas getrennte Liste von Tagen, z. B. 28,7',
    );
    expect(() => loadRemindersConfig({ WEBHOOK_URLS: 'https://example.org/hook' })).toThrow(/WEBHOOK_SECRET: mindestens 16 Zeichen/);
    expect(() => loadRemindersConfig({ WEBHOOK_URLS: 'kein-link', WEBHOOK_SECRET: 'x'.repeat(20) })).toThrow(/WEBHOOK_URLS/);
  });
});

/**
 * Deadlines, reminders and their delivery: the reminder policy, the calendar rules, the
 * scheduler's interval, the SMTP server and the webhooks. Read from the environment once at
 * start-up; a wrong value stops the start with a message that names it.
 */
import { z } from 'zod';
import { ConfigurationError, envFlag, parseEnvironment } from './environment';
import { LAENDER, type CalendarRules } from '../machines/deadlines';
import { DEFAULT_REMINDER_POLICY, type ReminderPolicy } from '../machines/timers';

export interface MailConfig {
  /** Null: no SMTP server configured; e-mails wait in the outbox until one is. */
  host: string | null;
  port: number;
  /** true: TLS from the first byte (port 465); false: plain, upgraded by STARTTLS when offered. */
  secure: boolean;
  /** Refuse to send without STARTTLS (when not `secure`). */
  requireTls: boolean;
  user: string | null;
  password: string | null;
  from: string;
  /** The secretariat's (Geschäftsstelle) address: receives escalations and term reminders. */
  secretariat: string | null;
}

export interface WebhookConfig {
  urls: string[];
  /** Key of the HMAC-SHA256 signature in the `X-Gremienlauf-Signature` header. */
  secret: string;
  timeoutMs: number;
}

export interface DeliveryConfig {
  /** Attempts per message before it is dead-lettered. */
  maxAttempts: number;
  /** Delay before the second attempt; doubles with every further one. */
  backoffMs: number;
  backoffMaxMs: number;
}

export interface RemindersConfig {
  policy: ReminderPolicy;
  calendar: CalendarRules;
  /** Run the scheduler and the dispatcher on an interval (off in tests that drive them by hand). */
  schedulerEnabled: boolean;
  schedulerIntervalMs: number;
  dispatcherIntervalMs: number;
  /** The address of the web UI, for links in e-mails and the calendar feed. */
  publicUrl: string;
  mail: MailConfig;
  webhooks: WebhookConfig;
  delivery: DeliveryConfig;
}

const days = z
  .string()
  .regex(/^\s*\d{1,4}(\s*,\s*\d{1,4})*\s*$/, 'erwartet eine durch Kommas getrennte Liste von Tagen, z. B. 28,7')
  .transform((raw) => [...new Set(raw.split(',').map((d) => Number(d.trim())))].sort((a, b) => b - a));
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const envSchema = z.object({
  REMINDER_REPORT_DAYS_BEFORE: days.optional(),
  REMINDER_REPORT_ON_THE_DAY: envFlag.optional(),
  REMINDER_REPORT_OVERDUE_EVERY_DAYS: int(0, 365).optional(),
  REMINDER_REPORT_OVERDUE_MAX: int(0, 520).optional(),
  REMINDER_TERM_DAYS_BEFORE: days.optional(),
  REMINDER_TERM_ON_EXPIRY: envFlag.optional(),
  TERM_EXPIRING_DAYS: int(0, 3650).optional(),
  DEADLINE_LAND: z
    .string()
    .transform((v) => v.trim().toUpperCase())
    .pipe(z.enum(['BUND', ...LAENDER]))
    .optional(),
  DEADLINE_SHIFT_TO_WORKING_DAY: envFlag.optional(),
  SCHEDULER_ENABLED: envFlag.optional(),
  SCHEDULER_INTERVAL_SECONDS: int(1, 86400).default(60),
  DISPATCHER_INTERVAL_SECONDS: int(1, 86400).default(30),
  PUBLIC_URL: z
    .url({ protocol: /^https?$/, message: 'erwartet die Adresse der Weboberfläche, wie Nutzer sie aufrufen, z. B. https://gremien.example.org' })
    .optional(),
  SMTP_HOST: z.string().min(1).optional(),
  SMTP_PORT: z.coerce.number({ message: 'erwartet die Portnummer des SMTP-Servers, z. B. 587 (oder 465 mit SMTP_SECURE=true)' }).int().min(1).max(65535).optional(),
  SMTP_SECURE: envFlag.optional(),
  SMTP_REQUIRE_TLS: envFlag.optional(),
  SMTP_USER: z.string().min(1).optional(),
  SMTP_PASSWORD: z.string().min(1).optional(),
  MAIL_FROM: z.string().min(3).default('Gremienlauf <gremienlauf@localhost>'),
  SECRETARIAT_EMAIL: z.email().optional(),
  WEBHOOK_URLS: z
    .string()
    .default('')
    .transform((raw) => raw.split(',').map((u) => u.trim()).filter(Boolean))
    .pipe(z.array(z.url())),
  WEBHOOK_SECRET: z.string().default(''),
  WEBHOOK_TIMEOUT_MS: int(100, 120000).default(10000),
  DELIVERY_MAX_ATTEMPTS: int(1, 100).default(8),
  DELIVERY_BACKOFF_SECONDS: int(1, 86400).default(30),
  DELIVERY_BACKOFF_MAX_SECONDS: int(1, 7 * 86400).default(6 * 3600),
});

/** PORT as the service reads it (config/configuration.ts validates it); 3000 when unset or 0 (a free port, known only later). */
function listeningPort(env: NodeJS.ProcessEnv): string {
  const port = env.PORT?.trim() ?? '';
  return /^[1-9]\d{0,4}$/.test(port) ? port : '3000';
}

export function loadRemindersConfig(env: NodeJS.ProcessEnv = process.env): RemindersConfig {
  const e = parseEnvironment(envSchema, env, 'Ungültige Konfiguration der Fristen und Erinnerungen');
  if (e.WEBHOOK_URLS.length > 0 && e.WEBHOOK_SECRET.length < 16) {
    throw new ConfigurationError('Ungültige Konfiguration der Fristen und Erinnerungen', ['WEBHOOK_SECRET: mindestens 16 Zeichen, wenn WEBHOOK_URLS gesetzt ist']);
  }
  const d = DEFAULT_REMINDER_POLICY;
  const secure = e.SMTP_SECURE ?? false;
  return {
    policy: {
      report: {
        daysBefore: e.REMINDER_REPORT_DAYS_BEFORE ?? d.report.daysBefore,
        onTheDay: e.REMINDER_REPORT_ON_THE_DAY ?? d.report.onTheDay,
        overdueEveryDays: e.REMINDER_REPORT_OVERDUE_EVERY_DAYS ?? d.report.overdueEveryDays,
        overdueMaxReminders: e.REMINDER_REPORT_OVERDUE_MAX ?? d.report.overdueMaxReminders,
      },
      term: {
        daysBefore: e.REMINDER_TERM_DAYS_BEFORE ?? d.term.daysBefore,
        onExpiry: e.REMINDER_TERM_ON_EXPIRY ?? d.term.onExpiry,
      },
      termExpiringDays: e.TERM_EXPIRING_DAYS ?? d.termExpiringDays,
    },
    calendar: {
      land: e.DEADLINE_LAND === undefined || e.DEADLINE_LAND === 'BUND' ? null : e.DEADLINE_LAND,
      shiftToWorkingDay: e.DEADLINE_SHIFT_TO_WORKING_DAY ?? true,
    },
    schedulerEnabled: e.SCHEDULER_ENABLED ?? env.NODE_ENV !== 'test',
    schedulerIntervalMs: e.SCHEDULER_INTERVAL_SECONDS * 1000,
    dispatcherIntervalMs: e.DISPATCHER_INTERVAL_SECONDS * 1000,
    // Without PUBLIC_URL, links point at this service on this machine, on the port it listens on.
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${listeningPort(env)}`).replace(/\/+$/, ''),
    mail: {
      host: e.SMTP_HOST ?? null,
      port: e.SMTP_PORT ?? (secure ? 465 : 587),
      secure,
      requireTls: e.SMTP_REQUIRE_TLS ?? false,
      user: e.SMTP_USER ?? null,
      password: e.SMTP_PASSWORD ?? null,
      from: e.MAIL_FROM,
      secretariat: e.SECRETARIAT_EMAIL ?? null,
    },
    webhooks: { urls: e.WEBHOOK_URLS, secret: e.WEBHOOK_SECRET, timeoutMs: e.WEBHOOK_TIMEOUT_MS },
    delivery: {
      maxAttempts: e.DELIVERY_MAX_ATTEMPTS,
      backoffMs: e.DELIVERY_BACKOFF_SECONDS * 1000,
      backoffMaxMs: e.DELIVERY_BACKOFF_MAX_SECONDS * 1000,
    },
  };
}

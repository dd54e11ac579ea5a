/**
 * The service's configuration, read from the environment once at start-up and validated into
 * a typed object. A wrong value stops the start with a message that names it.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigurationError, envFlag, parseEnvironment } from './environment';
import { loadRemindersConfig } from './reminders';
import { DEFAULT_WAITS, type Waits } from '../src/database/waits';

export interface Issuer {
  /** The id used in the API and in URLs, e.g. `AL-Runde`. */
  id: string;
  name: string;
  /** The suffix this issuer's decision numbers carry (`2024/08-AL`), or null for none (`2024/09`). */
  suffix: string | null;
}

/** The bodies that issue decisions. The IT-PLR numbers without a suffix, the AL-Runde with `-AL`. */
export const DEFAULT_ISSUERS: Issuer[] = [
  { id: 'IT-PLR', name: 'IT-Planungsrat', suffix: null },
  { id: 'AL-Runde', name: 'Abteilungsleiterrunde des IT-Planungsrats', suffix: 'AL' },
];

export type DatabaseConfig = (
  | { kind: 'sqlite'; file: string; synchronous: 'FULL' | 'NORMAL' }
  | { kind: 'postgres'; url: string }
) & {
  /** How long it waits for a lock, and PostgreSQL for an answer; absent means DEFAULT_WAITS. */
  waits?: Waits;
};

export interface AppConfig {
  port: number;
  host: string;
  database: DatabaseConfig;
  issuers: Issuer[];
  /** Register the example body from the seed registration form when the database is empty. */
  seedExample: boolean;
  /** The largest request body accepted, in bytes. */
  bodyLimit: number;
  /** Authentication and hardening; absent means the defaults of `DEFAULT_AUTH`. */
  auth?: AuthConfig;
  /** How long a stored `Idempotency-Key` answers repeats, in hours; absent means DEFAULT_IDEMPOTENCY_KEY_HOURS. */
  idempotencyKeyHours?: number;
  /**
   * The origin (`https://gremien.example.org`, no path) of the OParl object ids; absent means the
   * origin each request was made to (its Host, or X-Forwarded-* behind TRUST_PROXY).
   */
  publicBaseUrl?: string | null;
}

export const DEFAULT_IDEMPOTENCY_KEY_HOURS = 24;

export interface AuthConfig {
  /** On an empty users table, create the secretariat user `geschaeftsstelle` with this API token. */
  bootstrapToken: string | null;
  /** Served behind https: session cookies are `Secure` and HSTS is sent. */
  https: boolean;
  /** Trust X-Forwarded-* from a reverse proxy (client address for the login limit and the log). */
  trustProxy: boolean;
  /** How long a web session lasts without activity, in minutes; at most `sessionMaxHours` in all. */
  sessionIdleMinutes: number;
  sessionMaxHours: number;
  /** Login attempts allowed per client address and per user name within `loginWindowSeconds`. */
  loginMaxAttempts: number;
  loginWindowSeconds: number;
  /** Where the security log's JSON lines go: `stdout`, `stderr`, `off`, or a file to append to. */
  securityLog: string;
}

export const DEFAULT_AUTH: AuthConfig = {
  bootstrapToken: null,
  https: false,
  trustProxy: false,
  sessionIdleMinutes: 60,
  sessionMaxHours: 12,
  loginMaxAttempts: 10,
  loginWindowSeconds: 900,
  securityLog: 'stdout',
};

const issuerSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9-]{2,30}$/),
  name: z.string().min(1),
  suffix: z.string().regex(/^[A-Z]{1,10}$/).nullable(),
});

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .min(1)
    .default('./data/gremienlauf.sqlite')
    .superRefine((url, ctx) => {
      const problem = unknownScheme(url);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  SQLITE_SYNCHRONOUS: z.enum(['FULL', 'NORMAL']).default('FULL'),
  DATABASE_LOCK_WAIT_SECONDS: z.coerce.number().int().min(1).max(600).default(DEFAULT_WAITS.lockMs / 1000),
  DATABASE_ANSWER_WAIT_SECONDS: z.coerce.number().int().min(2).max(3600).default(DEFAULT_WAITS.answerMs / 1000),
  GREMIENLAUF_ISSUERS: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return DEFAULT_ISSUERS;
      try {
        return z.array(issuerSchema).min(1).parse(JSON.parse(raw));
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `kein gültiges JSON-Array von Gremien {id, name, suffix}: ${String(error)}` });
        return z.NEVER;
      }
    }),
  GREMIENLAUF_SEED_EXAMPLE: envFlag.default(true),
  BODY_LIMIT: z.coerce.number().int().positive().default(1024 * 1024),
  GREMIENLAUF_BOOTSTRAP_TOKEN: z
    .string()
    .min(32, 'mindestens 32 Zeichen (z. B. openssl rand -hex 32)')
    .regex(/^[\x21-\x7e]+$/, 'nur sichtbare ASCII-Zeichen')
    .optional(),
  GREMIENLAUF_HTTPS: envFlag.default(false),
  TRUST_PROXY: envFlag.default(false),
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(DEFAULT_AUTH.sessionIdleMinutes),
  SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(24 * 7).default(DEFAULT_AUTH.sessionMaxHours),
  LOGIN_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(1000).default(DEFAULT_AUTH.loginMaxAttempts),
  LOGIN_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86400).default(DEFAULT_AUTH.loginWindowSeconds),
  IDEMPOTENCY_KEY_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(DEFAULT_IDEMPOTENCY_KEY_HOURS),
  SECURITY_LOG: z.string().min(1).default(DEFAULT_AUTH.securityLog),
  PUBLIC_BASE_URL: z
    .string()
    .regex(/^https?:\/\/[^/?#\s]+$/, 'ein Origin wie https://gremien.example.org (ohne Pfad und ohne / am Ende)')
    .optional(),
}).superRefine((e, ctx) => {
  // A statement that waits for a lock must be answered „belegt“ before the service gives up waiting for an answer.
  if (e.DATABASE_ANSWER_WAIT_SECONDS > e.DATABASE_LOCK_WAIT_SECONDS) return;
  ctx.addIssue({
    code: 'custom',
    path: ['DATABASE_ANSWER_WAIT_SECONDS'],
    message: `muss größer sein als DATABASE_LOCK_WAIT_SECONDS (${e.DATABASE_LOCK_WAIT_SECONDS}), nicht ${e.DATABASE_ANSWER_WAIT_SECONDS}: sonst hieße ein Vorgang, der auf eine Sperre wartet, „die Datenbank antwortete nicht“`,
  });
});

const POSTGRES_SCHEME = /^postgres(ql)?:\/\//i;

/**
 * Why DATABASE_URL names no database the service can open, or null when it does: a value that
 * begins like a URL (a scheme and a colon: `postgress://`, `mysql://`, `file:`) but is neither
 * PostgreSQL nor `sqlite:` is a mistake, not the name of a file to create. Only the scheme is
 * named, never the rest, which may hold a password. A single letter before the colon is a
 * Windows drive (`C:\daten\…`), a path.
 */
export function unknownScheme(url: string): string | null {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]+):/.exec(url)?.[1];
  if (scheme === undefined || POSTGRES_SCHEME.test(url) || scheme.toLowerCase() === 'sqlite') return null;
  const given = url.slice(scheme.length + 1).startsWith('//') ? `${scheme}://` : `${scheme}:`;
  if (/^postgres(ql)?$/i.test(scheme)) return `„${given}“ ist unvollständig; erwartet wird postgres://BENUTZER:PASSWORT@RECHNER:PORT/DATENBANK.`;
  return `„${given}“ ist kein unterstütztes Schema; erwartet wird postgres://… oder postgresql://… für PostgreSQL oder der Pfad einer SQLite-Datei (z. B. ./data/gremienlauf.sqlite).`;
}

/**
 * The database DATABASE_URL names: PostgreSQL for `postgres://` and `postgresql://` in any case,
 * else a SQLite file (`sqlite:` in front allowed). A value of another scheme is refused (see
 * `unknownScheme`) instead of becoming a folder named after it.
 */
export function databaseConfig(url: string, synchronous: 'FULL' | 'NORMAL' = 'FULL', waits?: Waits): DatabaseConfig {
  const problem = unknownScheme(url);
  if (problem) throw new ConfigurationError('Ungültige Konfiguration', [`DATABASE_URL: ${problem}`]);
  const waiting = waits ? { waits } : {};
  if (POSTGRES_SCHEME.test(url)) return { kind: 'postgres', url: url.replace(/^[a-z]+/i, (scheme) => scheme.toLowerCase()), ...waiting };
  return { kind: 'sqlite', file: url === ':memory:' ? url : resolve(url.replace(/^sqlite:/i, '')), synchronous, ...waiting };
}

/**
 * The service's configuration from the environment. The settings of deadlines and delivery
 * (config/reminders.ts) are read by their module when the application is built; they are
 * checked here as well, so that a wrong one stops the start before anything is written, and in
 * the same one line as the others.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: string[] = [];
  const e = problemsOf(problems, () => parseEnvironment(envSchema, env, 'Ungültige Konfiguration'));
  problemsOf(problems, () => loadRemindersConfig(env));
  if (!e || problems.length > 0) throw new ConfigurationError('Ungültige Konfiguration', problems);
  return {
    port: e.PORT,
    host: e.HOST,
    database: databaseConfig(e.DATABASE_URL, e.SQLITE_SYNCHRONOUS, { lockMs: e.DATABASE_LOCK_WAIT_SECONDS * 1000, answerMs: e.DATABASE_ANSWER_WAIT_SECONDS * 1000 }),
    issuers: e.GREMIENLAUF_ISSUERS,
    seedExample: e.GREMIENLAUF_SEED_EXAMPLE,
    bodyLimit: e.BODY_LIMIT,
    idempotencyKeyHours: e.IDEMPOTENCY_KEY_HOURS,
    publicBaseUrl: e.PUBLIC_BASE_URL ?? null,
    auth: {
      bootstrapToken: e.GREMIENLAUF_BOOTSTRAP_TOKEN ?? null,
      https: e.GREMIENLAUF_HTTPS,
      trustProxy: e.TRUST_PROXY,
      sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
      sessionMaxHours: e.SESSION_MAX_HOURS,
      loginMaxAttempts: e.LOGIN_MAX_ATTEMPTS,
      loginWindowSeconds: e.LOGIN_WINDOW_SECONDS,
      securityLog: e.SECURITY_LOG,
    },
  };
}

/** Runs `read`; the problems of a ConfigurationError are added to `problems` instead of thrown. */
function problemsOf<T>(problems: string[], read: () => T): T | null {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    problems.push(...error.problems);
    return null;
  }
}

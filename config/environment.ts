import { z } from 'zod';
// The environment is read before anything else of the service: its messages in German too.
import '../src/common/zod-german';
import { issueList } from '../src/common/errors';

/**
 * Settings that do not fit: one line that names every variable and what is wrong with it
 * (`Ungültige Konfiguration: PORT: …; SMTP_PORT: …`), each problem kept apart so that the
 * settings of several modules can be reported together.
 */
export class ConfigurationError extends Error {
  constructor(
    readonly heading: string,
    readonly problems: string[],
  ) {
    super(`${heading}: ${issueList(problems)}`);
  }
}

/**
 * The environment's variables read with a schema. A variable set to nothing or to blanks only
 * (`PORT=` in a unit or compose file) counts as not set, so its default applies: not port 0 (what
 * a number made of nothing would be), not "too small".
 * What does not fit is one error that names every variable and what is wrong with it.
 */
export function parseEnvironment<Schema extends z.ZodType>(schema: Schema, env: NodeJS.ProcessEnv, invalid: string): z.output<Schema> {
  const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const parsed = schema.safeParse(given);
  if (!parsed.success) {
    throw new ConfigurationError(
      invalid,
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  }
  return parsed.data;
}

const YES = ['true', 'yes', 'ja', 'on', '1'];
const NO = ['false', 'no', 'nein', 'off', '0'];

/**
 * A switch as an operator types it: `true`/`false`, also `yes`/`no`, `ja`/`nein`, `on`/`off`,
 * `1`/`0`, in any case. Anything else is refused with what is accepted, never read as "off".
 */
export const envFlag = z.string().transform((raw, ctx) => {
  const value = raw.trim().toLowerCase();
  if (YES.includes(value)) return true;
  if (NO.includes(value)) return false;
  ctx.addIssue({ code: 'custom', message: `Erwartet wird true oder false (auch yes/no, ja/nein, on/off, 1/0), nicht „${raw}“.` });
  return z.NEVER;
});

/**
 * The injection token of the environment the application was started with: the process's, or the
 * one a CLI command or a test gives it (`createApp(config, { env })`). Modules that read settings
 * of their own (the signing key, reminders) take them from there.
 */
export const ENVIRONMENT = 'ENVIRONMENT';

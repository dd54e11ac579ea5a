import type { z } from 'zod';
// The environment is read before anything else of the service: its messages in German too.
import '../src/common/zod-german';

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
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`${invalid}: ${problems.join('; ')}`);
  }
  return parsed.data;
}

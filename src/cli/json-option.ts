import { repeatedNameIssues } from '../common/i-json';
import { whereJsonBreaks } from '../common/json-problem';
import { UsageError } from './errors';

/**
 * The value of a JSON option (`--data`), or a usage error naming the option and where it breaks.
 * A member named twice in one object is refused as the API refuses it: the request built from
 * the parsed value would no longer show it, and JSON.parse kept only the last.
 */
export function jsonOption(value: string, name: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw new UsageError(`${name} ist kein gültiges JSON: ${whereJsonBreaks(value, error)}.`);
  }
  const [repeated] = repeatedNameIssues(value);
  if (repeated) throw new UsageError(`${name}: ${repeated.path}: ${repeated.message}`);
  return parsed;
}

import { whereJsonBreaks } from '../common/json-problem';
import { UsageError } from './errors';

/** The value of a JSON option (`--data`), or a usage error naming the option and where it breaks. */
export function jsonOption(value: string, name: string): unknown {
  try {
    return JSON.parse(value);
  } catch (error) {
    throw new UsageError(`${name} ist kein gültiges JSON: ${whereJsonBreaks(value, error)}.`);
  }
}

/**
 * What a CLI command is. Adding one means a file in `commands/` that exports a `CliCommand`
 * and one line in `registry.ts`.
 */
import type { ApiClient } from './api';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** The value's placeholder in the help, e.g. `DATUM`. */
  value?: string;
  /** German, one line. */
  description: string;
}

export interface CliCommand {
  name: string;
  /** Arguments as the help shows them, e.g. `ID EREIGNIS`; a trailing `?` marks an optional one (`DATEI?`). */
  args?: string[];
  /** German, one line, for the command overview. */
  summary: string;
  /** More German text for `gremienlauf help NAME`. */
  description?: string;
  options?: Record<string, OptionSpec>;
  /** Takes any further arguments unparsed (`ctx.rest`), for commands with their own parser. */
  passThrough?: boolean;
  run(ctx: CommandContext): Promise<number | void>;
}

export type OptionValues = Record<string, string | boolean | string[] | undefined>;

export interface Output {
  /** A line for people (stdout); suppressed with --json. */
  line(text?: string): void;
  /** A note for people on stderr (warnings, progress), also with --json. */
  note(text: string): void;
  /** The command's result: JSON with --json, else what `render` makes of it. */
  result<T>(value: T, render: (value: T) => string): void;
}

export interface CommandContext {
  /** Positional arguments by name as declared in `args` (without the `?`). */
  args: Record<string, string | undefined>;
  options: OptionValues;
  /** Arguments after the declared ones (only with `passThrough`). */
  rest: string[];
  json: boolean;
  out: Output;
  env: NodeJS.ProcessEnv;
  /** The service: a running server with --url, else the local database. Opened on first use, closed after the command. */
  api(): Promise<ApiClient>;
  /** Reads a file, `-` meaning stdin; a missing file is a usage error. */
  readInput(path: string): Promise<string>;
}

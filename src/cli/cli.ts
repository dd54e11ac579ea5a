/**
 * The `gremienlauf` command line: finds the command, parses its options (node:util parseArgs),
 * connects to the service on first use, prints the result (tables, or JSON with --json) and
 * turns the outcome into the exit code: 0 done, 1 refused (or the server or the database not
 * reached), 2 wrong usage.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { TextEncodingError, decodeText } from '../common/text-encoding';
import type { ApiClient } from './api';
import { ApiError, remoteClient } from './api';
import type { CliCommand, CommandContext, OptionSpec, OptionValues, Output } from './command';
import { databaseOption, serverUrl } from './connection';
import { EXIT, RefusedError, StartRefusedError, UnreachableError, UsageError } from './errors';
import { allowedEventsText } from './format';
import { COMMANDS } from './registry';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Standard input, read whole. */
  stdin(): Promise<Buffer>;
  env: NodeJS.ProcessEnv;
}

export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  json: { type: 'boolean', description: 'Ausgabe als JSON (für Skripte); Fehler als JSON auf stderr' },
  url: { type: 'string', value: 'URL', description: 'an einen laufenden Server statt an die lokale Datenbank (auch GREMIENLAUF_URL)' },
  token: { type: 'string', value: 'TOKEN', description: 'Zugangstoken, als Bearer gesendet (auch GREMIENLAUF_TOKEN)' },
  database: {
    type: 'string',
    value: 'DB',
    description: 'lokale Datenbank: SQLite-Datei oder postgres://… (sonst DATABASE_URL, Standard ./data/gremienlauf.sqlite)',
  },
  help: { type: 'boolean', short: 'h', description: 'Hilfe zum Befehl' },
};

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const json = argv.includes('--json');
  try {
    return await dispatch(argv, io);
  } catch (error) {
    return report(error, json, io);
  }
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const at = commandIndex(argv);
  if (at === -1) {
    if (argv.includes('--help') || argv.includes('-h') || argv.length === 0) {
      io.stdout(`${overview()}\n`);
      return argv.length === 0 ? EXIT.usage : EXIT.ok;
    }
    throw new UsageError('Kein Befehl angegeben.');
  }
  const name = argv[at];
  if (name === 'help') {
    const topic = argv[at + 1];
    const command = topic ? findCommand(topic) : undefined;
    io.stdout(`${command ? commandHelp(command) : overview()}\n`);
    return EXIT.ok;
  }
  const command = findCommand(name);
  if (!command) {
    throw new UsageError(`Unbekannter Befehl „${name}“. Befehle: ${COMMANDS.map((c) => c.name).join(', ')}.`);
  }
  try {
    return await runCommand(command, [...argv.slice(0, at), ...argv.slice(at + 1)], io);
  } catch (error) {
    // Wrong usage of a known command: its own help is the one to read.
    if (error instanceof UsageError) error.command ??= command.name;
    throw error;
  }
}

async function runCommand(command: CliCommand, rest: string[], io: CliIo): Promise<number> {
  const parsed = command.passThrough ? passThrough(rest) : parse(command, rest);
  if (parsed.options.help) {
    io.stdout(`${commandHelp(command)}\n`);
    return EXIT.ok;
  }

  let client: ApiClient | undefined;
  const url = (parsed.options.url as string | undefined) ?? io.env.GREMIENLAUF_URL;
  const token = (parsed.options.token as string | undefined) ?? io.env.GREMIENLAUF_TOKEN;
  const env = { ...io.env };
  if (typeof parsed.options.database === 'string') env.DATABASE_URL = databaseOption(parsed.options.database);
  const json = parsed.options.json === true;
  const ctx: CommandContext = {
    args: parsed.args,
    options: parsed.options,
    rest: parsed.rest,
    json,
    env,
    out: output(json, io),
    async api() {
      if (!client) {
        if (url) {
          const source = typeof parsed.options.url === 'string' ? '--url' : 'GREMIENLAUF_URL';
          client = remoteClient(serverUrl(url, source), token, source);
        } else {
          // Required only here, so that help and offline commands start without NestJS.
          const { databaseSource, localClient }: typeof import('./local') = require('./local');
          client = await localClient(env, token, databaseSource(parsed.options, io.env), `gremienlauf ${command.name}`);
        }
      }
      return client!;
    },
    async readInput(path) {
      let bytes: Buffer;
      try {
        bytes = path === '-' ? await io.stdin() : await readFile(path);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new UsageError(code === 'ENOENT' ? `Die Datei „${path}“ gibt es nicht.` : `Die Datei „${path}“ ist nicht lesbar (${code}).`);
      }
      // UTF-8 or UTF-16, as the editor saved it (src/common/text-encoding.ts); anything else names the line.
      try {
        return decodeText(bytes);
      } catch (error) {
        if (error instanceof TextEncodingError) throw new UsageError(`${path === '-' ? 'Die Standardeingabe' : `Die Datei „${path}“`}: ${error.message}`);
        throw error;
      }
    },
  };
  try {
    return (await command.run(ctx)) ?? EXIT.ok;
  } finally {
    await client?.close();
  }
}

/** Where the command name stands: the first argument that is neither a global option nor its value. */
function commandIndex(argv: readonly string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('-')) return i;
    const name = arg.replace(/^--?/, '').split('=')[0];
    const spec = GLOBAL_OPTIONS[name] ?? Object.values(GLOBAL_OPTIONS).find((o) => o.short === name);
    if (!spec) throw new UsageError(`Unbekannte Option „${arg}“ vor dem Befehl.`);
    if (spec.type === 'string' && !arg.includes('=')) i++;
  }
  return -1;
}

function findCommand(name: string): CliCommand | undefined {
  return COMMANDS.find((command) => command.name === name);
}

interface Parsed {
  args: Record<string, string | undefined>;
  options: OptionValues;
  rest: string[];
}

function parse(command: CliCommand, argv: string[]): Parsed {
  const specs = { ...GLOBAL_OPTIONS, ...command.options };
  let values: OptionValues;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: Object.fromEntries(
        Object.entries(specs).map(([name, spec]) => [
          name,
          { type: spec.type, ...(spec.short ? { short: spec.short } : {}), ...(spec.multiple ? { multiple: true } : {}) },
        ]),
      ),
      allowPositionals: true,
      strict: true,
    }) as { values: OptionValues; positionals: string[] });
  } catch (error) {
    throw new UsageError(germanParseError(error));
  }
  if (values.help) return { args: {}, options: values, rest: [] };
  const declared = command.args ?? [];
  const required = declared.filter((a) => !a.endsWith('?'));
  if (positionals.length < required.length) {
    throw new UsageError(`Es fehlt ${required.slice(positionals.length).map((a) => `„${a}“`).join(' und ')}.`);
  }
  if (positionals.length > declared.length) {
    throw new UsageError(`Zu viele Argumente: ${positionals.slice(declared.length).map((a) => `„${a}“`).join(' ')}.`);
  }
  const args = Object.fromEntries(declared.map((name, i) => [name.replace(/\?$/, ''), positionals[i]]));
  return { args, options: values, rest: [] };
}

/** For commands with their own parser: takes out the global options, hands on everything else. */
function passThrough(argv: string[]): Parsed {
  const options: OptionValues = {};
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const name = flag.replace(/^--/, '');
    // --help stays with the command's own parser.
    const spec = flag.startsWith('--') && name !== 'help' ? GLOBAL_OPTIONS[name] : undefined;
    if (!spec) {
      rest.push(argv[i]);
    } else if (spec.type === 'boolean') {
      options[name] = true;
    } else {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new UsageError(`Die Option „--${name}“ erwartet einen Wert.`);
      options[name] = value;
    }
  }
  return { args: {}, options, rest };
}

function germanParseError(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const option = /'(-[^']*)'/.exec(message)?.[1]?.split(/[, ]/)[0] ?? '';
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `Unbekannte Option „${option}“.`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      // „argument missing“ at the end of the line, „argument is ambiguous“ before another option (`--held --url …`).
      return message.includes('argument missing') || message.includes('argument is ambiguous')
        ? `Die Option „${option}“ erwartet einen Wert.`
        : `Die Option „${option}“ nimmt keinen Wert.`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `Unerwartetes Argument: ${message}`;
    default:
      return message;
  }
}

function output(json: boolean, io: CliIo): Output {
  return {
    line: (text = '') => {
      if (!json) io.stdout(`${text}\n`);
    },
    note: (text) => io.stderr(`${text}\n`),
    result: (value, render) => io.stdout(`${json ? JSON.stringify(value, null, 2) : render(value)}\n`),
  };
}

function report(error: unknown, json: boolean, io: CliIo): number {
  if (error instanceof UsageError) {
    const help = error.showHelp ? `Hilfe: gremienlauf help${error.command ? ` ${error.command}` : ''}\n` : '';
    io.stderr(json ? `${JSON.stringify({ error: { kind: 'usage', message: error.message } })}\n` : `Fehler: ${error.message}\n${help}`);
    return EXIT.usage;
  }
  // What the command needs cannot be reached, or the service will not start on it as configured: one line that names it.
  if (error instanceof UnreachableError || error instanceof StartRefusedError) {
    const kind = error instanceof UnreachableError ? 'unreachable' : 'startRefused';
    io.stderr(json ? `${JSON.stringify({ error: { kind, status: null, message: error.message, details: error.details } }, null, 2)}\n` : `Fehler: ${error.message}\n`);
    if (io.env.GREMIENLAUF_DEBUG && error.cause instanceof Error) io.stderr(`${error.cause.stack}\n`);
    return EXIT.refused;
  }
  if (error instanceof RefusedError) {
    if (json) {
      io.stderr(`${JSON.stringify({ error: { kind: 'refused', status: error.status, message: error.message, details: error.details } }, null, 2)}\n`);
    } else {
      io.stderr(`Abgelehnt: ${error.message}\n${error instanceof ApiError ? refusalHints(error) : ''}`);
    }
    return EXIT.refused;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(json ? `${JSON.stringify({ error: { kind: 'internal', message } })}\n` : `Interner Fehler: ${message}\n`);
  if (io.env.GREMIENLAUF_DEBUG && error instanceof Error) io.stderr(`${error.stack}\n`);
  return EXIT.refused;
}

/** The state and the allowed events that a lifecycle refusal (422) carries. */
function refusalHints(error: ApiError): string {
  const details = (error.details as { details?: { state?: string; allowedEvents?: string[] } } | null)?.details;
  if (!details || typeof details !== 'object' || Array.isArray(details)) return '';
  const lines: string[] = [];
  if (details.state) lines.push(`Zustand: ${details.state}`);
  if (details.allowedEvents) lines.push(`Zulässige Ereignisse: ${allowedEventsText(details.allowedEvents)}`);
  return lines.map((l) => `${l}\n`).join('');
}

function usageLine(command: CliCommand): string {
  const options = Object.entries(command.options ?? {}).map(([name, spec]) => `[--${name}${spec.value ? ` ${spec.value}` : ''}]`);
  return ['gremienlauf', command.name, ...(command.args ?? []).map((a) => (a.endsWith('?') ? `[${a.slice(0, -1)}]` : a)), ...options].join(' ');
}

function optionLines(options: Record<string, OptionSpec>): string[] {
  const entries = Object.entries(options).map(([name, spec]) => [
    `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.value ? ` ${spec.value}` : ''}`,
    spec.description,
  ]);
  const width = Math.max(...entries.map(([left]) => left.length));
  return entries.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
}

export function overview(): string {
  const names = COMMANDS.map((c) => [c.name, ...(c.args ?? [])].join(' '));
  const width = Math.max(...names.map((n) => n.length));
  return [
    'gremienlauf – Lebenslauf der Gremien und Arbeitsformate des IT-Planungsrats und der AL-Runde',
    '',
    'Aufruf: gremienlauf BEFEHL [ARGUMENTE] [OPTIONEN]',
    '',
    'Befehle:',
    ...COMMANDS.map((c, i) => `  ${names[i].padEnd(width)}  ${c.summary}`),
    '',
    'Allgemeine Optionen:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    'Ohne --url arbeitet der Befehl direkt auf der lokalen Datenbank.',
    'Exit-Codes: 0 erledigt, 1 abgelehnt oder Server/Datenbank nicht erreichbar, 2 falscher Aufruf.',
    'Mehr zu einem Befehl: gremienlauf help BEFEHL',
  ].join('\n');
}

export function commandHelp(command: CliCommand): string {
  return [
    `Aufruf: ${usageLine(command)}`,
    '',
    command.summary,
    ...(command.description ? ['', command.description] : []),
    ...(command.options && Object.keys(command.options).length > 0 ? ['', 'Optionen:', ...optionLines(command.options)] : []),
    '',
    'Allgemeine Optionen:',
    ...optionLines(GLOBAL_OPTIONS),
  ].join('\n');
}

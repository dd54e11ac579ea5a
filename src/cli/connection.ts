/**
 * What the CLI could not reach, in the operator's words: the server of `--url` or the local
 * database, named with where it was given (option, environment variable or default) and why,
 * instead of Node's `connect ECONNREFUSED` or SQLite's `unable to open database file`.
 */
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DatabaseConfig } from '../../config/configuration';
import { NO_ANSWER } from '../database/waits';
import { UnreachableError, UsageError } from './errors';

/** Where a setting came from, as the message names it: `--url`, `GREMIENLAUF_URL`, `DATABASE_URL`, … */
export type SettingSource = string;

/** The default database is named as such, so that the operator knows which option would change it. */
export const DEFAULT_DATABASE = 'Standard; eine andere nennt --database oder DATABASE_URL';

/**
 * The base URL of a Gremienlauf server as given (`http://host:3000`, also behind a path prefix),
 * without a trailing slash; anything that is no http(s) address is wrong usage.
 */
export function serverUrl(raw: string, source: SettingSource): string {
  const given = `${source === '--url' ? 'Die Option --url' : source} erwartet die Adresse eines Gremienlauf-Servers wie http://localhost:3000`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`${given}; „${raw}“ ist keine${raw.includes('://') ? '' : ` (es fehlt http:// oder https:// am Anfang)`}.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    const scheme = url.protocol.slice(0, -1);
    // `localhost:3000` reads as scheme "localhost": the operator left out http://.
    const hint = raw.includes('://') ? ` (${scheme}:// ist kein Protokoll dafür, nur http:// und https://)` : ' (es fehlt http:// oder https:// am Anfang)';
    throw new UsageError(`${given}; „${raw}“ ist keine${hint}.`);
  }
  if (url.username || url.password) throw new UsageError(`${given}, ohne Benutzer und Passwort darin; das Zugangstoken nennt --token (oder GREMIENLAUF_TOKEN).`);
  if (url.search || url.hash) throw new UsageError(`${given}, ohne „?“ und „#“; „${raw}“ hat sie.`);
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/**
 * The database `--database` names, handed on to the service as DATABASE_URL: a value that is no
 * database (nothing, or a scheme neither PostgreSQL nor SQLite) is wrong usage named after the
 * option, not after the variable it was not given in.
 */
export function databaseOption(raw: string): string {
  if (raw.trim() === '') throw new UsageError('Die Option --database erwartet eine Datenbank: den Pfad einer SQLite-Datei oder postgres://…; sie ist leer.');
  // Required only here: the configuration's schemas are not loaded for help and offline commands.
  const { unknownScheme }: typeof import('../../config/configuration') = require('../../config/configuration');
  const problem = unknownScheme(raw);
  if (problem) throw new UsageError(`Ungültige Option --database: ${problem}`);
  return raw;
}

/** Why a request to the server at `base` got no answer; `error` is Node's from http(s).request. */
export function serverUnreachable(base: string, source: SettingSource, error: unknown): UnreachableError {
  const code = errorCode(error);
  const { hostname, host } = new URL(base);
  const where = `Der Server ${base} (${source})`;
  const reason = ((): string => {
    switch (code) {
      case 'ECONNREFUSED':
        return `ist nicht erreichbar: an ${host} nimmt niemand Verbindungen an – läuft dort „gremienlauf serve“, und stimmt der Port?`;
      case 'ENOTFOUND':
        return `ist nicht erreichbar: den Rechner „${hostname}“ findet das DNS nicht – ist der Name richtig geschrieben?`;
      case 'EAI_AGAIN':
        return `ist nicht erreichbar: den Rechner „${hostname}“ kann das DNS gerade nicht auflösen – besteht eine Netzverbindung?`;
      case 'ETIMEDOUT':
      case 'EHOSTUNREACH':
      case 'ENETUNREACH':
        return noRoute(code, host);
      case 'ECONNRESET':
      case 'EPIPE':
        return `hat die Verbindung ohne Antwort beendet – ist unter ${host} wirklich ein Gremienlauf-Server?`;
      case 'EPROTO':
      case 'ERR_SSL_WRONG_VERSION_NUMBER':
        return `spricht unter ${host} kein HTTPS – ist http:// statt https:// gemeint?`;
      default:
        if (code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
          return `ist nicht erreichbar: sein TLS-Zertifikat wird nicht anerkannt (${code}).`;
        }
        return `ist nicht erreichbar (${code ?? messageOf(error)}).`;
    }
  })();
  return new UnreachableError(`${where} ${reason}`, { target: base, source, reason: code ?? messageOf(error) }, { cause: error });
}

/** The database as a message names it: the SQLite file, or the PostgreSQL URL without its password. */
export function databaseLabel(database: DatabaseConfig): string {
  if (database.kind === 'sqlite') return database.file;
  try {
    const url = new URL(database.url);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return 'PostgreSQL';
  }
}

/**
 * Why the database could not be opened, or null when `error` is no such failure (it is then
 * reported as it is). Covers the SQLite file (a folder, no database, no permission, read-only,
 * damaged) and PostgreSQL (nobody listening, unknown host, login refused, no such database).
 */
export function databaseUnreachable(database: DatabaseConfig, source: SettingSource, error: unknown): UnreachableError | null {
  // node-postgres gives up a connection that PostgreSQL took but did not answer in time (`Waits.answerMs`) without a
  // code; it is what Node calls a connection that timed out (ETIMEDOUT), and said as such.
  const code = errorCode(error) ?? (database.kind === 'postgres' && NO_ANSWER.connecting.includes(messageOf(error)) ? 'ETIMEDOUT' : undefined);
  if (!code) return null;
  const label = `Die Datenbank ${databaseLabel(database)} (${source})`;
  const reason = database.kind === 'sqlite' ? sqliteReason(database.file, code, error) : postgresReason(database.url, code, error);
  if (!reason) return null;
  return new UnreachableError(`${label} ${reason}`, { target: databaseLabel(database), source, reason: code }, { cause: error });
}

function sqliteReason(file: string, code: string, error: unknown): string | null {
  const cannot = 'lässt sich nicht öffnen:';
  switch (code) {
    case 'SQLITE_CANTOPEN':
      if (kindOfPath(file) === 'directory') return `${cannot} das ist ein Verzeichnis, keine Datenbankdatei.`;
      if (kindOfPath(dirname(file)) === 'directory' && kindOfPath(file) === 'missing') {
        return `${cannot} im Verzeichnis ${dirname(file)} darf dieser Benutzer keine Datei anlegen.`;
      }
      return `${cannot} die Datei ist nicht les- oder schreibbar (Berechtigungen?).`;
    case 'SQLITE_NOTADB':
      return `${cannot} die Datei ist keine SQLite-Datenbank.`;
    case 'SQLITE_CORRUPT':
      return `${cannot} die Datei ist beschädigt.`;
    case 'SQLITE_PERM':
    case 'SQLITE_READONLY':
    case 'SQLITE_READONLY_DIRECTORY':
    case 'SQLITE_READONLY_DBMOVED':
      return `${cannot} sie ist nur lesbar, die Befehle müssen aber darin schreiben können (Berechtigungen?).`;
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return `${cannot} ein anderer Prozess hält sie gesperrt.`;
    case 'SQLITE_FULL':
      return `${cannot} der Datenträger ist voll.`;
  }
  // The folder of the file is created when missing (src/database/database.ts); that can fail too.
  const path = (error as { path?: string }).path ?? dirname(file);
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `${cannot} das Verzeichnis ${path} darf dieser Benutzer nicht anlegen oder öffnen.`;
    case 'ENOTDIR':
    case 'EEXIST':
      return `${cannot} ${path} ist eine Datei, kein Verzeichnis.`;
    case 'EROFS':
      return `${cannot} ${path} liegt auf einem schreibgeschützten Dateisystem.`;
    case 'ENOENT':
      return `${cannot} das Verzeichnis ${path} gibt es nicht.`;
    default:
      return code.startsWith('SQLITE_IOERR') ? `${cannot} Lese- oder Schreibfehler des Datenträgers (${code}).` : null;
  }
}

function postgresReason(url: string, code: string, error: unknown): string | null {
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    parsed = null;
  }
  const host = parsed ? `${parsed.hostname}:${parsed.port || '5432'}` : 'dem Rechner der URL';
  switch (code) {
    case 'ECONNREFUSED':
      return `ist nicht erreichbar: an ${host} nimmt niemand Verbindungen an – läuft PostgreSQL dort, und stimmt der Port?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `ist nicht erreichbar: den Rechner „${parsed?.hostname ?? ''}“ findet das DNS nicht.`;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return noRoute(code, host);
    case 'ECONNRESET':
      return `hat die Verbindung beendet – ist an ${host} wirklich PostgreSQL?`;
    case '28P01':
    case '28000':
      return `lehnt die Anmeldung ab: Benutzer „${decodeURIComponent(parsed?.username ?? '')}“ oder Passwort stimmt nicht.`;
    case '3D000':
      return `gibt es nicht: auf ${host} fehlt die Datenbank „${decodeURIComponent(parsed?.pathname.slice(1) ?? '')}“.`;
    case '53300':
      return `nimmt keine weitere Verbindung an (zu viele Verbindungen).`;
    case '57P03':
      return `nimmt noch keine Verbindungen an (PostgreSQL startet gerade).`;
  }
  // Refused as the session starts (FATAL), so no statement of ours is at fault.
  const fatal = (error as { severity?: unknown } | null)?.severity === 'FATAL';
  if (code === '55000' && fatal) {
    return `nimmt keine Verbindungen an: sie sind für die Datenbank „${decodeURIComponent(parsed?.pathname.slice(1) ?? '')}“ abgeschaltet (ALTER DATABASE … ALLOW_CONNECTIONS false), etwa für eine Wartung.`;
  }
  return /^[0-9A-Z]{5}$/.test(code) && (code.startsWith('08') || fatal) ? `ist nicht erreichbar (PostgreSQL ${code}: ${messageOf(error)}).` : null;
}

function kindOfPath(path: string): 'directory' | 'file' | 'missing' | 'unknown' {
  try {
    return statSync(path).isDirectory() ? 'directory' : 'file';
  } catch (error) {
    return errorCode(error) === 'ENOENT' ? 'missing' : 'unknown';
  }
}

/** Node's and the drivers' error code; an AggregateError (several addresses tried) carries its first. */
function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  const first = (error as { errors?: unknown[] } | null)?.errors?.[0];
  return first === undefined ? undefined : errorCode(first);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Why a host did not answer at the network's level (`ETIMEDOUT`, `EHOSTUNREACH`, `ENETUNREACH`). */
function noRoute(code: string, host: string): string {
  return code === 'ETIMEDOUT'
    ? `ist nicht erreichbar: ${host} antwortet nicht (Zeitüberschreitung beim Verbindungsaufbau).`
    : `ist nicht erreichbar: zu ${host} führt von diesem Rechner kein Netzweg.`;
}

/**
 * A write the database refuses for want of rights is no fault of the request and no riddle: the
 * answer says so (the operators must mend it), where any other failure stays „Interner Fehler“.
 * PostgreSQL's case runs for real in test/cli-read-only-user-postgres.e2e-spec.ts, SQLite's in
 * test/database-read-only.e2e-spec.ts.
 */
import { Logger } from '@nestjs/common';
import { toErrorBody } from '../src/common/http-errors';

const FORBIDDEN = 'Der Vorgang wurde nicht ausgeführt: die Datenbank lässt den Dienst nicht schreiben (ihr Benutzer oder die Datei hat keine Schreibrechte). Das können nur die Betreiber beheben.';

function failure(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

beforeAll(() => Logger.overrideLogger(false));
afterAll(() => Logger.overrideLogger(['log', 'error', 'warn']));

test.each([
  ['42501', 'permission denied for table bodies'],
  ['SQLITE_READONLY', 'attempt to write a readonly database'],
  ['SQLITE_READONLY_DBMOVED', 'attempt to write a readonly database'],
  ['SQLITE_PERM', 'access permission denied'],
])('%s: 500 naming the rights, without the server’s words', (code, message) => {
  const body = toErrorBody(failure(code, message));
  expect(body).toEqual({ statusCode: 500, error: 'Internal Server Error', message: FORBIDDEN, details: null });
});

test.each([['23502'], ['SQLITE_IOERR'], ['ECONNRESET']])('%s stays „Interner Fehler“', (code) => {
  expect(toErrorBody(failure(code, 'anything')).message).toBe('Interner Fehler; der Vorgang wurde nicht ausgeführt.');
});

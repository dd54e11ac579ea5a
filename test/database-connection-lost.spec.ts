/**
 * Which failures mean that PostgreSQL is out of reach, and what the answer then says: nothing was
 * carried out, or (cut during the COMMIT) no one knows. The real cuts run in
 * test/database-connection-lost-postgres.e2e-spec.ts.
 */
import { Logger } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { toErrorBody } from '../src/common/http-errors';
import { DatabaseUnreachable, connectionLost, neverConnected } from '../src/database/connection-lost';

function failure(code: string | undefined, message: string, severity?: 'ERROR' | 'FATAL'): Error {
  return Object.assign(new Error(message), code === undefined ? {} : { code }, severity === undefined ? {} : { severity });
}

beforeAll(() => Logger.overrideLogger(false));
afterAll(() => Logger.overrideLogger(['log', 'error', 'warn']));

test.each([
  ['ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'],
  ['ECONNRESET', 'read ECONNRESET'],
  ['57P01', 'terminating connection due to administrator command'],
  ['57P03', 'the database system is starting up'],
  ['08006', 'connection failure'],
  ['55000', 'database "gremienlauf" is not currently accepting connections', 'FATAL'],
  ['53300', 'sorry, too many clients already', 'FATAL'],
  ['3D000', 'database "gremienlauf" does not exist', 'FATAL'],
  ['28P01', 'password authentication failed for user "gremienlauf"', 'FATAL'],
  ['25P03', 'terminating connection due to idle-in-transaction timeout'],
  [undefined, 'Connection terminated unexpectedly'],
  [undefined, 'Client has encountered a connection error and is not queryable'],
  [undefined, 'Query read timeout'],
  [undefined, 'Connection terminated due to connection timeout'],
  [undefined, 'timeout expired'],
  [undefined, 'timeout exceeded when trying to connect'],
] as Array<[string | undefined, string, 'FATAL'?]>)('%s (%s) is a lost connection', (...[code, message, severity]) => {
  expect(connectionLost(failure(code, message, severity))).toBe(true);
  expect(connectionLost(new QueryFailedError('SELECT 1', [], failure(code, message, severity)))).toBe(true);
});

test.each([
  ['23505', 'duplicate key value violates unique constraint'],
  ['40001', 'could not serialize access'],
  ['57014', 'canceling statement due to statement timeout'],
  ['55000', 'cannot execute nextval() in a read-only transaction'],
  ['42501', 'permission denied for table events'],
  ['SQLITE_BUSY', 'database is locked'],
  [undefined, 'Interner Fehler'],
])('%s (%s) is no lost connection', (code, message) => {
  expect(connectionLost(failure(code, message, 'ERROR'))).toBe(false);
});

test('only a connection that never came about is sure to have sent nothing', () => {
  expect(neverConnected(failure('ECONNREFUSED', 'connect ECONNREFUSED'))).toBe(true);
  expect(neverConnected(failure('57P03', 'the database system is starting up', 'FATAL'))).toBe(true);
  expect(neverConnected(failure('55000', 'database "gremienlauf" is not currently accepting connections', 'FATAL'))).toBe(true);
  expect(neverConnected(failure('53300', 'sorry, too many clients already', 'FATAL'))).toBe(true);
  expect(neverConnected(failure('57P01', 'terminating connection due to administrator command', 'FATAL'))).toBe(false);
  expect(neverConnected(failure('ECONNRESET', 'read ECONNRESET'))).toBe(false);
  expect(neverConnected(failure(undefined, 'Connection terminated unexpectedly'))).toBe(false);
  // No connection in time, of the pool's or a new one: nothing was sent. A statement without an answer was sent.
  expect(neverConnected(failure(undefined, 'Connection terminated due to connection timeout'))).toBe(true);
  expect(neverConnected(failure(undefined, 'timeout exceeded when trying to connect'))).toBe(true);
  expect(neverConnected(failure(undefined, 'Query read timeout'))).toBe(false);
});

test('a server that did not answer in 10 s is said as such, and not tried again at once', () => {
  const statement = new DatabaseUnreachable(false, failure(undefined, 'Query read timeout'));
  expect(statement).toMatchObject({ unanswered: true, outcomeUnknown: false });
  expect(statement.publicMessage).toMatch(/^Der Vorgang wurde nicht ausgeführt: die Datenbank \(PostgreSQL\) antwortete nicht binnen 10 s/);
  const commit = new DatabaseUnreachable(true, new QueryFailedError('COMMIT', [], failure(undefined, 'Query read timeout')));
  expect(commit).toMatchObject({ unanswered: true, outcomeUnknown: true });
  expect(commit.publicMessage).toMatch(/^Ob der Vorgang gespeichert wurde, ist nicht bekannt: die Datenbank \(PostgreSQL\) antwortete nicht binnen 10 s, während er abgeschlossen wurde/);
  expect(new DatabaseUnreachable(false, failure('57P01', 'terminating connection due to administrator command'))).toMatchObject({ unanswered: false });
  // No connection of the pool came free: the server may answer, only slowly (locks); said as what was seen.
  const pool = new DatabaseUnreachable(false, failure(undefined, 'timeout exceeded when trying to connect'));
  expect(pool).toMatchObject({ unanswered: true, outcomeUnknown: false });
  expect(pool.publicMessage).toMatch(/^Der Vorgang wurde nicht ausgeführt: binnen 10 s wurde keine Verbindung zur Datenbank \(PostgreSQL\) frei; alle blieben von anderen Vorgängen belegt/);
});

test('answered 503: not carried out, or its outcome unknown; the server’s words stay in the log', () => {
  const cause = failure('57P01', 'terminating connection due to administrator command');
  const notDone = toErrorBody(new DatabaseUnreachable(false, cause));
  expect(notDone).toMatchObject({ statusCode: 503, error: 'Service Unavailable', details: null });
  expect(notDone.message).toMatch(/^Der Vorgang wurde nicht ausgeführt: die Verbindung zur Datenbank \(PostgreSQL\) brach ab/);
  const unknown = toErrorBody(new DatabaseUnreachable(true, cause));
  expect(unknown).toMatchObject({ statusCode: 503, error: 'Service Unavailable', details: null });
  expect(unknown.message).toMatch(/^Ob der Vorgang gespeichert wurde, ist nicht bekannt/);
  for (const body of [notDone, unknown]) expect(body.message).not.toContain('administrator');
  expect(new DatabaseUnreachable(true, cause).message).toContain('terminating connection due to administrator command');
});

test('logged in one line with the server’s words, without a stack; a failure the service cannot name keeps its stack', () => {
  const lines: Array<{ level: string; message: string }> = [];
  const capture = (level: string) => (message: unknown) => void lines.push({ level, message: String(message) });
  Logger.overrideLogger({ log: capture('log'), error: capture('error'), warn: capture('warn'), debug: capture('debug'), verbose: capture('verbose') });
  try {
    toErrorBody(new DatabaseUnreachable(false, failure('57P01', 'terminating connection due to administrator command')));
    toErrorBody(new Error('unforeseen'));
  } finally {
    Logger.overrideLogger(false);
  }
  expect(lines).toHaveLength(2);
  expect(lines[0]).toEqual({ level: 'warn', message: expect.stringContaining('(terminating connection due to administrator command)') });
  expect(lines[0].message).not.toContain('\n');
  expect(lines[1]).toEqual({ level: 'error', message: expect.stringMatching(/^Error: unforeseen\n\s+at /) });
});

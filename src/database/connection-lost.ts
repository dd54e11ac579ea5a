import { QueryFailedError } from 'typeorm';
import { ServiceUnavailable } from './service-unavailable';
import { DEFAULT_WAITS, NO_ANSWER, seconds } from './waits';

/**
 * PostgreSQL out of reach: the connection broke (a restart, a failover, `pg_terminate_backend`,
 * the network) or none could be made. Its `publicMessage` says whether the work stands: broken
 * before its COMMIT was sent, nothing of it was written (PostgreSQL rolls back what a lost
 * connection left open); broken while the COMMIT was under way, the service cannot know. The
 * same holds for a server that stopped answering, whose connection the service gave up
 * (`Waits.answerMs`, named in the answer). The server's own words go to the log only (`message`).
 */
export class DatabaseUnreachable extends ServiceUnavailable {
  /** True when PostgreSQL did not answer within `Waits.answerMs` (see `unanswered`): trying again at once would only wait as long again. */
  readonly unanswered: boolean;

  constructor(
    readonly outcomeUnknown: boolean,
    cause: unknown,
    answerMs = DEFAULT_WAITS.answerMs,
  ) {
    const publicMessage = answerFor(cause, outcomeUnknown, seconds(answerMs));
    super(publicMessage, { logMessage: `${publicMessage} (${cause instanceof Error ? cause.message : String(cause)})`, cause });
    this.unanswered = unanswered(cause);
  }
}

function answerFor(cause: unknown, outcomeUnknown: boolean, waited: string): string {
  if (messageOf(cause) === NO_ANSWER.pool) return noConnectionFree(waited);
  if (unanswered(cause)) return outcomeUnknown ? outcomeUnknownUnanswered(waited) : notDoneUnanswered(waited);
  return outcomeUnknown ? OUTCOME_UNKNOWN : NOT_DONE;
}

const NOT_DONE =
  'Der Vorgang wurde nicht ausgeführt: die Verbindung zur Datenbank (PostgreSQL) brach ab oder kam nicht zustande, etwa weil sie gerade neu startet. Bitte gleich noch einmal versuchen; hält es an, können nur die Betreiber es beheben.';

const OUTCOME_UNKNOWN =
  'Ob der Vorgang gespeichert wurde, ist nicht bekannt: die Verbindung zur Datenbank (PostgreSQL) brach ab, während er abgeschlossen wurde. Bitte erst den Stand abrufen, dann wiederholen; mit demselben Idempotency-Key wiederholt, wird er höchstens einmal ausgeführt.';

const notDoneUnanswered = (waited: string) =>
  `Der Vorgang wurde nicht ausgeführt: die Datenbank (PostgreSQL) antwortete nicht binnen ${waited}, etwa weil ihr Server hängt oder das Netz zu ihm unterbrochen ist. Bitte später noch einmal versuchen; hält es an, können nur die Betreiber es beheben.`;

const outcomeUnknownUnanswered = (waited: string) =>
  `Ob der Vorgang gespeichert wurde, ist nicht bekannt: die Datenbank (PostgreSQL) antwortete nicht binnen ${waited}, während er abgeschlossen wurde. Bitte erst den Stand abrufen, dann wiederholen; mit demselben Idempotency-Key wiederholt, wird er höchstens einmal ausgeführt.`;

/** No connection of the pool came free in time: each lent out for long (a read view), waiting for a lock, or for the answer of a server that hangs. Nothing was sent. */
const noConnectionFree = (waited: string) =>
  `Der Vorgang wurde nicht ausgeführt: binnen ${waited} wurde keine Verbindung zur Datenbank (PostgreSQL) frei; alle blieben von anderen Vorgängen belegt (etwa langen Exporten oder Prüfungen, oder Vorgängen, die auf eine Sperre warten) oder warteten auf die Antwort eines Servers, der hängt. Bitte später noch einmal versuchen; hält es an, können nur die Betreiber es beheben.`;

/** Socket errors of a connection that broke or could not be made. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** Of these, the ones where no connection came about: nothing was sent. */
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * SQLSTATEs with which PostgreSQL refuses a session as it starts (severity FATAL): not yet
 * accepting (57P03), too many connections (53300), the database closed to connections
 * (`ALLOW_CONNECTIONS false`, 55000), no such database (3D000), the login refused (28000, 28P01,
 * or no CONNECT privilege, 42501).
 */
const SESSION_REFUSED = new Set(['57P03', '53300', '55000', '3D000', '28000', '28P01', '42501']);

/**
 * True when the error says the connection to PostgreSQL is gone or was never made: a socket
 * error; an error of severity FATAL or PANIC (the server ends the session with it: refused as it
 * starts, see `SESSION_REFUSED`, or ended later: shut down, crashed, terminated, idle too long);
 * SQLSTATE class 08 (connection exception); or node-postgres's own words for a connection that
 * ended or got no answer in time (`unanswered`), which carry no code.
 */
export function connectionLost(error: unknown): boolean {
  const cause = driverError(error);
  const { code, message, severity } = (cause ?? {}) as { code?: unknown; message?: unknown; severity?: unknown };
  if (severity === 'FATAL' || severity === 'PANIC') return true;
  if (typeof code === 'string' && (SOCKET_CODES.has(code) || code.startsWith('08') || /^57P0\d$/.test(code) || code === '25P03')) return true;
  return typeof message === 'string' && (message.startsWith('Connection terminated') || message.includes('is not queryable') || unanswered(cause));
}

/** True when the error says PostgreSQL did not answer in time (see `NO_ANSWER`). */
export function unanswered(error: unknown): boolean {
  const message = messageOf(error);
  return message === NO_ANSWER.statement || message === NO_ANSWER.pool || NO_ANSWER.connecting.includes(message as string);
}

function messageOf(error: unknown): unknown {
  return (driverError(error) as { message?: unknown } | null)?.message;
}

/** node-postgres's error itself, also where TypeORM wrapped it. */
function driverError(error: unknown): unknown {
  return error instanceof QueryFailedError ? error.driverError : error;
}

/**
 * The error as the service says it: `DatabaseUnreachable` where the connection is gone (see
 * there), else as it was. `answerMs` is the answer wait the database runs with, which the answer
 * names: required, so that no caller says the default while another wait is set.
 */
export function unreachableOr(error: unknown, answerMs: number, { outcomeUnknown = false } = {}): unknown {
  return connectionLost(error) ? new DatabaseUnreachable(outcomeUnknown, error, answerMs) : error;
}

/** True when no connection came about at all (refused, no route, no such host, none in time), or PostgreSQL refused the session as it started: nothing was sent. */
export function neverConnected(error: unknown): boolean {
  const { code, severity, message } = (driverError(error) ?? {}) as { code?: unknown; severity?: unknown; message?: unknown };
  // No connection in time: none was made, or none of the pool's came free.
  if (message === NO_ANSWER.pool || NO_ANSWER.connecting.includes(message as string)) return true;
  if (typeof code !== 'string') return false;
  return NEVER_CONNECTED.has(code) || (severity === 'FATAL' && SESSION_REFUSED.has(code));
}

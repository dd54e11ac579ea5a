/**
 * The security log: one JSON object per line, UTC times, never a secret (no passwords, tokens
 * or session ids — only their ids). Events: login.ok, login.failed, login.limited, logout,
 * token.used, session.used, access.denied, user.created, token.created, token.revoked,
 * bootstrap, outbox.requeued.
 */
import { appendFileSync } from 'node:fs';

export interface SecurityEvent {
  event: string;
  username?: string;
  role?: string;
  /** The id of the token or session used, never its value. */
  credential?: string;
  ip?: string;
  method?: string;
  route?: string;
  status?: number;
  reason?: string;
  [key: string]: unknown;
}

export type SecurityEntry = SecurityEvent & { time: string; log: 'security' };

export type SecuritySink = (entry: SecurityEntry) => void;

export const stdoutSink: SecuritySink = (entry) => process.stdout.write(`${JSON.stringify(entry)}\n`);
export const stderrSink: SecuritySink = (entry) => process.stderr.write(`${JSON.stringify(entry)}\n`);
export const discardSink: SecuritySink = () => undefined;

/** The sink `SECURITY_LOG` names: `stdout`, `stderr`, `off`, or a file the lines are appended to. */
export function sinkFor(target: string): SecuritySink {
  if (target === 'stdout') return stdoutSink;
  if (target === 'stderr') return stderrSink;
  if (target === 'off') return discardSink;
  // One synchronous append per line: a line is on its way to the file before the request is answered.
  return (entry) => appendFileSync(target, `${JSON.stringify(entry)}\n`);
}

export class SecurityLog {
  constructor(
    private sink: SecuritySink,
    private readonly now: () => Date,
  ) {}

  /** Sends the entries somewhere else (tests collect them). */
  redirect(sink: SecuritySink): void {
    this.sink = sink;
  }

  /**
   * Whether entries go anywhere (SECURITY_LOG=off discards them): a caller may skip gathering an
   * entry nobody keeps, such as the one for every request with a token.
   */
  get recording(): boolean {
    return this.sink !== discardSink;
  }

  record(event: SecurityEvent): void {
    const entry: SecurityEntry = { time: this.now().toISOString(), log: 'security', ...event };
    try {
      this.sink(entry);
    } catch {
      // A failing log sink must not turn an answered request into a 500.
    }
  }
}

/** The app with a real SMTP server to send its mail to: what the mail and reminder specs run against. */
import { deadlinesEnv } from '../deadlines.support';
import { startSmtp, type ReceivedMail, type TestSmtp } from './smtp';
import { startTestApp, type TestApp, type TestOptions } from './test-app';

export interface MailApp {
  t: TestApp;
  smtp: TestSmtp;
}

export interface MailAppOptions extends TestOptions {
  /** Environment on top of the deadlines module's and the SMTP server's address, e.g. SECRETARIAT_EMAIL. */
  env?: Record<string, string>;
  /** Runs for each mail the SMTP server receives, before the server answers it (see startSmtp). */
  onMail?: (mail: ReceivedMail) => Promise<void>;
}

/**
 * Starts, per call, a real SMTP server on loopback, then the deadlines module's environment
 * (scheduler off, the tests drive it) with the app's mail sent to that server and `env` on top,
 * then the app (startTestApp with the other options). Registers the `afterEach` that closes the
 * app, restores the environment and closes the SMTP server, in that order, whatever of them was
 * started. Call it in the `describe`, the returned function in each test or its `beforeEach`.
 */
export function mailApp(): (options?: MailAppOptions) => Promise<MailApp> {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (closers.length > 0) await closers.pop()!();
  });
  return async ({ env = {}, onMail, ...app } = {}) => {
    const smtp = await startSmtp({ onMail });
    closers.push(() => smtp.close());
    const restoreEnv = deadlinesEnv({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), ...env });
    closers.push(async () => restoreEnv());
    const t = await startTestApp(app);
    closers.push(() => t.close());
    return { t, smtp };
  };
}

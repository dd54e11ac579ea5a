/** A real SMTP server on loopback for the mail tests, and enough MIME decoding to read what nodemailer wrote. */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

export interface TestSmtp {
  port: number;
  /** Every mail received, in the order it came. */
  mails: ReceivedMail[];
  refuse(on: boolean): void;
  refuseRecipient(address: string, answer: { code: number; message: string } | null): void;
  /** Stops the server; resolves once it is closed. */
  close(): Promise<void>;
}

/**
 * A real SMTP server on loopback that keeps what it receives. While `refuse(true)` holds it, it
 * refuses every mail with a temporary error (451), as a server that is down for a while.
 * `refuseRecipient(address, answer)` makes it refuse that one address at RCPT TO with the answer
 * (e.g. `{ code: 450, message: 'Mailbox temporarily unavailable' }`) and take the others; `null` takes it again.
 * `onMail` runs for each mail received before the server answers its DATA.
 */
export async function startSmtp(options: { onMail?: (mail: ReceivedMail) => Promise<void> } = {}): Promise<TestSmtp> {
  const mails: ReceivedMail[] = [];
  let refusing = false;
  const refusedRecipients = new Map<string, { code: number; message: string }>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onMailFrom(_address, _session, callback) {
      if (!refusing) return callback();
      callback(Object.assign(new Error('Dienst vorübergehend nicht verfügbar'), { responseCode: 451 }));
    },
    onRcptTo(address, _session, callback) {
      const answer = refusedRecipients.get(address.address.toLowerCase());
      if (!answer) return callback();
      callback(Object.assign(new Error(answer.message), { responseCode: answer.code }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const mail = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        };
        mails.push(mail);
        // The sender hears the server's answer only once `onMail` is done: what it does happens while the mail is being sent.
        void (options.onMail?.(mail) ?? Promise.resolve()).then(() => callback(), callback);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    mails,
    refuse: (on) => {
      refusing = on;
    },
    refuseRecipient: (address, answer) => {
      if (answer) refusedRecipients.set(address.toLowerCase(), answer);
      else refusedRecipients.delete(address.toLowerCase());
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Decodes RFC 2047 encoded words and quoted-printable, enough to read what nodemailer wrote. */
export function decodeMail(raw: string): { subject: string; text: string } {
  const [head, ...rest] = raw.split('\r\n\r\n');
  const unfolded = head.replace(/\r\n[ \t]+/g, ' ');
  const subjectLine = /^Subject: (.*)$/m.exec(unfolded)?.[1] ?? '';
  const subject = subjectLine
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?([QB])\?([^?]*)\?=/gi, (_m, enc: string, data: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : qp(data.replace(/_/g, ' ')),
    );
  const body = rest.join('\r\n\r\n');
  const text = /Content-Transfer-Encoding: quoted-printable/i.test(head) ? qp(body.replace(/=\r\n/g, '')) : body;
  return { subject, text };
}

function qp(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '=' && /^[0-9A-F]{2}$/i.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(s[i], 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

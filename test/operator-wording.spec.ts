/**
 * Messages operators reported as clumsy, pinned in the wording they read now: a report handed in
 * twice, a list of invalid fields, `verify` on a log without checkpoints (and the names of its
 * chains), `user create`, and `export` on a log with decision-register events.
 */
import { begin, decide, evolve, type BodyEvent, type BodySnapshot } from '../machines';
import { ValidationError, issueList } from '../src/common/errors';
import { exportedEntries } from '../src/cli/commands/export';
import { userCreatedText } from '../src/cli/commands/user';
import { renderVerification, type ServiceVerification } from '../src/cli/commands/verify';
import { approved, registered, reportDue, reportSubmitted, started, submitted } from './support/machine-events';

const life = (...events: BodyEvent[]): BodySnapshot => events.reduce((snapshot, event) => evolve(snapshot, event), begin(registered()));

describe('a report event on an obligation past it', () => {
  test('a report submitted twice is „bereits eingereicht“, and no other report is left to submit', () => {
    const handedIn = life(submitted(), approved(), started(), reportDue(), reportSubmitted());
    expect(decide(handedIn, reportSubmitted('r1', '2024-11-21'))).toMatchObject({
      allowed: false,
      reason: 'Die Berichtspflicht „r1“ (Zwischenbericht) ist bereits eingereicht. Kein Bericht ist mehr einzureichen.',
    });
  });
});

describe('a list of invalid fields', () => {
  test('is one sentence: each message’s full stop gives way to the semicolon, one ends it', () => {
    expect(new ValidationError([
      { path: 'title', message: 'Darf nicht leer sein.' },
      { path: 'kind', message: 'Erlaubt ist eines von: "Projektgruppe", "Arbeitsgruppe".' },
    ]).message).toBe('Ungültige Angaben – title: Darf nicht leer sein; kind: Erlaubt ist eines von: "Projektgruppe", "Arbeitsgruppe".');
  });

  test('one message stays as it was, and a list without a closing full stop gets one', () => {
    expect(ValidationError.at('title', 'Darf nicht leer sein.').message).toBe('Ungültige Angaben – title: Darf nicht leer sein.');
    expect(issueList(['a: Zu kurz', 'b: Unbekannt „x“'])).toBe('a: Zu kurz; b: Unbekannt „x“.');
    expect(issueList(['Wirklich?'])).toBe('Wirklich?');
  });
});

describe('verify without a file', () => {
  const verification = (checkpoints: ServiceVerification['checkpoints']): ServiceVerification => ({
    scope: 'all',
    intact: true,
    checkedAt: '2026-12-05T10:00:00.000Z',
    events: 15,
    streams: [{ stream: 'b1', events: 15, kind: 'body', intact: true }],
    problems: [],
    checkpoints,
  });
  const uncoveredLine = (text: string) => text.split('\n').find((line) => line.startsWith('Ohne Checkpoint'));

  test('on a log without checkpoints says that every entry is without one, not that it is younger than the last', () => {
    const text = renderVerification(verification({ count: 0, last: null, uncoveredEvents: 15 }), 'lokale Datenbank x.sqlite');
    expect(uncoveredLine(text)).toMatch(/^Ohne Checkpoint:?\s+alle 15 Einträge, da es noch keinen Checkpoint gibt$/);
    expect(text).not.toContain('jünger als der letzte Checkpoint');
  });

  test('after a checkpoint counts the entries younger than it', () => {
    const last = { sequence: 2, createdAt: '2026-12-05T09:00:00.000Z', treeSize: 12 };
    const text = renderVerification(verification({ count: 2, last, uncoveredEvents: 3 }), 'lokale Datenbank x.sqlite');
    expect(uncoveredLine(text)).toMatch(/^Ohne Checkpoint:?\s+3 Einträge sind jünger als der letzte Checkpoint$/);
  });

  test('names the audit log and a contact person’s chain in the table of problems, not by their stream names', () => {
    const contact = 'c0ffee00-1111-4222-8333-444455556666';
    const problem = (stream: string) => ({ area: 'chain', kind: 'content', stream, version: 1, message: 'Hash stimmt nicht.' });
    const text = renderVerification(
      { ...verification({ count: 0, last: null, uncoveredEvents: 15 }), intact: false, problems: [problem('audit-log'), problem(`contact:${contact}`)] },
      'lokale Datenbank x.sqlite',
    );
    const rows = text.split('\n').filter((line) => line.includes('Hash stimmt nicht.'));
    expect(rows.map((row) => row.split(/\s{2,}/)[0])).toEqual(['Audit-Protokoll', 'Ansprechperson c0ffee00…']);
    expect(text).not.toContain('contact:');
  });

  test('names the body checked by its title and id', () => {
    const text = renderVerification({ ...verification({ count: 0, last: null, uncoveredEvents: 15 }), scope: 'b1', title: 'Projektgruppe Registermodernisierung' }, 'x');
    expect(text.split('\n')[0]).toMatch(/^Geprüft:?\s+Gremium „Projektgruppe Registermodernisierung“ \(b1\)$/);
  });
});

describe('user create', () => {
  test('names the role in German and says how to get a token', () => {
    expect(userCreatedText({ username: 'gs2', role: 'secretariat', contactId: null, hasPassword: true })).toBe(
      'Benutzer gs2 (Geschäftsstelle) mit Passwort angelegt. Zugangstoken für API und Kommandozeile: gremienlauf token create gs2',
    );
  });
});

describe('export', () => {
  const line = (kind: string) => `{"kind":"${kind}"}`;
  const exportText = (counts: Record<string, number>) =>
    `${Object.entries(counts)
      .flatMap(([kind, n]) => Array.from({ length: n }, () => line(kind)))
      .join('\n')}\n`;

  test('counts the bodies’ events and the decision register’s apart', () => {
    expect(exportedEntries(exportText({ header: 1, event: 11, decisionEvent: 4, body: 2, checkpoint: 1 }))).toBe(
      '11 Ereignissen der Gremien und 4 Ereignissen des Beschlussregisters',
    );
  });

  test('names contact corrections and audit-log entries where there are any, and only the events where there is nothing else', () => {
    expect(exportedEntries(exportText({ event: 1, decisionEvent: 1, contactEvent: 2, auditLog: 1 }))).toBe(
      '1 Ereignis der Gremien, 1 Ereignis des Beschlussregisters, 2 Berichtigungen von Ansprechpersonen und 1 Eintrag des Audit-Protokolls',
    );
    expect(exportedEntries(exportText({ event: 3 }))).toBe('3 Ereignissen');
  });
});

/**
 * A version missing from a body's stream (its row deleted behind the service's back) is named as
 * missing, between the recorded events before and after it, and no recorded event is named as at
 * fault: in GET /api/audit/verify, in the offline verifier's report, and in both texts of
 * `gremienlauf verify` (the service's and the file's). Real SQLite copies, tampered with
 * better-sqlite3 (test/support/tampered-copy.ts), and a real export.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { ApiClient } from '../src/cli/api';
import type { CommandContext } from '../src/cli/command';
import { verifyCommand } from '../src/cli/commands/verify';
import { formatReport, verifyExport } from '../src/audit/offline-verifier';
import { exportText } from './support/audit-export';
import { startOnTamperedCopy, tamperingSuite } from './support/tampered-copy';
import type { TestApp } from './support/test-app';

describe('a gap in a body’s chain is named by its missing versions and the recorded events around it', () => {
  const recorded = tamperingSuite();
  const { s, dirs } = recorded;

  /** The ids of the seed body's events, by version, read before `versions` are deleted. */
  function deleting(versions: number[], ids: Map<number, string>) {
    return (db: Database.Database) => {
      for (const row of db.prepare('SELECT version, id FROM events WHERE body_id = ?').all(s.seed) as Array<{ version: number; id: string }>) ids.set(row.version, row.id);
      for (const version of versions) expect(db.prepare('DELETE FROM events WHERE body_id = ? AND version = ?').run(s.seed, version).changes).toBe(1);
    };
  }

  /** `gremienlauf verify` with these arguments and options against the app, and the text it printed. */
  async function cli(app: TestApp, args: Record<string, string>, options: Record<string, string> = {}): Promise<{ code: number | void; text: string }> {
    const out: string[] = [];
    const api = new ApiClient('test', async (_method, url, headers) => {
      const response = await app.http.get(url).set(headers).buffer(true).parse((res, done) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        res.on('end', () => done(null, text));
      });
      return { status: response.status, body: response.body as string };
    });
    const ctx: CommandContext = {
      args,
      options,
      rest: [],
      json: false,
      env: {},
      out: { line: (text = '') => out.push(text), note: () => undefined, result: (value, render) => out.push(render(value)) },
      api: async () => api,
      readInput: async (path) => readFileSync(path, 'utf8'),
    };
    const code = await verifyCommand.run(ctx);
    return { code, text: out.join('\n') };
  }

  test('one event deleted: the API, the offline verifier and both texts of the CLI name version 3 as missing between versions 2 and 4', async () => {
    const ids = new Map<number, string>();
    const app = await startOnTamperedCopy(recorded.pristine, deleting([3], ids), dirs);
    try {
      const message =
        `Gremium ${s.seed}, Version 3: Das Ereignis fehlt (gelöscht), zwischen Version 2 „Zur Beschlussfassung eingereicht“ (Ereignis ${ids.get(2)}) ` +
        `und Version 4 „Tätigkeit begonnen“ (Ereignis ${ids.get(4)}).`;
      const missing = { from: 3, to: 3, after: { version: 2, eventId: ids.get(2) }, before: { version: 4, eventId: ids.get(4) } };

      const online = (await app.http.get('/api/audit/verify').expect(200)).body;
      const gap = online.problems.find((p: { kind: string }) => p.kind === 'gap');
      expect(gap).toEqual({ area: 'chain', kind: 'gap', stream: s.seed, title: expect.any(String), version: 3, eventId: null, message, missing });
      expect(online.streams.find((x: { stream: string }) => x.stream === s.seed).firstBreak).toMatchObject({ eventId: null, message, missing });

      const text = await exportText(app);
      const report = await verifyExport(text.split('\n'), recorded.publicKey);
      expect(report.findings.filter((f) => f.area === 'chain')).toEqual([{ severity: 'error', area: 'chain', stream: s.seed, version: 3, message, missing }]);
      expect(formatReport(report)).toContain(`FEHLER: ${message}`);

      const service = await cli(app, {});
      expect(service.code).toBe(1);
      expect(service.text).toContain(message.slice(`Gremium ${s.seed}`.length));
      const dir = dirs.at(-1)!;
      writeFileSync(join(dir, 'audit.jsonl'), text);
      writeFileSync(join(dir, 'key.pem'), recorded.pem);
      const file = await cli(app, { DATEI: join(dir, 'audit.jsonl') }, { 'public-key': join(dir, 'key.pem') });
      expect(file.code).toBe(1);
      expect(file.text).toContain(`FEHLER: ${message}`);
    } finally {
      await app.close();
    }
  });

  test('two events deleted: versions 3 to 4 are named missing between versions 2 and 5, and the CLI’s table says 3–4', async () => {
    const ids = new Map<number, string>();
    const app = await startOnTamperedCopy(recorded.pristine, deleting([3, 4], ids), dirs);
    try {
      const message =
        `Gremium ${s.seed}, Versionen 3 bis 4: Die Ereignisse fehlen (gelöscht), zwischen Version 2 „Zur Beschlussfassung eingereicht“ (Ereignis ${ids.get(2)}) ` +
        `und Version 5 „`;
      const online = (await app.http.get('/api/audit/verify').expect(200)).body;
      const gap = online.problems.find((p: { kind: string }) => p.kind === 'gap');
      expect(gap).toMatchObject({ version: 3, eventId: null, missing: { from: 3, to: 4, after: { version: 2, eventId: ids.get(2) }, before: { version: 5, eventId: ids.get(5) } } });
      expect(gap.message).toContain(message);
      expect(gap.message).toContain(`(Ereignis ${ids.get(5)}).`);

      const report = await verifyExport((await exportText(app)).split('\n'), recorded.publicKey);
      expect(report.findings.find((f) => f.area === 'chain')).toMatchObject({ version: 3, message: gap.message, missing: gap.missing });

      const service = await cli(app, {});
      expect(service.text).toMatch(/\s3–4\s/);
    } finally {
      await app.close();
    }
  });
});

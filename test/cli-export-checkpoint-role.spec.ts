/**
 * `gremienlauf export DATEI --checkpoint` by a role that may not write checkpoints (Prüfung):
 * refused as a whole, nothing written, and told that the checkpoint needs the Geschäftsstelle
 * while the export itself is allowed without it.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError } from '../src/cli/api';
import type { CommandContext } from '../src/cli/command';
import { exportCommand } from '../src/cli/commands/export';
import { RefusedError } from '../src/cli/errors';

describe('gremienlauf export --checkpoint as auditor', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gremienlauf-export-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('says the checkpoint needs the Geschäftsstelle and the export is allowed without it, and writes no file', async () => {
    const file = join(dir, 'audit.jsonl');
    const asked: string[] = [];
    const ctx: CommandContext = {
      args: { DATEI: file },
      options: { checkpoint: true },
      rest: [],
      json: false,
      env: {},
      out: { line: () => undefined, note: () => undefined, result: () => undefined },
      api: async () =>
        ({
          post: async (path: string) => {
            asked.push(`POST ${path}`);
            throw new ApiError('Mit der Rolle „Prüfung“ ist diese Anfrage nicht erlaubt.', { statusCode: 403 }, 403);
          },
          get: async (path: string) => {
            asked.push(`GET ${path}`);
            return '{"kind":"event","version":1}\n';
          },
        }) as never,
      readInput: async () => '',
    };
    const refused = await exportCommand.run(ctx).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(RefusedError);
    expect((refused as RefusedError).message).toBe(
      'Einen signierten Checkpoint schreiben (--checkpoint) darf nur die Geschäftsstelle (Mit der Rolle „Prüfung“ ist diese Anfrage nicht erlaubt); es wurde nichts geschrieben, auch kein Export. ' +
        `Den Export selbst dürfen Sie ohne --checkpoint holen: „gremienlauf export ${file}“; die Ereignisse nach dem letzten Checkpoint der Geschäftsstelle bezeugt darin dann keiner („gremienlauf verify“ zählt sie).`,
    );
    expect(asked).toEqual(['POST /api/audit/checkpoints']);
    expect(existsSync(file)).toBe(false);
  });
});

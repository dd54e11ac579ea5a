/**
 * `gremienlauf export` counts in German: one checkpoint „über 1 Ereignis“, an export „mit
 * 1 Ereignis“, and the plural from two on.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandContext } from '../src/cli/command';
import { exportCommand } from '../src/cli/commands/export';

const eventLine = (n: number) => `{"kind":"event","version":${n}}`;

/** The export command against a service whose log holds `events` events, writing to `file`; its notes. */
async function exported(events: number, file: string): Promise<string[]> {
  const notes: string[] = [];
  const ctx: CommandContext = {
    args: { DATEI: file },
    options: { checkpoint: true },
    rest: [],
    json: false,
    env: {},
    out: { line: () => undefined, note: (text) => notes.push(text), result: () => undefined },
    api: async () =>
      ({
        post: async () => ({ payload: { sequence: 4, treeSize: events } }),
        get: async () => `${Array.from({ length: events }, (_, i) => eventLine(i + 1)).join('\n')}\n{"kind":"checkpoint"}\n`,
      }) as never,
    readInput: async () => '',
  };
  await exportCommand.run(ctx);
  return notes;
}

describe('gremienlauf export --checkpoint DATEI', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gremienlauf-export-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('says „über 1 Ereignis“ and „mit 1 Ereignis“ for a log of one event', async () => {
    expect(await exported(1, join(dir, 'audit.jsonl'))).toEqual([
      'Checkpoint 4 über 1 Ereignis geschrieben.',
      `Export mit 1 Ereignis nach ${join(dir, 'audit.jsonl')} geschrieben.`,
    ]);
  });

  it('says „über 2 Ereignisse“ and „mit 2 Ereignissen“ for two', async () => {
    expect(await exported(2, join(dir, 'audit.jsonl'))).toEqual([
      'Checkpoint 4 über 2 Ereignisse geschrieben.',
      `Export mit 2 Ereignissen nach ${join(dir, 'audit.jsonl')} geschrieben.`,
    ]);
  });
});

import { writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CliCommand } from '../command';
import { RefusedError, UsageError } from '../errors';

export const exportCommand: CliCommand = {
  name: 'export',
  args: ['DATEI?'],
  summary: 'Den Prüfexport (JSON Lines: Ereignisse, Checkpoints, Automatenversionen) schreiben, für gremienlauf verify',
  description: [
    'Ohne DATEI oder mit „-“ geht der Export auf stdout (nicht mit --json). Mit --checkpoint wird vorher ein signierter Checkpoint geschrieben,',
    'so dass der Export bis zum letzten Ereignis bezeugt ist.',
  ].join('\n'),
  options: {
    checkpoint: { type: 'boolean', description: 'vorher einen signierten Checkpoint schreiben' },
  },
  async run(ctx) {
    const api = await ctx.api();
    if (ctx.options.checkpoint) {
      const created = await api.post<{ payload: { sequence: number; treeSize: number } }>('/api/audit/checkpoints');
      ctx.out.note(`Checkpoint ${created.payload.sequence} über ${created.payload.treeSize} Ereignisse geschrieben.`);
    }
    const text = await api.get<unknown>('/api/audit/export');
    if (typeof text !== 'string') throw new RefusedError('Der Dienst lieferte keinen Export im Format JSON Lines.');
    const file = ctx.args.DATEI === '-' ? undefined : ctx.args.DATEI;
    if (file) {
      await writeFile(file, text, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new UsageError(unwritable(file, error.code));
      });
      const events = text.split('\n').filter((line) => line.startsWith('{"kind":"event"')).length;
      ctx.out.note(`Export mit ${events} Ereignissen nach ${file} geschrieben.`);
    } else {
      ctx.out.line(text.replace(/\n$/, ''));
    }
  },
};

/** Why the export file cannot be written, as the command's user can act on it. */
function unwritable(file: string, code: string | undefined): string {
  const reason =
    code === 'ENOENT'
      ? `das Verzeichnis „${dirname(file)}“ gibt es nicht`
      : code === 'EISDIR'
        ? 'das ist ein Verzeichnis'
        : code === 'EACCES' || code === 'EPERM'
          ? 'keine Berechtigung'
          : `Fehler ${code ?? 'unbekannt'}`;
  return `Die Datei „${file}“ lässt sich nicht schreiben: ${reason}.`;
}

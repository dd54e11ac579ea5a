import { writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { countOf } from '../../../machines';
import type { CliCommand } from '../command';
import { ApiError } from '../api';
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
      const created = await api.post<{ payload: { sequence: number; treeSize: number } }>('/api/audit/checkpoints').catch((error: unknown) => {
        // The auditor asked for an export its last events are witnessed in: refused as a whole, not handed one without, and told what it may run.
        if (error instanceof ApiError && error.status === 403) throw new RefusedError(checkpointRefusal(error.message, ctx.args.DATEI), error.details, error.status);
        throw error;
      });
      ctx.out.note(`Checkpoint ${created.payload.sequence} über ${countOf(created.payload.treeSize, 'Ereignis', 'Ereignisse')} geschrieben.`);
    }
    const text = await api.get<unknown>('/api/audit/export');
    if (typeof text !== 'string') throw new RefusedError('Der Dienst lieferte keinen Export im Format JSON Lines.');
    const file = ctx.args.DATEI === '-' ? undefined : ctx.args.DATEI;
    if (file) {
      await writeFile(file, text, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new UsageError(unwritable(file, error.code));
      });
      ctx.out.note(`Export mit ${exportedEntries(text)} nach ${file} geschrieben.`);
    } else {
      ctx.out.line(text.replace(/\n$/, ''));
    }
  },
};

/**
 * What the export holds of the log, in the dative of „Export mit …“: the bodies' events, and beside
 * them, where there are any, the decision register's events, the contacts' corrections and the
 * audit log's entries (`11 Ereignissen der Gremien und 4 Ereignissen des Beschlussregisters`).
 */
export function exportedEntries(text: string): string {
  const lines = (kind: string) => text.split('\n').filter((line) => line.startsWith(`{"kind":"${kind}"`)).length;
  const events = lines('event');
  const others = [
    [lines('decisionEvent'), 'Ereignis des Beschlussregisters', 'Ereignissen des Beschlussregisters'],
    [lines('contactEvent'), 'Berichtigung einer Ansprechperson', 'Berichtigungen von Ansprechpersonen'],
    [lines('auditLog'), 'Eintrag des Audit-Protokolls', 'Einträgen des Audit-Protokolls'],
  ] as const;
  const present = others.filter(([n]) => n > 0).map(([n, singular, plural]) => countOf(n, singular, plural));
  if (present.length === 0) return countOf(events, 'Ereignis', 'Ereignissen');
  const all = [countOf(events, 'Ereignis der Gremien', 'Ereignissen der Gremien'), ...present];
  return `${all.slice(0, -1).join(', ')} und ${all.at(-1)}`;
}

/**
 * Why `--checkpoint` was refused (the service's 403 answer is `refusal`): writing a checkpoint is
 * the secretariat's, the export alone the caller may have; nothing was written.
 */
export function checkpointRefusal(refusal: string, file: string | undefined): string {
  const command = `gremienlauf export${file ? ` ${file}` : ''}`;
  return (
    `Einen signierten Checkpoint schreiben (--checkpoint) darf nur die Geschäftsstelle (${refusal.replace(/\.$/, '')}); es wurde nichts geschrieben, auch kein Export. ` +
    `Den Export selbst dürfen Sie ohne --checkpoint holen: „${command}“; die Ereignisse nach dem letzten Checkpoint der Geschäftsstelle bezeugt darin dann keiner („gremienlauf verify“ zählt sie).`
  );
}

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

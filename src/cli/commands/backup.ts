import { germanNumber } from '../../../machines';
import type { CliCommand } from '../command';
import { databaseLabel } from '../connection';
import { RefusedError, UsageError } from '../errors';
import { configFrom, databaseSource } from '../local';
import type { BackupResult, ChainCounts } from '../sqlite-backup';
import { remote } from './user-local';

export const backupCommand: CliCommand = {
  name: 'backup',
  args: ['ZIEL'],
  summary: 'Die SQLite-Datenbank sichern, auch während der Dienst läuft (PostgreSQL: pg_dump)',
  description: [
    'Schreibt eine in sich stimmige Kopie der lokalen SQLite-Datenbank (DATABASE_URL oder --database) nach ZIEL: den Stand eines',
    'Augenblicks, mit allem, was bis dahin bestätigt war, auch dem, was noch in der -wal-Datei steht (ein „cp“ der Datei nimmt das nicht mit).',
    'Der Dienst darf dabei laufen und schreiben. Die Kopie wird geprüft (sie öffnet sich, SQLites Prüfung besteht, jede Kette hält',
    'dieselbe Zahl an Einträgen) und erst dann nach ZIEL gelegt. Ist ZIEL ein Verzeichnis, heißt die Datei nach der Datenbank und der',
    'Uhrzeit (gremienlauf-2026-12-05T10-15-00Z.sqlite). Den Signaturschlüssel sichert der Befehl nicht: ihn getrennt aufbewahren',
    '(docs/operations.md). Eine PostgreSQL-Datenbank sichert pg_dump.',
  ].join('\n'),
  options: {
    overwrite: { type: 'boolean', description: 'eine vorhandene Datei ZIEL ersetzen' },
  },
  async run(ctx) {
    if (remote(ctx)) {
      throw new UsageError('backup sichert die lokale Datenbank dieses Rechners (DATABASE_URL oder --database); --url passt dazu nicht.');
    }
    const database = configFrom(ctx.env).database;
    if (database.kind === 'postgres') {
      throw new UsageError(
        `Die Datenbank ${databaseLabel(database)} ist PostgreSQL: sichern Sie sie mit pg_dump (pg_dump -Fc -f gremienlauf.dump …); gremienlauf backup sichert SQLite-Dateien.`,
        false,
      );
    }
    if (database.file === ':memory:') throw new UsageError('Eine Datenbank im Speicher (:memory:) hat keine Datei zu sichern.', false);
    const { BackupRefusal, backupSqlite, backupTarget }: typeof import('../sqlite-backup') = require('../sqlite-backup');
    const { existsSync }: typeof import('node:fs') = require('node:fs');
    if (!existsSync(database.file)) {
      throw new RefusedError(`Die Datenbank ${database.file} (${databaseSource(ctx.options, ctx.env)}) gibt es nicht; gesichert wurde nichts.`);
    }
    const target = backupTarget(database.file, ctx.args.ZIEL!, new Date());
    const result = await backupSqlite(database.file, target, { overwrite: ctx.options.overwrite === true }).catch((error: unknown) => {
      if (error instanceof BackupRefusal) throw error.usage ? new UsageError(error.message, false) : new RefusedError(error.message);
      throw error;
    });
    ctx.out.result(result, backupText);
  },
};

/** `Sicherung nach /srv/backup/g.sqlite geschrieben (2,4 MB): 1.234 Ereignisse der Gremien und 4 des Beschlussregisters, geprüft.` */
export function backupText(result: BackupResult): string {
  return `Sicherung nach ${result.file} geschrieben (${size(result.bytes)}): ${entriesText(result.counts)}, geprüft.`;
}

function entriesText(counts: ChainCounts): string {
  const others = [
    counts.decisionEvents > 0 ? `${germanNumber(counts.decisionEvents)} des Beschlussregisters` : null,
    counts.contactEvents > 0 ? `${germanNumber(counts.contactEvents)} ${counts.contactEvents === 1 ? 'Berichtigung' : 'Berichtigungen'} von Ansprechpersonen` : null,
    counts.auditLog > 0 ? `${germanNumber(counts.auditLog)} im Audit-Protokoll` : null,
  ].filter((part): part is string => part !== null);
  const events = `${germanNumber(counts.events)} ${counts.events === 1 ? 'Ereignis' : 'Ereignisse'}`;
  if (others.length === 0) return events;
  const all = [`${events} der Gremien`, ...others];
  return `${all.slice(0, -1).join(', ')} und ${all.at(-1)}`;
}

function size(bytes: number): string {
  if (bytes < 1024 * 1024) return `${germanNumber(Math.max(1, Math.round(bytes / 1024)))} kB`;
  return `${(bytes / (1024 * 1024)).toLocaleString('de-DE', { maximumFractionDigits: 1 })} MB`;
}

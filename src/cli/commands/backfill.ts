import { germanDateTime } from '../../../machines';
import type { CliCommand } from '../command';
import { UsageError } from '../errors';

interface BackfillResult {
  bodyId: string;
  backfill: { since: string; reason: string; by: string } | null;
  auditLog: { stream: string; version: number; hash: string };
  /** On begin: what the deadline monitoring had already recorded and sent for the body, with a German notice. */
  recordedBefore?: { notice: string } | null;
}

/** Nacherfassung: hold a body's deadline monitoring while its known history is entered, and end the hold. */
export const backfillCommand: CliCommand = {
  name: 'backfill',
  args: ['AKTION', 'ID'],
  summary: 'Nacherfassung eines Gremiums beginnen oder beenden (die Fristenüberwachung ruht solange): backfill begin|end ID --reason TEXT',
  description: [
    'begin: Der Scheduler verbucht für das Gremium keine Ereignisse mehr und schreibt keine Erinnerungen; die Geschäftsstelle erfasst',
    'seine bekannte Geschichte (gremienlauf send ID EREIGNIS --occurred-at DATUM …) in der Reihenfolge ihrer Daten.',
    'end: Danach holt der Scheduler nach, was nach der erfassten Geschichte fällig ist, datiert auf den Tag, an dem es fällig wurde.',
    'Beginn und Ende stehen mit Begründung im Audit-Protokoll. Beispiele:',
    '  gremienlauf backfill begin 4f0c… --reason "Übernahme des Bestands: Berichte und Verlängerungen seit 2024 nachtragen"',
    '  gremienlauf backfill end 4f0c… --reason "Geschichte bis heute erfasst"',
  ].join('\n'),
  options: {
    reason: { type: 'string', value: 'TEXT', description: 'Begründung (Pflicht; steht im Audit-Protokoll)' },
  },
  async run(ctx) {
    const action = ctx.args.AKTION;
    if (action !== 'begin' && action !== 'end') throw new UsageError(`Unbekannte Aktion „${action ?? ''}“: begin oder end.`);
    if (typeof ctx.options.reason !== 'string') throw new UsageError(`Die Nacherfassung ${action === 'begin' ? 'zu beginnen' : 'zu beenden'} braucht eine Begründung: --reason TEXT.`);
    const path = `/api/bodies/${encodeURIComponent(ctx.args.ID!)}/backfill${action === 'end' ? '/end' : ''}`;
    const result = await (await ctx.api()).post<BackfillResult>(path, { json: { reason: ctx.options.reason } });
    // A hold begun after the monitoring had already recorded or sent something for the body: said, as the import says its notes.
    if (result.recordedBefore) ctx.out.note(`Hinweis: ${result.recordedBefore.notice}`);
    ctx.out.result(result, (r) =>
      r.backfill
        ? `Gremium ${r.bodyId}: Nacherfassung begonnen; Fristenüberwachung ruht seit ${germanDateTime(r.backfill.since)} Uhr (Audit-Protokoll, Version ${r.auditLog.version}).`
        : `Gremium ${r.bodyId}: Nacherfassung beendet; die Fristenüberwachung holt nach, was fällig ist (Audit-Protokoll, Version ${r.auditLog.version}).`,
    );
  },
};

import { actorLabel } from '../../auth/roles';
import type { EventRecord } from '../../event-log/event-hash';
import type { CliCommand } from '../command';
import { date, day, table, toTheSecond } from '../format';

export interface HistoryView {
  bodyId: string;
  /** `intact: false` for an event that fails its hash or chain check, with `tampering` saying how (German). */
  events: Array<EventRecord & { label: string; summary: string; intact?: boolean; tampering?: string | null }>;
}

export const historyCommand: CliCommand = {
  name: 'history',
  args: ['ID'],
  summary: 'Die Ereignisse eines Gremiums in Reihenfolge, mit ihrer Änderung, Beschluss, Akteur und Hash',
  async run(ctx) {
    const api = await ctx.api();
    const history = await api.get<HistoryView>(`/api/bodies/${encodeURIComponent(ctx.args.ID!)}/history`);
    ctx.out.result(history, (h) =>
      [
        table(h.events, [
          { header: 'Version', value: (e) => String(e.version) },
          { header: 'Datum', value: (e) => day(e.occurredAt) },
          { header: 'Ereignis', value: (e) => `${e.label} (${e.type})` },
          { header: 'Änderung', value: (e) => e.summary, max: 90 },
          { header: 'Beschluss', value: (e) => (e.decision ? `${e.decision.number} vom ${date(e.decision.date)}` : '') },
          { header: 'Akteur', value: (e) => actorLabel(e.actor) },
          { header: 'erfasst', value: (e) => toTheSecond(e.recordedAt) },
          { header: 'Hash', value: (e) => e.hash.slice(0, 12) },
        ]),
        // Below the table, each event that is not what was recorded, as the service says it.
        h.events
          .filter((e) => e.intact === false)
          .map((e) => `Achtung: ${e.tampering ?? `Version ${e.version} ist nicht, was aufgezeichnet wurde.`}`)
          .join('\n'),
      ]
        .filter(Boolean)
        .join('\n\n'),
    );
  },
};

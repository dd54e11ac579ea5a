import { actorLabel } from '../../auth/roles';
import type { EventRecord } from '../../event-log/event-hash';
import type { CliCommand } from '../command';
import { date, day, table, toTheSecond } from '../format';

export interface HistoryView {
  bodyId: string;
  events: Array<EventRecord & { label: string; summary: string }>;
}

export const historyCommand: CliCommand = {
  name: 'history',
  args: ['ID'],
  summary: 'Die Ereignisse eines Gremiums in Reihenfolge, mit ihrer Änderung, Beschluss, Akteur und Hash',
  async run(ctx) {
    const api = await ctx.api();
    const history = await api.get<HistoryView>(`/api/bodies/${encodeURIComponent(ctx.args.ID!)}/history`);
    ctx.out.result(history, (h) =>
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
    );
  },
};

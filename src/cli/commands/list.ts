import type { CliCommand } from '../command';
import { date, table } from '../format';

interface BodyRow {
  id: string;
  title: string;
  kind: string;
  parent: string;
  state: { label: string };
  version: number;
  approvedUntil: string | null;
  permanent: boolean;
}

export const listCommand: CliCommand = {
  name: 'list',
  summary: 'Gremien auflisten',
  options: {
    state: { type: 'string', value: 'ZUSTAND', description: 'nur in diesem Zustand, z. B. draft, active, active.term.expired' },
    search: { type: 'string', value: 'TEXT', description: 'Suche in Titel, Kurzbezeichnung, Art, Schwerpunkt, Federführung' },
  },
  async run(ctx) {
    const api = await ctx.api();
    const bodies = await api.get<BodyRow[]>('/api/bodies', {
      state: ctx.options.state as string | undefined,
      q: ctx.options.search as string | undefined,
    });
    ctx.out.result(bodies, (rows) =>
      rows.length === 0
        ? ctx.options.state || ctx.options.search
          ? 'Keine Gremien gefunden.'
          : 'Noch keine Gremien registriert.'
        : table(rows, [
            { header: 'ID', value: (b) => b.id },
            { header: 'Titel', value: (b) => b.title, max: 48 },
            { header: 'Art', value: (b) => b.kind },
            { header: 'Gremium', value: (b) => b.parent },
            { header: 'Zustand', value: (b) => b.state.label, max: 40 },
            { header: 'befristet bis', value: (b) => (b.permanent ? 'dauerhaft' : date(b.approvedUntil)) },
            { header: 'Version', value: (b) => String(b.version) },
          ]),
    );
  },
};

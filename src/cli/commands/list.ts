import { describeTermEndWithDay, PROFILE_LABELS, STATE_LABELS, type CoarseTermEnd } from '../../../machines';
import type { CliCommand } from '../command';
import { UsageError } from '../errors';
import { date, table } from '../format';

interface BodyRow {
  id: string;
  title: string;
  kind: string;
  parent: string;
  state: { label: string };
  version: number;
  approvedUntil: string | null;
  approvedUntilAsWritten: CoarseTermEnd | null;
  permanent: boolean;
}

const plain = (text: string) => text.replace(/\s*\(.*\)$/, '').trim().toLocaleLowerCase('de');

/**
 * A state as the user names it: its German label (`aktiv`, `Entwurf`, `Laufzeit abgelaufen`;
 * case and a bracketed addition do not matter) or its path (`active`, `active.term.expired`).
 */
export function statePath(name: string): string {
  const wanted = plain(name);
  const byPath = Object.keys(STATE_LABELS).find((path) => path.toLowerCase() === wanted);
  if (byPath) return byPath;
  const byLabel = Object.entries(STATE_LABELS).find(([, label]) => plain(label) === wanted);
  if (byLabel) return byLabel[0];
  const known = Object.entries(STATE_LABELS).map(([path, label]) => `${plain(label)} (${path})`);
  throw new UsageError(`Unbekannter Zustand „${name}“ bei --state. Möglich: ${known.join(', ')}.`);
}

export const listCommand: CliCommand = {
  name: 'list',
  summary: 'Gremien auflisten',
  options: {
    state: { type: 'string', value: 'ZUSTAND', description: 'nur in diesem Zustand, deutsch oder als Pfad, z. B. entwurf, aktiv, "laufzeit abgelaufen", active.term.expired' },
    search: { type: 'string', value: 'TEXT', description: 'Suche in Titel, Kurzbezeichnung, Art, Schwerpunkt, Federführung' },
  },
  async run(ctx) {
    const api = await ctx.api();
    const bodies = await api.get<BodyRow[]>('/api/bodies', {
      state: typeof ctx.options.state === 'string' ? statePath(ctx.options.state) : undefined,
      q: ctx.options.search as string | undefined,
    });
    ctx.out.result(bodies, (rows) =>
      rows.length === 0
        ? ctx.options.state || ctx.options.search
          ? 'Keine Gremien gefunden.'
          : 'Noch keine Gremien registriert.'
        : table(rows, [
            { header: 'ID', value: (b) => b.id },
            { header: PROFILE_LABELS.title, value: (b) => b.title, max: 48 },
            { header: PROFILE_LABELS.kind, value: (b) => b.kind },
            { header: PROFILE_LABELS.parent, value: (b) => b.parent },
            { header: 'Zustand', value: (b) => b.state.label, max: 40 },
            // A term the decision wrote as a month or a year as the body page names it: `März 2028 (bis 31.03.2028)`.
            { header: 'befristet bis', value: (b) => (b.permanent ? 'dauerhaft' : b.approvedUntilAsWritten ? describeTermEndWithDay(b.approvedUntilAsWritten) : date(b.approvedUntil)) },
            { header: 'Version', value: (b) => String(b.version) },
          ]),
    );
  },
};

import type { CliCommand } from '../command';
import { dateOption, positiveInteger } from '../dates';
import { UsageError } from '../errors';
import { date, table } from '../format';

/** A session of the calendar, as GET /api/sessions gives it. */
interface SessionRow {
  issuer: string;
  number: number;
  date: string;
  recordedAt: string;
  recordedBy: string;
  /** The days it had before it was moved, oldest first. */
  earlierDates?: Array<{ date: string }>;
}

export const sessionCommand: CliCommand = {
  name: 'session',
  args: ['AKTION', 'GREMIUM?', 'NUMMER?'],
  summary: 'Sitzungskalender: session list [--issuer GREMIUM] | session record GREMIUM NUMMER --date DATUM (eintragen oder verlegen)',
  description: [
    'Fristen „zur 45. Sitzung (IT-PLR)“ und „zur ersten Sitzung eines Jahres“ fallen auf den Tag, den der Sitzungskalender nennt;',
    'bis die Sitzung eingetragen ist, sind sie offen. Eine eingetragene Sitzung wird mit einem neuen Datum verlegt, und die',
    'Fristen aller Gremien richten sich danach.',
    'Beispiele:',
    '  gremienlauf session record IT-PLR 45 --date 18.03.2027',
    '  gremienlauf session list --issuer AL-Runde',
  ].join('\n'),
  options: {
    date: { type: 'string', value: 'DATUM', description: 'record: der Tag der Sitzung' },
    issuer: { type: 'string', value: 'GREMIUM', description: 'list: nur die Sitzungen dieses Gremiums (IT-PLR, AL-Runde)' },
  },
  async run(ctx) {
    switch (ctx.args.AKTION) {
      case 'list': {
        const api = await ctx.api();
        const sessions = await api.get<SessionRow[]>('/api/sessions', { issuer: typeof ctx.options.issuer === 'string' ? ctx.options.issuer : undefined });
        ctx.out.result(sessions, (list) =>
          list.length === 0
            ? 'Keine Sitzungen eingetragen.'
            : table(list, [
                { header: 'Gremium', value: (s) => s.issuer },
                { header: 'Sitzung', value: (s) => `${s.number}.` },
                { header: 'Datum', value: (s) => date(s.date) },
                { header: 'eingetragen von', value: (s) => s.recordedBy },
                { header: 'früher', value: (s) => s.earlierDates?.map((e) => date(e.date)).join(', ') || '–' },
              ]),
        );
        return;
      }
      case 'record': {
        if (!ctx.args.GREMIUM || !ctx.args.NUMMER) throw new UsageError('Es fehlen GREMIUM und NUMMER, z. B. session record IT-PLR 45 --date 18.03.2027.');
        if (typeof ctx.options.date !== 'string') throw new UsageError('Es fehlt --date DATUM, der Tag der Sitzung.');
        const input = { issuer: ctx.args.GREMIUM, number: positiveInteger(ctx.args.NUMMER, 'NUMMER'), date: dateOption(ctx.options.date, '--date', false) };
        const api = await ctx.api();
        const recorded = await api.post<SessionRow & { previousDate: string | null; warnings?: string[] }>('/api/sessions', { json: input });
        for (const warning of recorded.warnings ?? []) ctx.out.note(`Hinweis: ${warning}`);
        ctx.out.result(recorded, (s) => {
          const what = s.previousDate === null ? 'eingetragen' : s.previousDate === s.date ? 'unverändert' : `verlegt vom ${date(s.previousDate)}`;
          return `${s.number}. Sitzung (${s.issuer}) am ${date(s.date)}: ${what}.`;
        });
        return;
      }
      default:
        throw new UsageError(`Unbekannte Aktion „${ctx.args.AKTION}“; möglich: list, record.`);
    }
  },
};

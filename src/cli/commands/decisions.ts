import { DECISION_TYPES } from '../../../machines';
import type { CliCommand } from '../command';
import { dateOption, positiveInteger } from '../dates';
import { UsageError } from '../errors';
import { date, table } from '../format';
import { configFrom } from '../local';

interface DecisionView {
  number: string;
  issuer: string;
  date: string;
  procedure: string;
  session: number | null;
  type: string;
  title: string;
}

export const recordDecisionCommand: CliCommand = {
  name: 'record-decision',
  args: ['NUMMER'],
  summary: 'Einen Beschluss im Beschlussregister erfassen (z. B. 2024/09-AL)',
  options: {
    issuer: { type: 'string', value: 'GREMIUM', description: 'IT-PLR oder AL-Runde (sonst aus dem Kürzel der Nummer)' },
    date: { type: 'string', value: 'DATUM', description: 'Datum des Beschlusses (Pflicht)' },
    session: { type: 'string', value: 'N', description: 'in der N. Sitzung gefasst' },
    umlaufverfahren: { type: 'boolean', description: 'im Umlaufverfahren gefasst' },
    type: { type: 'string', value: 'ART', description: `${DECISION_TYPES.join(' | ')} (Standard: Beschluss)` },
    title: { type: 'string', value: 'TITEL', description: 'Titel des Beschlusses (Pflicht)' },
  },
  async run(ctx) {
    const o = ctx.options;
    if (typeof o.date !== 'string') throw new UsageError('Es fehlt --date DATUM.');
    if (typeof o.title !== 'string') throw new UsageError('Es fehlt --title TITEL.');
    if ((typeof o.session === 'string') === (o.umlaufverfahren === true)) {
      throw new UsageError('Genau eines angeben: --session N (in einer Sitzung) oder --umlaufverfahren.');
    }
    const number = ctx.args.NUMMER!;
    const issuer = typeof o.issuer === 'string' ? o.issuer : issuerBySuffix(number, ctx.env);
    const input = {
      number,
      issuer,
      date: dateOption(o.date, '--date', false),
      procedure: o.umlaufverfahren ? 'Umlaufverfahren' : 'Sitzung',
      ...(typeof o.session === 'string' ? { session: positiveInteger(o.session, '--session') } : {}),
      type: typeof o.type === 'string' ? o.type : 'Beschluss',
      title: o.title,
    };
    const api = await ctx.api();
    const decision = await api.post<DecisionView>('/api/decisions', { json: input });
    ctx.out.result(decision, (d) => `Beschluss ${d.number} (${d.issuer}) vom ${date(d.date)} erfasst: ${d.title}`);
  },
};

export const decisionsCommand: CliCommand = {
  name: 'decisions',
  summary: 'Das Beschlussregister auflisten',
  options: {
    issuer: { type: 'string', value: 'GREMIUM', description: 'nur Beschlüsse dieses Gremiums' },
    year: { type: 'string', value: 'JAHR', description: 'nur Beschlüsse dieses Jahres' },
  },
  async run(ctx) {
    const api = await ctx.api();
    const decisions = await api.get<DecisionView[]>('/api/decisions', {
      issuer: ctx.options.issuer as string | undefined,
      year: ctx.options.year as string | undefined,
    });
    ctx.out.result(decisions, (rows) =>
      rows.length === 0
        ? 'Keine Beschlüsse erfasst.'
        : table(rows, [
            { header: 'Nummer', value: (d) => d.number },
            { header: 'Gremium', value: (d) => d.issuer },
            { header: 'Datum', value: (d) => date(d.date) },
            { header: 'Verfahren', value: (d) => (d.session ? `${d.session}. Sitzung` : d.procedure) },
            { header: 'Art', value: (d) => d.type },
            { header: 'Titel', value: (d) => d.title, max: 60 },
          ]),
    );
  },
};

/** `2024/08-AL` → AL-Runde, `2024/09` → the issuer without suffix (IT-PLR), from the configured issuers. */
function issuerBySuffix(number: string, env: NodeJS.ProcessEnv): string {
  const suffix = /-([A-Za-z]+)\s*$/.exec(number)?.[1] ?? null;
  const issuer = configFrom(env).issuers.find((i) => (i.suffix ?? null) === suffix);
  if (!issuer) throw new UsageError(`Zu „${number}“ ist kein beschließendes Gremium bekannt; bitte --issuer angeben.`);
  return issuer.id;
}

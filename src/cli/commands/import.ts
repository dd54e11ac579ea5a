import { describeTermEnd, germanDateTime } from '../../../machines';
import { issueList } from '../../common/errors';
import { formSummary } from '../../registration-import/form-summary';
import type { ParsedRegistrationForm } from '../../registration-import/registration-form.parser';
import type { ImportResult } from '../../registration-import/registration-import.service';
import type { CliCommand } from '../command';
import { dateOption, positiveInteger } from '../dates';
import { ApiError } from '../api';
import { UsageError } from '../errors';
import { date, day, eventName, fields } from '../format';

export const importCommand: CliCommand = {
  name: 'import',
  args: ['DATEI'],
  summary: 'Ein Registrierungsformular (Text) als Entwurf übernehmen; mit --apply-decision auch Beschluss und Einrichtung',
  description: [
    'DATEI ist das Formular im Textlayout (wie examples/registrierung-weiterentwicklung-struktur-ozg-foederal.txt); „-“ liest von stdin.',
    'Ein fehlendes Pflichtfeld oder ein unlesbares Datum wird mit Zeile und Feld gemeldet; dann wird nichts angelegt.',
    'Mit --apply-decision wird der im Feld „Ergebnis“ genannte Beschluss erfasst (oder, wenn schon erfasst, zitiert) und das',
    'Gremium eingereicht und eingerichtet – befristet bis zum Datum aus der Begründung. Nennt das Formular Datum oder',
    'Verfahren des Beschlusses nicht, sind sie mit --decision-date und --session bzw. --umlaufverfahren anzugeben.',
    'Ohne --apply-decision ist das Datum der Registrierung heute; soll später ein älterer Beschluss angewandt werden,',
    'das Datum mit --registered-at angeben (Ereignisse werden nur fortgeschrieben, nie zurückdatiert).',
    'Mit --nacherfassung ruht die Fristenüberwachung des Gremiums, bis seine bekannte Geschichte (eingereichte Berichte, Verlängerungen, …)',
    'mit ihren Daten erfasst und die Nacherfassung beendet ist: gremienlauf backfill end ID --reason TEXT.',
    'Ansprechpersonen, die schon erfasst sind, werden wiederverwendet (gleiche E-Mail-Adresse und gleicher Name, oder nur der Name, wenn nichts',
    'widerspricht); sonst neu erfasst, mit einem Hinweis, welche erfasste Person gleichen Namens es gibt. Ist es doch dieselbe,',
    'nimmt --contact NUMMER:ID sie für die Ansprechperson NUMMER des Formulars (ab 1; --dry-run zeigt die Reihenfolge), so wie erfasst.',
  ].join('\n'),
  options: {
    'apply-decision': { type: 'boolean', description: 'den Beschluss aus dem Formular erfassen und anwenden' },
    'decision-date': { type: 'string', value: 'DATUM', description: 'Datum des Beschlusses, wenn das Formular es nicht nennt' },
    session: { type: 'string', value: 'N', description: 'der Beschluss fiel in der N. Sitzung' },
    umlaufverfahren: { type: 'boolean', description: 'der Beschluss fiel im Umlaufverfahren' },
    'registered-at': {
      type: 'string',
      value: 'DATUM',
      description: 'Datum der Registrierung (sonst das des Beschlusses mit --apply-decision, sonst heute)',
    },
    nacherfassung: {
      type: 'boolean',
      description: 'mit dem Import die Nacherfassung beginnen: die Fristenüberwachung ruht, bis die bekannte Geschichte erfasst ist (beenden: gremienlauf backfill end ID)',
    },
    force: { type: 'boolean', description: 'auch übernehmen, wenn ein Gremium mit demselben Titel schon registriert ist' },
    'dry-run': { type: 'boolean', description: 'nur lesen und anzeigen, nichts anlegen' },
    contact: {
      type: 'string',
      multiple: true,
      value: 'NUMMER:ID',
      description: 'für die Ansprechperson NUMMER des Formulars (ab 1) die erfasste Person ID nehmen, wie sie erfasst ist; mehrfach möglich',
    },
  },
  async run(ctx) {
    const o = ctx.options;
    const applyOnly = ['decision-date', 'session', 'umlaufverfahren'].filter((name) => o[name] !== undefined);
    if (!o['apply-decision'] && applyOnly.length > 0) {
      throw new UsageError(`${applyOnly.map((n) => `--${n}`).join(', ')} gilt nur mit --apply-decision.`);
    }
    if (o.session !== undefined && o.umlaufverfahren) throw new UsageError('Entweder --session N oder --umlaufverfahren, nicht beides.');
    const query = {
      applyDecision: o['apply-decision'] === true ? true : undefined,
      decisionDate: typeof o['decision-date'] === 'string' ? dateOption(o['decision-date'], '--decision-date', false) : undefined,
      session: typeof o.session === 'string' ? positiveInteger(o.session, '--session') : undefined,
      procedure: o.umlaufverfahren ? 'Umlaufverfahren' : undefined,
      allowDuplicate: o.force === true ? true : undefined,
      registeredAt: typeof o['registered-at'] === 'string' ? dateOption(o['registered-at'], '--registered-at', false) : undefined,
      backfill: o.nacherfassung === true ? true : undefined,
      contact: Array.isArray(o.contact) ? (o.contact as string[]) : undefined,
    };
    const text = await ctx.readInput(ctx.args.DATEI!);

    if (o['dry-run']) {
      const parsed = await dryRun(ctx, text, query);
      for (const warning of parsed.warnings) ctx.out.note(`Hinweis: ${warning}`);
      ctx.out.result(parsed, renderParsed);
      return;
    }
    const api = await ctx.api();
    const result = await api.post<ImportResult>('/api/bodies/import', { text, query }).catch((error: unknown) => {
      throw inOptionTerms(error);
    });
    for (const warning of result.warnings) ctx.out.note(`Hinweis: ${warning}`);
    ctx.out.result(result, renderImport);
  },
};

/** The import's parameters as this command's options name them, for its messages. */
const OPTION_OF: Record<string, string> = {
  applyDecision: '--apply-decision',
  decisionDate: '--decision-date DATUM',
  procedure: '--session N oder --umlaufverfahren',
  session: '--session N',
  registeredAt: '--registered-at DATUM',
  contact: '--contact NUMMER:ID',
};

/** The option that gives the parameter at `path` (`contact`, as the service names it, or `query.contact[1]`, as the parameters' check does). */
function optionOf(path: string | undefined): string | undefined {
  return path === undefined ? undefined : OPTION_OF[path.replace(/^query\./, '').replace(/\[\d+\]$/, '')];
}

/** A refusal naming the API's parameters (decisionDate: …) told with the options that give them (--decision-date DATUM: …). */
function inOptionTerms(error: unknown): unknown {
  const issues = error instanceof ApiError ? (error.details as { details?: unknown } | null)?.details : null;
  if (!Array.isArray(issues) || !issues.some((issue: { path?: string }) => optionOf(issue.path) !== undefined)) return error;
  const told = issues.map(({ path, message }: { path?: string; message: string }) => {
    const named = path ? (optionOf(path) ?? path) : '';
    return named ? `${named}: ${message}` : message;
  });
  return new ApiError(`Ungültige Angaben – ${issueList(told)}`, (error as ApiError).details, (error as ApiError).status);
}

/**
 * What the import with these options would read and refuse, from the service it would go to (the
 * local database or --url): the register there dates a decision the form names without its day.
 */
async function dryRun(ctx: Parameters<CliCommand['run']>[0], text: string, query: Record<string, unknown>): Promise<ParsedRegistrationForm> {
  const api = await ctx.api();
  const { dryRun: _dryRun, ...parsed } = await api
    .post<ParsedRegistrationForm & { dryRun: true }>('/api/bodies/import', { text, query: { ...query, dryRun: true } })
    .catch((error: unknown) => {
      throw inOptionTerms(error);
    });
  return parsed;
}

function renderImport(r: ImportResult): string {
  const lines = [`Gremium registriert: ${r.id}`, `  „${r.title}“ (${r.registration.kind}, ${r.registration.parent})`, `  Zustand: ${r.state.label} · Version ${r.version}`];
  if (r.decision) {
    const d = r.decision;
    const term = r.approvedPermanently ? 'dauerhaft' : r.approvedUntil ? `befristet bis ${describeTermEnd(r.approvedUntil)}` : 'ohne Frist in der Begründung';
    if (d.applied) {
      const what = d.outcome === 'rejected' ? 'abgelehnt' : `eingerichtet, ${term}`;
      // A decision the register held already got the new body's effect added: said here, not only in the notes.
      const cited = d.recorded ? 'erfasst und angewandt' : 'war bereits erfasst; um die Wirkung auf dieses Gremium ergänzt und angewandt';
      lines.push(`  Beschluss ${d.number} (${d.issuer}) vom ${date(d.date)} ${cited}: ${what}.`);
    } else {
      lines.push(
        `  Beschluss laut Formular: ${d.number} (${d.issuer}), ${d.outcome === 'rejected' ? 'Ablehnung' : term} – nicht angewandt (mit --apply-decision anwenden).`,
      );
    }
  }
  if (r.backfill) lines.push(`  Nacherfassung: Fristenüberwachung ruht seit ${germanDateTime(r.backfill.since)} Uhr; beenden mit: gremienlauf backfill end ${r.id} --reason TEXT`);
  if (r.events.length > 1) lines.push(`  Ereignisse: ${r.events.map((e) => `${e.version} ${eventName(e.type)} am ${day(e.occurredAt)}`).join(', ')}`);
  return lines.join('\n');
}

/** What a form says, field by field, as the dry run shows it. */
export function renderParsed(parsed: ParsedRegistrationForm): string {
  return fields(formSummary(parsed));
}

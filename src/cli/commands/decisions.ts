import { DECISION_TYPES, eventLabel, type ReportObligation } from '../../../machines';
import type { CliCommand, CommandContext } from '../command';
import { dateOption, positionFromZero, positiveInteger } from '../dates';
import { UsageError } from '../errors';
import { ApiError, type ApiClient } from '../api';
import { issueList } from '../../common/errors';
import { effectRequirement, replacedAlongChain, takenOverAlongChain } from '../../decisions/effect-labels';
import type { StandingReplacement } from '../../decisions/replacements';
import type { ControlRow } from '../../decision-control/decision-control.service';
import { DECISION_EVENT_LABELS, datedAfterDecision, type Effect, type Replacement } from '../../decisions/register';
import { date, day, table } from '../format';
import { configFrom } from '../local';
import { jsonOption } from '../json-option';

interface DecisionView {
  number: string;
  issuer: string;
  date: string;
  procedure: string;
  session: number | null;
  type: string;
  title: string;
  effects: Array<{ body: string; effect: Effect['effect']; data: Record<string, unknown>; replaces?: Replacement }>;
  withdrawn: { at: string; actor: string; reason: string } | null;
}


/** The effects of `--effect TYP --body ID [--data JSON]` (one) or `--effects JSON` (a list). */
function effectsOption(o: CommandContext['options']): unknown[] | undefined {
  if (typeof o.effects === 'string') {
    const list = jsonOption(o.effects, '--effects');
    if (!Array.isArray(list)) throw new UsageError('--effects erwartet eine JSON-Liste, z. B. [{"body":"ID","effect":"extended","data":{"approvedUntil":"2027-06-30"}}].');
    return list;
  }
  if (typeof o.effect !== 'string') return undefined;
  if (typeof o.body !== 'string') throw new UsageError('Zu --effect gehört --body ID (das Gremium, auf das der Beschluss wirkt).');
  return [{ body: o.body, effect: o.effect, ...(typeof o.data === 'string' ? { data: jsonOption(o.data, '--data') } : {}) }];
}

const effectOptions = {
  effect: { type: 'string', value: 'EREIGNIS', description: 'Wirkung auf ein Gremium, z. B. extended (mit --body und --data)' },
  body: { type: 'string', value: 'ID', description: 'das Gremium, auf das die Wirkung zielt' },
  data: { type: 'string', value: 'JSON', description: 'Parameter der Wirkung, z. B. {"approvedUntil":"2027-06-30"}' },
  effects: { type: 'string', value: 'JSON', description: 'mehrere Wirkungen als JSON-Liste [{body, effect, data}]' },
  replaces: {
    type: 'string',
    value: 'NUMMER',
    description: 'ersetzt den zurückgenommenen Beschluss NUMMER: dessen umgesetzte Wirkung, die dieser gleich anordnet, gilt als durch dasselbe Ereignis umgesetzt',
  },
} as const;

/** A body an effect names, as far as the caller may read it: its title and its report obligations. */
interface EffectBody {
  title: string;
  obligations: ReportObligation[];
}

/**
 * An effect in a line: what it orders in words (a report it names by the report's name and Frist,
 * as `show` lists it), the event type (as --effect takes it) and the body with its title where
 * the caller may read it, `0: Verlängern bis 31.12.2025 (extended) für Gremium ID („Weiterentwicklung
 * Struktur OZG Föderal“)`.
 */
const effectLine = (bodies: ReadonlyMap<string, EffectBody>) => (e: DecisionView['effects'][number], i: number) => {
  const body = bodies.get(e.body);
  return `  ${i}: ${effectRequirement(e, body?.obligations ?? null)} (${e.effect}) für Gremium ${e.body}${body ? ` („${body.title}“)` : ''}`;
};

/**
 * An effect that took an event over from the decision it replaces, in words: the replaced one's
 * own event, or, along a chain of replacements, the event it had taken over in turn (recorded
 * under the decision the event cites, `cites`).
 */
function takenOver(replaces: Replacement, cites: DecisionRef | null): string {
  const head = ` – ersetzt Beschluss ${replaces.number}: gilt als umgesetzt durch`;
  if (!takenOverAlongChain(replaces, cites)) return `${head} dessen Ereignis (Version ${replaces.version})`;
  return `${head} das Ereignis (Version ${replaces.version}), das Beschluss ${replaces.number} übernommen hatte (erfasst unter Beschluss ${cites!.number})`;
}

/** The effects of a decision just recorded or amended, each with the event it took over from a decision it replaces (`cited`: the decision that event cites). */
const describeEffects = (d: DecisionView, bodies: ReadonlyMap<string, EffectBody>, cited: ReadonlyArray<DecisionRef | null>) => {
  if (d.effects.length === 0) return 'keine Wirkungen';
  const line = effectLine(bodies);
  return d.effects.map((e, i) => `${line(e, i)}${e.replaces ? takenOver(e.replaces, cited[i] ?? null) : ''}`).join('\n');
};

/** Per effect of a decision just recorded or amended, the decision its carrying-out event cites, for people (not for --json); none when nothing was taken over. */
async function citedDecisions(ctx: CommandContext, api: ApiClient, d: DecisionView): Promise<Array<DecisionRef | null>> {
  if (ctx.json || !d.effects.some((e) => e.replaces)) return [];
  // Recorded already: a decision that cannot be read back is told without the cited decisions.
  const detail = await api.get<DecisionWithEvents>(`/api/decisions/${encodeURIComponent(d.issuer)}/${encodeURIComponent(d.number)}`).catch(() => null);
  return detail?.effects.map((e) => e.appliedBy?.cites ?? null) ?? [];
}

/** The bodies the effects name, for people (not for --json); a body the caller may not read stays an id. */
async function bodiesOf(ctx: CommandContext, api: ApiClient, effects: DecisionView['effects']): Promise<Map<string, EffectBody>> {
  const bodies = new Map<string, EffectBody>();
  if (ctx.json) return bodies;
  for (const id of new Set(effects.map((e) => e.body))) {
    try {
      const body = await api.get<{ title: string; context: { obligations: ReportObligation[] } }>(`/api/bodies/${encodeURIComponent(id)}`);
      bodies.set(id, { title: body.title, obligations: body.context.obligations });
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) throw error;
    }
  }
  return bodies;
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
    ...effectOptions,
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
      ...(effectsOption(o) ? { effects: effectsOption(o) } : {}),
      ...(typeof o.replaces === 'string' ? { replaces: o.replaces } : {}),
    };
    const api = await ctx.api();
    const decision = await api.post<DecisionView>('/api/decisions', { json: input });
    const [bodies, cited] = await Promise.all([bodiesOf(ctx, api, decision.effects), citedDecisions(ctx, api, decision)]);
    ctx.out.result(decision, (d) => `Beschluss ${d.number} (${d.issuer}) vom ${date(d.date)} erfasst: ${d.title}\nWirkungen:\n${describeEffects(d, bodies, cited)}`);
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
            // As the register page marks it: what a withdrawn decision ordered stands without a basis.
            { header: 'Nummer', value: (d) => (d.withdrawn ? `${d.number} (zurückgenommen)` : d.number) },
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

/** The parameters of `POST …/apply` as `decision apply` names them. */
const APPLY_OPTION_OF: Record<string, string> = {
  body: '--body ID',
  effect: '--index N',
  occurredAt: '--date DATUM',
  expectedVersion: '--expected-version N',
};

/** A refusal naming the API's parameters (effect: …) told with this command's options (--index N: …); --json keeps the details as given. */
function inApplyOptions(error: unknown): unknown {
  const issues = error instanceof ApiError ? (error.details as { details?: unknown } | null)?.details : null;
  if (!Array.isArray(issues) || !issues.some((issue: { path?: string }) => issue.path !== undefined && issue.path in APPLY_OPTION_OF)) return error;
  const told = issues.map(({ path, message }: { path?: string; message: string }) => {
    const named = path ? (APPLY_OPTION_OF[path] ?? path) : '';
    return named ? `${named}: ${message}` : message;
  });
  return new ApiError(`Ungültige Angaben – ${issueList(told)}`, (error as ApiError).details, (error as ApiError).status);
}

/**
 * A decision as `GET /api/decisions/ISSUER/NUMBER` gives it: per effect its number in the
 * decision, the event that carried it out, who took it over and its state as the
 * Beschlusskontrolle works it out.
 */
type DecisionWithEvents = Omit<DecisionView, 'effects'> & {
  effects: Array<
    DecisionView['effects'][number] & {
      index: number;
      appliedBy: { bodyId: string; version: number; cites?: DecisionRef } | null;
      replacedBy?: StandingReplacement | null;
    } & Pick<ControlRow, 'state' | 'stateLabel'>
  >;
};
type DecisionRef = { number: string; issuer: string };

/**
 * `decision apply` without --index refused because nothing is left to carry out (for the body,
 * with --body): said plainly, each effect with the event that carried it out and, where that event
 * was taken over from a withdrawn decision or by a replacing one, which. Null when an effect is
 * still open or the decision cannot be read: the refusal is told as the API gave it. In words
 * for people; the API's refusal at `effect` (decisions.service `effectToApply`) names no event.
 */
async function nothingOpen(ctx: CommandContext, api: ApiClient, path: string, bodyId: string | undefined): Promise<string | null> {
  let decision: DecisionWithEvents;
  try {
    decision = await api.get<DecisionWithEvents>(path);
  } catch {
    return null;
  }
  const effects = decision.effects.filter((e) => bodyId === undefined || e.body === bodyId);
  if (effects.length === 0 || effects.some((e) => e.appliedBy === null)) return null;
  const line = effectLine(await bodiesOf(ctx, api, effects));
  const carried = effects.map((e) => {
    const by = e.appliedBy!;
    const from = by.cites ? `; das Ereignis ist unter Beschluss ${by.cites.number} (${by.cites.issuer}) erfasst, dieser Beschluss hat es von ihm übernommen` : '';
    const taken = e.replacedBy ? `; übernommen hat es Beschluss ${e.replacedBy.number} (${e.replacedBy.issuer})${e.replacedBy.withdrawn !== null ? ', auch dieser zurückgenommen' : ''}` : '';
    return `${line(e, e.index).trim()} – bereits umgesetzt (Version ${by.version}${from})${taken}`;
  });
  return `Beschluss ${decision.number} (${decision.issuer}) ist bereits umgesetzt, es bleibt nichts umzusetzen:\n${carried.map((c) => `  ${c}`).join('\n')}`;
}

/**
 * An effect's state as the Beschlusskontrolle words it (its `stateLabel`). A carried-out effect
 * is named with its event; where the Beschlusskontrolle does not count it done (a requested
 * report not yet taken note of, its body ended before that), its state follows.
 */
function effectStanding(e: DecisionWithEvents['effects'][number]): string {
  if (!e.appliedBy) return e.stateLabel;
  const carried = `umgesetzt (Version ${e.appliedBy.version}${e.appliedBy.cites ? `, unter dem ersetzten Beschluss ${e.appliedBy.cites.number}` : ''}${replacedAlongChain(e.replaces, e.appliedBy.cites)})`;
  const pending = e.state === 'open' || e.state === 'dueSoon' || e.state === 'overdue' || e.state === 'bodyEnded';
  return pending ? `${carried}, in der Beschlusskontrolle: ${e.stateLabel}` : carried;
}

/**
 * `decision show` for people: the decision, then each effect with its state as the
 * Beschlusskontrolle has it, numbered by its place in the decision (a lead's answer leaves out
 * the effects on other bodies).
 */
function renderDecision(d: DecisionWithEvents, bodies: ReadonlyMap<string, EffectBody>): string {
  const line = effectLine(bodies);
  const baseless = ': steht ohne Grundlage, ein neuer Beschluss ist nötig';
  return [
    `Beschluss ${d.number} (${d.issuer}) vom ${date(d.date)}: ${d.title}${d.withdrawn ? ` – zurückgenommen am ${day(d.withdrawn.at)}${d.withdrawn.actor ? ` von ${d.withdrawn.actor}` : ''}: ${d.withdrawn.reason}` : ''}`,
    'Wirkungen:',
    ...d.effects.map(
      (e) =>
        `${line(e, e.index)} – ${effectStanding(e)}` +
        (e.replacedBy ? `, übernommen von Beschluss ${e.replacedBy.number}` : '') +
        // Taken over by the last of a chain, withdrawn too: the new decision is needed there (its row in the Beschlusskontrolle), not here.
        (e.replacedBy && e.replacedBy.withdrawn !== null ? `, auch dieser zurückgenommen: dort ist ein neuer Beschluss nötig, einer, der ${e.replacedBy.number} ersetzt` : '') +
        // Carried out, withdrawn and taken over by no other decision: what it did stands without basis.
        (d.withdrawn && e.appliedBy && !e.replacedBy ? baseless : ''),
    ),
  ].join('\n');
}

interface ApplyResult {
  id: string;
  version: number;
  state: { label: string };
  event: { type: string; occurredAt: string; decision: { number: string; date: string } | null };
}

/** An event of a decision's stream as `GET /api/decisions/ISSUER/NUMBER/history` gives it (the fields the CLI shows). */
export interface DecisionHistoryEvent {
  version: number;
  type: string;
  recordedAt: string;
  actor: { id: string };
  data: { reason?: string | null };
  hash: string;
}

/** A decision's history for people: each event by its German label, with its type as the log stores it (as `history` names a body's). */
export function renderDecisionHistory(events: readonly DecisionHistoryEvent[]): string {
  const labels: Record<string, string> = DECISION_EVENT_LABELS;
  return table(events, [
    { header: 'Version', value: (e) => String(e.version) },
    { header: 'Ereignis', value: (e) => (labels[e.type] ? `${labels[e.type]} (${e.type})` : e.type) },
    { header: 'Aufgezeichnet', value: (e) => day(e.recordedAt) },
    { header: 'Von', value: (e) => e.actor.id },
    { header: 'Begründung', value: (e) => e.data.reason ?? '', max: 50 },
    { header: 'Hash', value: (e) => e.hash.slice(0, 12) },
  ]);
}

/** One decision: apply an effect, amend, withdraw, show its history. */
export const decisionCommand: CliCommand = {
  name: 'decision',
  args: ['AKTION', 'NUMMER'],
  summary: 'Einen Beschluss umsetzen, berichtigen, zurücknehmen oder seine Geschichte zeigen: decision apply|amend|withdraw|history|show NUMMER',
  description: [
    'Beispiele:',
    '  gremienlauf decision apply 2026/12-AL                    (die einzige offene Wirkung umsetzen)',
    '  gremienlauf decision apply 2026/12-AL --body ID          (die offene Wirkung für das Gremium umsetzen)',
    '  gremienlauf decision amend 2026/12-AL --title "…" --reason "Tippfehler"',
    '  gremienlauf decision amend 2026/12-AL --effect extended --body ID --data \'{"approvedUntil":"2027-06-30"}\' --reason "Wirkung ergänzt"',
    '  gremienlauf decision withdraw 2026/12-AL --reason "irrtümlich erfasst"',
    '  gremienlauf record-decision 2026/33-AL … --effect extended --body ID --data \'{"approvedUntil":"2027-06-30"}\' --replaces 2026/12-AL',
    '                                                           (umgesetzte Wirkung des zurückgenommenen Beschlusses übernehmen)',
    '  gremienlauf decision history 2026/12-AL',
    'Mit --effect/--effects ersetzt amend die Liste der Wirkungen (bisherige bleiben nur, wenn sie wieder genannt sind).',
  ].join('\n'),
  options: {
    issuer: { type: 'string', value: 'GREMIUM', description: 'IT-PLR oder AL-Runde (sonst aus dem Kürzel der Nummer)' },
    ...effectOptions,
    index: { type: 'string', value: 'N', description: 'apply: die Nummer der Wirkung (ab 0), wenn mehrere offen sind' },
    date: { type: 'string', value: 'DATUM', description: 'apply: fachliches Datum (sonst das des Beschlusses); amend: neues Beschlussdatum' },
    title: { type: 'string', value: 'TITEL', description: 'amend: neuer Titel' },
    reason: { type: 'string', value: 'TEXT', description: 'amend, withdraw: Begründung (Pflicht)' },
    'expected-version': { type: 'string', value: 'N', description: 'apply: nur, wenn das Gremium noch auf dieser Version steht' },
  },
  async run(ctx) {
    const o = ctx.options;
    const number = ctx.args.NUMMER!;
    const issuer = typeof o.issuer === 'string' ? o.issuer : issuerBySuffix(number, ctx.env);
    const path = `/api/decisions/${encodeURIComponent(issuer)}/${encodeURIComponent(number)}`;
    const api = await ctx.api();
    const reason = () => {
      if (typeof o.reason !== 'string') throw new UsageError('Es fehlt --reason TEXT (die Begründung wird mit aufgezeichnet).');
      return o.reason;
    };
    switch (ctx.args.AKTION) {
      case 'apply': {
        const input = {
          ...(typeof o.body === 'string' ? { body: o.body } : {}),
          ...(typeof o.index === 'string' ? { effect: positionFromZero(o.index, '--index') } : {}),
          ...(typeof o.date === 'string' ? { occurredAt: dateOption(o.date, '--date') } : {}),
          ...(typeof o['expected-version'] === 'string' ? { expectedVersion: positiveInteger(o['expected-version'], '--expected-version') } : {}),
        };
        const result = await api.post<ApplyResult>(`${path}/apply`, { json: input }).catch(async (error: unknown) => {
          // Refused at `effect` though no --index was given: when everything is carried out already, say so, not „--index N: …“.
          const issues = error instanceof ApiError ? (error.details as { details?: unknown } | null)?.details : null;
          const atEffect = Array.isArray(issues) && issues.some((issue: { path?: string }) => issue.path === 'effect');
          const plainly = atEffect && input.effect === undefined && !ctx.json ? await nothingOpen(ctx, api, path, input.body) : null;
          if (plainly) throw new ApiError(plainly, (error as ApiError).details, (error as ApiError).status);
          throw inApplyOptions(error);
        });
        // Without --date the event falls on the decision's day, unless the body has lived on since.
        const later = result.event.decision && !input.occurredAt ? datedAfterDecision(result.event.decision.date, result.event.occurredAt) : null;
        ctx.out.result(result, (r) =>
          [
            `Beschluss ${r.event.decision?.number} vom ${r.event.decision ? date(r.event.decision.date) : '–'} umgesetzt: „${eventLabel(r.event.type)}“ (${r.event.type}) am ${day(r.event.occurredAt)} – Version ${r.version}.`,
            `Zustand: ${r.state.label}`,
            ...(later ? [`Hinweis: ${later}; das Gremium hat seit dem Beschluss schon Ereignisse, und seine Geschichte wird nur fortgeschrieben (mit --date ein anderes Datum ab dem letzten Ereignis).`] : []),
          ].join('\n'),
        );
        return;
      }
      case 'amend': {
        const input = {
          ...(typeof o.title === 'string' ? { title: o.title } : {}),
          ...(typeof o.date === 'string' ? { date: dateOption(o.date, '--date', false) } : {}),
          ...(effectsOption(o) ? { effects: effectsOption(o) } : {}),
          ...(typeof o.replaces === 'string' ? { replaces: o.replaces } : {}),
          reason: reason(),
        };
        const decision = await api.request<DecisionView>('PATCH', path, { json: input });
        const [bodies, cited] = await Promise.all([bodiesOf(ctx, api, decision.effects), citedDecisions(ctx, api, decision)]);
        ctx.out.result(decision, (d) => `Beschluss ${d.number} (${d.issuer}) vom ${date(d.date)} berichtigt: ${d.title}\nWirkungen:\n${describeEffects(d, bodies, cited)}`);
        return;
      }
      case 'withdraw': {
        const decision = await api.post<DecisionView>(`${path}/withdrawal`, { json: { reason: reason() } });
        ctx.out.result(decision, (d) => `Beschluss ${d.number} (${d.issuer}) vom ${date(d.date)} zurückgenommen: ${d.withdrawn?.reason}`);
        return;
      }
      case 'history': {
        const history = await api.get<{ events: DecisionHistoryEvent[] }>(`${path}/history`);
        ctx.out.result(history, (h) => renderDecisionHistory(h.events));
        return;
      }
      case 'show': {
        const decision = await api.get<DecisionWithEvents>(path);
        const bodies = await bodiesOf(ctx, api, decision.effects);
        ctx.out.result(decision, (d) => renderDecision(d, bodies));
        return;
      }
      default:
        throw new UsageError(`Unbekannte Aktion „${ctx.args.AKTION}“; möglich: apply, amend, withdraw, history, show.`);
    }
  },
};

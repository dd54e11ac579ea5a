import { Inject, Injectable } from '@nestjs/common';
import {
  EVENT_LABELS,
  STATE_LABELS,
  berlinDate,
  germanDate,
  obligationLabel,
  obligationStanding,
  statePaths,
  type BodyContext,
  type BodyEventType,
  type CivilDate,
  type TermEnd,
  approvedUntilAsWritten,
  describeTermEndWithDay,
  termEndDate,
} from '../../machines';
import type { AppConfig } from '../../config/configuration';
import { AuditService } from '../audit/audit.service';
import { replayRecords } from '../audit/replay';
import { BodiesService, seesContactDetails } from '../bodies/bodies.service';
import { contactCorrectionForm, contactFormType } from './contact-form';
import { backfillForm, backfillFormType, backfillStep } from './backfill-form';
import { Clock } from '../common/clock';
import { Database } from '../database/database';
import { heldBodies } from '../deadlines/backfill-hold';
import { APP_CONFIG } from '../common/common.module';
import { LifecycleRefusal, NotFoundError, type FieldIssue } from '../common/errors';
import { deadlineState } from '../deadlines/deadline-state';
import { DeadlinesService, type DeadlineQuery, type DeadlineStanding } from '../deadlines/deadlines.service';
import { DecisionControlService } from '../decision-control/decision-control.service';
import { effectRequirement } from '../decisions/effect-labels';
import { DecisionsService } from '../decisions/decisions.service';
import { controlFilter, csvLink, decisionHref, filterText, groupByDecision, replacementHref, stateCounts, STATE_OPTIONS } from './decision-control-page';
import { DECISION_EVENT_LABELS } from '../decisions/register';
import { actionLabel, eventFormItems, initialValues, termEndValues, type EventFormContext } from './event-forms';
import { distinctLabels, errorList, fillForm, optional, type FormItem, type FormValues, type Option } from './forms';
import { eventsFor, ledIds, mayAudit, mayBackfill, mayCorrectContacts, mayRecordDecisions, sees, seesPersonalData, type WebUser } from './principal';
import { machineTransitions, stateDiagramSvg, stateLabelOf } from './state-diagram';
import { extensionBasis, timelineSvg, type TimelineBody } from './timeline';
import { groupBy } from '../common/group-by';
import { PAGE_SIZE, pageNumber, pagesOf } from './pages';
import { tamperMarks } from './chain-verdict';
import { obligationOptions, type ObligationOption } from './effect-fields';
import { latestMachine } from '../audit/machine-versions';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type Light = 'green' | 'yellow' | 'red' | 'held' | 'ended';

export const LIGHT_LABELS: Record<Light, string> = { green: 'Grün', yellow: 'Gelb', red: 'Rot', held: 'Nacherfassung', ended: 'Beendet' };

const FINAL_STATES = new Set(['rejected', 'withdrawn', 'closed', 'transferred', 'dissolved']);

/** What each version of the chart changed, for the note that offers a body on an older one the move. */
const CHANGES: Readonly<Record<number, string>> = {
  4:
    'ist eine Überführung in eine Nachfolgestruktur ein geordneter Abschluss (erst mit einem zur Kenntnis genommenen oder entfallenen Abschlussbericht), ' +
    'eine wiederkehrende Berichtspflicht kann durch Beschluss beendet werden, und eine nachträglich erfasste Verlängerung, deren neues Ende schon zurückliegt, lässt die Laufzeit sofort ablaufen',
  5:
    'trägt ein Bericht, der unter einem eigenen Titel eingereicht wird, diesen Titel allein: die folgenden Berichte einer wiederkehrenden Berichtspflicht behalten den Titel der Reihe; ' +
    'und ein durch Beschluss geforderter Bericht kennt diesen Beschluss, sodass die Beschlusskontrolle genau ihm folgt',
  6:
    'kann die Geschäftsstelle bei einem später erfassten Bericht oder Verlängerungsantrag den Tag seines Eingangs angeben: er gilt als an diesem Tag eingereicht (ein Bericht etwa fristgerecht, obwohl schon „überfällig“ vermerkt war); ' +
    'und ein durch Beschluss zur Kenntnis genommener Bericht gilt als am Tag des Beschlusses zur Kenntnis genommen, auch wenn die Kenntnisnahme erst später erfasst wird',
};

/** Whether the fields' errors say all of a refusal: each of its sentences stands at some field. */
function placedWhole(message: string, errors: ReadonlyArray<{ message: string }>): boolean {
  return errors.reduce((rest, e) => rest.replace(e.message, ''), message).trim() === '';
}

/**
 * The move to the newest version of the chart, when the body's last event was recorded under an
 * older one and its life goes on (an ended body stays in the version it ended in); else null.
 * Its note names what each version after the body's changed.
 */
function machineUpgrade(events: ReadonlyArray<{ machine: { version: number } }>, statePaths: readonly string[]) {
  const from = events.at(-1)?.machine.version;
  const to = latestMachine().version;
  if (from === undefined || from >= to || FINAL_STATES.has(statePaths[0])) return null;
  const changes = Array.from({ length: to - from }, (_, i) => from + 1 + i).map((version) => `seit Version ${version} ${CHANGES[version] ?? 'gelten neuere Regeln'}`);
  return {
    from,
    to,
    note: `Dieses Gremium folgt noch Version ${from} des Lebenslaufs; ${changes.join('; ')}. Die Umstellung wird im Verlauf erfasst; was bisher erfasst ist, bleibt unverändert.`,
  };
}
const WARN_DAYS = 30;

/**
 * The Fristen page's lists: each its page parameter (`?erledigt=2`), its section and its Fristen.
 * The open Fristen of a body held for its Nacherfassung are overdue nowhere, and not upcoming
 * either (their day may long have passed): they have a list of their own.
 */
const DEADLINE_LISTS: Array<{ param: string; anchor: string; query: DeadlineQuery }> = [
  { param: 'ueberfaellig', anchor: 'overdue', query: { overdue: true } },
  { param: 'nacherfassung', anchor: 'held', query: { held: true, met: false } },
  { param: 'anstehend', anchor: 'upcoming', query: { overdue: false, met: false, held: false } },
  { param: 'erledigt', anchor: 'met', query: { met: true, latestFirst: true } },
];

export interface OverviewFilter {
  q?: string;
  zustand?: string;
  ampel?: string;
  federfuehrung?: string;
}

/** A form of the Gremium page as the failed post left it. */
export interface FormState {
  type: string;
  values: FormValues;
  issues: FieldIssue[];
  message: string;
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * The traffic light of a body: red when a Frist is overdue or the term has expired, yellow
 * when a Frist or the end of the term is at most 30 days away, green otherwise; a body whose
 * life has ended gets none. A body held for its Nacherfassung raises no alarm: its past is still
 * being entered, so it gets the neutral „Nacherfassung“. Always with a sentence, never colour alone.
 */
export function trafficLight(
  body: { statePaths: string[]; approvedUntil: string | null; permanent: boolean; held?: boolean },
  deadlines: DeadlineStanding[],
  today: string,
): { level: Light; text: string } {
  if (FINAL_STATES.has(body.statePaths[0])) return { level: 'ended', text: 'Lebenslauf beendet' };
  if (body.held) return { level: 'held', text: 'Nacherfassung – Überwachung ruht' };
  const open = deadlines.filter((d) => d.status !== 'met');
  const termRunning = ['established', 'active'].includes(body.statePaths[0]) && !body.permanent && body.approvedUntil;
  if (body.statePaths.includes('active.term.expired') || (termRunning && body.approvedUntil! < today)) {
    return { level: 'red', text: 'Laufzeit abgelaufen – Beschluss nötig' };
  }
  const overdue = open.find((d) => d.overdue);
  if (overdue) return { level: 'red', text: `Frist überschritten: ${overdue.label}` };
  if (body.statePaths.includes('active.reporting.reportOverdue')) return { level: 'red', text: 'Bericht überfällig' };
  const soon = open.find((d) => d.effectiveDate && daysBetween(today, d.effectiveDate) <= WARN_DAYS);
  if (soon) {
    const days = daysBetween(today, soon.effectiveDate!);
    return { level: 'yellow', text: `${soon.label} ${days === 0 ? 'heute' : `in ${days} ${days === 1 ? 'Tag' : 'Tagen'}`}` };
  }
  if (termRunning && daysBetween(today, body.approvedUntil!) <= WARN_DAYS) {
    return { level: 'yellow', text: `Laufzeit endet in ${daysBetween(today, body.approvedUntil!)} Tagen` };
  }
  return { level: 'green', text: 'Im Plan' };
}

const LIGHT_ORDER: Record<Light, number> = { red: 0, yellow: 1, green: 2, held: 3, ended: 4 };

/**
 * „Befristet bis“: the approved end as the decisions set it (`dauerhaft (entfristet)` without
 * one), also once the body's life has ended; the day it ended is told beside it („Beendet am“).
 */
export function termText(body: { approvedUntil: TermEnd | null; permanent: boolean }): string {
  if (body.permanent) return 'dauerhaft (entfristet)';
  return body.approvedUntil ? describeTermEndWithDay(body.approvedUntil) : '–';
}

/**
 * How each of the body's reports stands, in words, by obligation id: a late one says so, read
 * against its Frist's effective date (`dueDates`, by obligation id).
 */
function standingsOfReports(context: Pick<BodyContext, 'obligations' | 'endedOn'>, dueDates: ReadonlyMap<string, CivilDate | null>): Record<string, string> {
  return Object.fromEntries(context.obligations.map((o) => [o.id, obligationStanding(o, context.endedOn, dueDates.get(o.id) ?? null)]));
}

/** The machine's transitions as table rows: the diagram's text alternative. */
export function transitionRows() {
  return machineTransitions().map((t) => ({
    from: stateLabelOf(t.source),
    to: t.target ? stateLabelOf(t.target) : 'bleibt im Zustand',
    event: t.automatic ? t.label : `${t.label} (${t.event})`,
  }));
}

/** The page models of the web UI, from the same services the API uses. */
@Injectable()
export class WebService {
  constructor(
    private readonly bodies: BodiesService,
    private readonly decisions: DecisionsService,
    private readonly deadlines: DeadlinesService,
    private readonly audit: AuditService,
    private readonly control: DecisionControlService,
    private readonly clock: Clock,
    private readonly db: Database,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  today(): string {
    return berlinDate(this.clock.now().toISOString());
  }

  issuerOptions(): Option[] {
    return this.config.issuers.map((i) => ({ value: i.id, label: i.name === i.id ? i.id : `${i.id} – ${i.name}` }));
  }

  /** The registered bodies as options (e.g. a predecessor), each label its title. */
  async bodyOptions(): Promise<Option[]> {
    return (await this.bodies.titles()).map((b) => ({ value: b.id, label: b.title }));
  }

  /** The same for a choice among them: bodies that share a title told apart by their id. */
  async distinctBodyOptions(): Promise<Option[]> {
    return distinctLabels(await this.bodies.titles());
  }

  /** The Übersicht: the bodies the user sees, most urgent first, filtered, one page of them. */
  async overview(filter: OverviewFilter, user: WebUser, page = 1) {
    const today = this.today();
    // A lead's bodies are chosen in the queries: a lead of three bodies reads three, not the register.
    const led = ledIds(user);
    const mine = led ? { ids: led } : {};
    const [list, matching, deadlines, todos, held] = await Promise.all([
      this.bodies.list(mine),
      filter.q ? this.bodies.ids({ ...mine, q: filter.q }) : null,
      // The light and the next Frist look at how the open Fristen stand, nothing more.
      this.deadlines.standings({ ...(led ? { bodyIds: led } : {}), met: false }),
      this.todos(user),
      heldBodies(this.db),
    ]);
    const found = matching ? new Set(matching) : null;
    const deadlinesOf = groupBy(deadlines, (d) => d.bodyId);
    // Every body's light (the order and the filter need it); the rest of a row only for the page shown.
    const lit = list
      .filter((body) => sees(user, body.id))
      .map((body) => ({ body, light: trafficLight({ statePaths: body.state.paths, approvedUntil: body.approvedUntil, permanent: body.permanent, held: held.has(body.id) }, deadlinesOf.get(body.id) ?? [], today) }));
    // Most urgent first: red, yellow, green, then the bodies whose life has ended; by title within.
    lit.sort((a, b) => LIGHT_ORDER[a.light.level] - LIGHT_ORDER[b.light.level]);
    const leads = [...new Set(lit.flatMap(({ body }) => body.leads))].sort((a, b) => a.localeCompare(b, 'de'));
    const filtered = lit.filter(
      ({ body, light }) =>
        (!found || found.has(body.id)) &&
        (!filter.zustand || body.state.paths.includes(filter.zustand)) &&
        (!filter.ampel || light.level === filter.ampel) &&
        (!filter.federfuehrung || body.leads.includes(filter.federfuehrung)),
    );
    const states = Object.entries(STATE_LABELS)
      .filter(([path]) => !/\.(term|reporting|closure)$/.test(path))
      .map(([value, label]) => ({ value, label: value.includes('.') ? `Aktiv: ${label}` : label }));
    const pages = pagesOf('/', { ...filter }, page, filtered.length);
    const rows = filtered.slice(pages.offset, pages.to).map(({ body, light }) => {
      // The standings come by date, those without one last: the first with a date is the next.
      const next = (deadlinesOf.get(body.id) ?? []).find((d) => d.effectiveDate);
      return {
        ...body,
        light,
        nextDeadline: next ? { label: next.label, date: next.effectiveDate!, state: deadlineState(next) } : null,
        term: termText({ approvedUntil: body.approvedUntilAsWritten ?? body.approvedUntil, permanent: body.permanent }),
        endedOn: body.endedOn,
      };
    });
    return { rows, matching: filtered.length, total: lit.length, pages, leads, states, filter, today, todos };
  }

  /**
   * The Gremium page. `preset` opens an event form with a decision chosen (the way back from
   * recording a decision in place); `failed` reopens a form as its post left it.
   */
  async body(id: string, user: WebUser, failed?: FormState, preset?: { type: string; decision: string }) {
    const [body, history, deadlines, openEffects, others] = await Promise.all([
      this.bodies.get(id, { contactDetails: seesContactDetails(user.role) }),
      // An event whose stored content cannot be read refuses the history: the page shows the body without its Verlauf, saying why.
      this.bodies.history(id).then(
        ({ events }) => ({ events, unreadable: null }),
        (error: unknown) => {
          if (error instanceof LifecycleRefusal) return { events: [], unreadable: error.message };
          throw error;
        },
      ),
      this.deadlines.list({ bodyId: id }),
      this.decisions.openEffects(id),
      this.bodies.titles(),
    ]);
    const context = body.context as BodyContext;
    const today = this.today();
    const steps = replayRecords(history.events).steps;
    /** The version of the chart whose rules the body follows (that of its last event); null without a readable history. */
    const machineVersion = history.events.at(-1)?.machine.version ?? null;
    // The effective Fristen the body's answer gives (`reportDates`), not derived here a second time.
    const reportStandings = standingsOfReports(context, new Map(body.reportDates.map((r) => [r.obligationId, r.effectiveDate])));
    const visited = [...new Set(steps.flatMap((s) => statePaths(s.stateAfter)))];
    // Each event form offers only the decisions with an open effect of its type for this body.
    const decisionsFor = (type: BodyEventType): Option[] => {
      const seen = new Set<string>();
      return openEffects
        .filter(({ decision, effect }) => effect.effect === type && !seen.has(decision.number) && seen.add(decision.number))
        .map(({ decision, effect }) => ({ value: decision.number, label: `${decision.number} vom ${germanDate(decision.date)} – ${effectRequirement(effect, context.obligations)}` }));
    };
    const formContext: EventFormContext = {
      context,
      decisions: [],
      // A successor is a body whose life goes on: ended ones are not offered.
      bodies: distinctLabels(others.filter((b) => b.id !== id && !FINAL_STATES.has(b.status))),
      issuers: this.issuerOptions(),
      contacts: body.contacts.map((c) => ({ value: c.id, label: c.erased ? 'gelöschte Ansprechperson' : `${c.name}${c.organization ? ` (${c.organization})` : ''}` })),
      today,
    };
    const offered = eventsFor(user, id, body.allowedEvents.map((e) => e.type));
    const presetEffect =
      preset && offered.includes(preset.type as BodyEventType)
        ? openEffects.find(({ decision, effect }) => decision.number === preset.decision && effect.effect === preset.type)
        : undefined;
    const forms = offered.map((type) => {
      const formId = `aktion-${type}`;
      const decisions = decisionsFor(type);
      const items: FormItem[] = eventFormItems(type, {
        ...formContext,
        decisions,
        newDecisionHref: mayRecordDecisions(user) ? `/beschluesse?wirkung=${type}&fuer=${id}#record` : undefined,
        dated: user?.role !== 'lead',
        received: user?.role !== 'lead' && (machineVersion ?? 0) >= 6,
      });
      const mine = failed?.type === type ? failed : undefined;
      const chosen = presetEffect?.effect.effect === type ? presetEffect : undefined;
      // The only decision the form offers is filled in with what it orders (its term), as one chosen from the address is.
      const only =
        decisions.length === 1 ? openEffects.find(({ decision, effect }) => decision.number === decisions[0].value && effect.effect === type) : undefined;
      const fromDecision = chosen ?? only;
      const values = mine
        ? mine.values
        : fromDecision
          ? {
              ...initialValues(type, formContext),
              ...(fromDecision.effect.data.permanent === true
                ? { term: 'permanent' }
                : { 'approvedUntil.date': '', 'approvedUntil.month': '', 'approvedUntil.year': '', ...termEndValues('approvedUntil', fromDecision.effect.data.approvedUntil as TermEnd | undefined) }),
              decision: fromDecision.decision.number,
            }
          : initialValues(type, formContext);
      const unplaced = fillForm(items, values, mine?.issues ?? [], 'data.');
      const errors = mine ? errorList(items, formId) : [];
      return {
        type,
        label: actionLabel(type),
        formId,
        items,
        open: Boolean(mine) || Boolean(chosen),
        // A refusal placed at its fields (each of its sentences at its own) is said once, in the summary's links to them.
        message: mine && !placedWhole(mine.message, errors) ? mine.message : null,
        errors,
        unplaced,
      };
    });
    const allowed = new Set(body.allowedEvents.map((e) => e.type));
    // A predecessor or successor the user may not open is named without a link (a lead's other bodies are a 404 to it).
    const linkable = (links: typeof body.successors) => links.map(({ bodyId, ...link }) => (bodyId && sees(user, bodyId) ? { ...link, bodyId } : link));
    // A withdrawn decision whose event no standing decision has taken over: the Geschäftsstelle records the one that replaces
    // it, or, when the one that replaced it was withdrawn too, the one that replaces that (the last of the chain).
    const decisions = body.decisions.map((d) => ({
      ...d,
      replaceHref: mayRecordDecisions(user) && d.withdrawn && (!d.replacedBy || d.replacedBy.withdrawn) ? replacementHref(d.replacedBy ?? d) : null,
    }));
    return {
      body: { ...body, decisions, predecessors: linkable(body.predecessors), successors: linkable(body.successors) },
      context,
      /** The decisions' effects for this body not carried out yet, each with whether its event is allowed now. */
      openEffects: openEffects.map(({ decision, effect, index }) => ({
        decision,
        index,
        effect: effect.effect,
        label: EVENT_LABELS[effect.effect] ?? effect.effect,
        required: effectRequirement(effect, context.obligations),
        allowed: allowed.has(effect.effect),
        /** Why the effect cannot be carried out now: the rule's reason as a refusal would give it, else the state. */
        refusal: allowed.has(effect.effect)
          ? null
          : (body.notYetPossible.find(({ type }) => type === effect.effect)?.reason ?? `Im Zustand „${body.state.label}“ nicht möglich.`),
      })),
      /** The version of the chart whose rules the body follows (that of its last event); null without a readable history. */
      machineVersion,
      machineUpgrade: mayRecordDecisions(user) ? machineUpgrade(history.events, body.state.paths) : null,
      presetDecision: presetEffect ? { number: presetEffect.decision.number, action: actionLabel(presetEffect.effect.effect) } : null,
      contacts: (seesPersonalData(user) ? body.contacts : []).map((contact) => ({
        ...contact,
        form: mayCorrectContacts(user) && !contact.erased ? contactCorrectionForm(contact, failed?.type === contactFormType(contact.id) ? failed : undefined) : null,
      })),
      showContactIds: mayCorrectContacts(user),
      /** „Nacherfassung beginnen“ or „… beenden“ for the secretariat; none once the body's life has ended and nothing is held. */
      backfillForm: this.backfillFormOf(id, user, body.backfill !== null, body.state.paths, failed),
      personal: seesPersonalData(user),
      stateLabel: body.state.label,
      forms,
      /** The actions of the user's role the state would take but the body's facts rule out for now, with why. */
      notYetPossible: body.notYetPossible
        .filter(({ type }) => eventsFor(user, id, [type]).length > 0)
        .map(({ type, reason }) => ({ label: actionLabel(type), reason })),
      deadlines,
      light: trafficLight({ statePaths: body.state.paths, approvedUntil: context.approvedUntil, permanent: context.permanent, held: body.backfill !== null }, deadlines, today),
      term: termText({ approvedUntil: approvedUntilAsWritten(context), permanent: context.permanent }),
      endedOn: context.endedOn,
      /** Each report's standing in words by obligation id, late ones said so (as the Fristen page says it), also once the body ended. */
      reportStandings,
      history: history.events.map((e) => ({
        ...e,
        label: EVENT_LABELS[e.type as BodyEventType] ?? e.type,
        stateAfter: steps.find((s) => s.version === e.version)?.stateLabelAfter ?? '',
      })),
      /** The events that fail their hash or chain check: named at the top, what the page shows rests on them too. */
      tampered: history.events.filter((e) => !e.intact).map((e) => ({ version: e.version, label: EVENT_LABELS[e.type as BodyEventType] ?? e.type })),
      historyUnreadable: history.unreadable,
      auditHref: mayAudit(user) ? `/pruefung?gremium=${encodeURIComponent(id)}#body-check` : null,
      diagram: stateDiagramSvg({ current: body.state.paths, visited }),
      transitions: transitionRows(),
      today,
    };
  }

  private backfillFormOf(id: string, user: WebUser, held: boolean, paths: string[], failed: FormState | undefined) {
    const step = mayBackfill(user) ? backfillStep(held, FINAL_STATES.has(paths[0])) : null;
    if (!step) return null;
    return backfillForm(id, step, failed?.type === backfillFormType(step) ? failed : undefined);
  }

  async decisionsPage(filter: { issuer?: string; year?: number }) {
    // Named as the page's own parameter, not as the API's query.issuer.
    this.decisions.assertIssuerFilter(filter.issuer, 'gremium');
    return { decisions: await this.decisions.list(filter), issuers: this.issuerOptions(), bodies: await this.distinctBodyOptions(), filter };
  }

  /**
   * One decision: its facts, each effect with its state in the Beschlusskontrolle (as far as the
   * user sees the body), and for the secretariat and auditors its register events.
   */
  async decisionPage(issuer: string, number: string, user: WebUser) {
    const decision = await this.decisions.get(issuer, number);
    const [rows, bodies] = await Promise.all([this.control.rows({ issuer: decision.issuer }), this.distinctBodyOptions()]);
    const mine = rows.filter((r) => r.decision.number === decision.number && sees(user, r.bodyId));
    const history = mayAudit(user) ? (await this.decisions.history(decision.issuer, decision.number)).events : null;
    const group = groupByDecision(mine, (row) => decision.effects[row.effectIndex]?.replaces)[0];
    return {
      decision,
      issuers: this.issuerOptions(),
      lines: group?.lines ?? [],
      // As the Beschlusskontrolle's group says it: what follows from the withdrawal, and, for the Geschäftsstelle, where
      // the new decision is recorded while one is needed (the last of a chain of replacements, withdrawn too).
      note: group?.note ?? null,
      replaceHref: mayRecordDecisions(user) ? (group?.replaceHref ?? null) : null,
      history: history?.map((e) => ({ ...e, label: DECISION_EVENT_LABELS[e.type] })) ?? null,
      bodies,
      href: decisionHref(decision),
    };
  }

  /** The issuer a decision on a body likely comes from: its parent body (`profile.parent`) when the register knows it as an issuer, by id or name. */
  async issuerOf(bodyId: string): Promise<string | null> {
    const parent = (await this.bodies.get(bodyId)).context.profile.parent;
    return this.config.issuers.find((i) => i.id === parent || i.name === parent)?.id ?? null;
  }

  /**
   * The open report obligations of a body, as the decision forms offer them for an effect on one
   * (Kenntnisnahme, neue Frist, Aufhebung); null when no body, or none registered, is named.
   */
  async obligationOptions(bodyId: string | undefined): Promise<ObligationOption[] | null> {
    if (!bodyId || !UUID.test(bodyId)) return null;
    try {
      return obligationOptions((await this.bodies.get(bodyId)).context.obligations);
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  }

  /** The Beschlusskontrolle: the effects of every decision, grouped per decision, as far as the user may see their bodies. */
  async decisionControl(query: Record<string, string | undefined>, user: WebUser) {
    const filter = controlFilter(query);
    this.decisions.assertIssuerFilter(filter.issuer, 'gremium');
    const [rows, decisions] = await Promise.all([this.control.rows(filter), this.decisions.list({})]);
    const visible = rows.filter((row) => sees(user, row.bodyId));
    const years = [...new Set([...decisions.map((d) => d.date.slice(0, 4)), ...(filter.year ? [String(filter.year)] : [])])].sort().reverse();
    const issuers = this.issuerOptions();
    // A line names the decision its effect replaced along a chain, as the decision's page does.
    const byName = new Map(decisions.map((d) => [`${d.issuer} ${d.number}`, d]));
    return {
      filter,
      groups: groupByDecision(visible, (row) => byName.get(`${row.decision.issuer} ${row.decision.number}`)?.effects[row.effectIndex]?.replaces),
      counts: stateCounts(visible),
      total: visible.length,
      years,
      issuers,
      states: STATE_OPTIONS,
      filterText: filterText(filter, issuers),
      // The CSV cannot be narrowed to a lead's bodies, so the API gives it to no lead.
      csv: user.role === 'lead' ? null : csvLink(filter),
      generatedAt: this.clock.now().toISOString(),
    };
  }

  /**
   * The Fristen page: the overdue ones (the longest overdue first), the open ones of bodies held
   * for their Nacherfassung, the upcoming ones (the next first) and the met ones (the latest
   * first), each list a page at a time with its own page parameter; a lead's of its own bodies only.
   */
  async deadlinesPage(user: WebUser, values: FormValues) {
    const query = Object.fromEntries(DEADLINE_LISTS.map(({ param }) => [param, optional(values, param)]));
    const asked = Object.fromEntries(DEADLINE_LISTS.map(({ param }) => [param, pageNumber(query[param], param)]));
    const led = ledIds(user);
    const mine = led ? { bodyIds: led } : {};
    const lists = await Promise.all(
      DEADLINE_LISTS.map(async ({ param, anchor, query: which }) => {
        const pages = pagesOf('/fristen', query, asked[param], await this.deadlines.count({ ...mine, ...which }), { param, anchor });
        const rows = await this.deadlines.list({ ...mine, ...which, limit: PAGE_SIZE, offset: pages.offset });
        return { rows: rows.filter((d) => sees(user, d.bodyId)), pages };
      }),
    );
    const [overdue, held, upcoming, met] = lists;
    return { overdue, held, upcoming, met, todos: await this.todos(user), today: this.today() };
  }

  /** Open requests as the secretariat's to-dos: extension requests and submitted reports (none for other roles). */
  private async todos(user: WebUser) {
    return user?.role === 'secretariat' ? this.bodies.openRequests() : [];
  }

  /** The Zeitleiste: a page of the bodies the user sees, by title, with their terms, extensions and reports. */
  async timeline(user: WebUser, page = 1) {
    const today = this.today();
    // A lead's bodies are chosen in the query, so that its pages are full.
    const led = ledIds(user);
    const mine = led ? { ids: led } : {};
    const pages = pagesOf('/zeitleiste', {}, page, await this.bodies.count(mine));
    const list = await this.bodies.listWithHeads({ ...mine, limit: PAGE_SIZE, offset: pages.offset });
    // Four more queries for the page's bodies (not one per body).
    const ids = list.map(({ summary }) => summary.id);
    const [deadlines, extensions, lapses] = await Promise.all([this.deadlines.list({ bodyIds: ids }), this.bodies.extensions(ids), this.bodies.termLapses(ids)]);
    const reports = groupBy(
      deadlines.filter((d) => d.kind === 'report' && d.effectiveDate),
      (d) => d.bodyId,
    );
    const bodies: TimelineBody[] = [];
    for (const { summary, head: context } of list) {
      if (!sees(user, summary.id)) continue;
      bodies.push({
        id: summary.id,
        title: summary.title,
        stateLabel: summary.state.label,
        start: context.startedOn ?? context.profile.start,
        started: context.startedOn !== null,
        approvedUntil: context.approvedUntil,
        expectedEnd: context.profile.expectedEnd ? termEndDate(context.profile.expectedEnd) : null,
        permanent: context.permanent,
        endedOn: context.endedOn,
        extensions: (extensions.get(summary.id) ?? []).map((e) => {
          const extension = { on: berlinDate(e.occurredAt), until: termEndDate(e.approvedUntil), decision: e.decision, replaces: e.replaces, withdrawn: e.withdrawn };
          return { ...extension, basis: extensionBasis(extension) };
        }),
        lapses: (lapses.get(summary.id) ?? []).map((l) => ({ from: berlinDate(l.expiredAt), to: l.resumedAt ? berlinDate(l.resumedAt) : null })),
        reports: (reports.get(summary.id) ?? []).map((d) => ({ date: d.effectiveDate!, label: d.label, status: d.status, overdue: d.overdue, state: deadlineState(d) })),
      });
    }
    return { svg: bodies.length ? timelineSvg(bodies, today) : '', bodies, pages, today };
  }

  async auditPage(query: { gremium?: string; stichtag?: string; kenntnisstand?: string }) {
    // The chooser needs ids and titles only.
    const [verification, list] = await Promise.all([this.audit.verify(), this.bodies.titles()]);
    let selected = null;
    if (query.gremium) {
      const body = list.find((b) => b.id === query.gremium);
      if (body) {
        const replay = await this.audit.replay(body.id);
        let asOf = null;
        let asOfError: string | null = null;
        if (query.stichtag || query.kenntnisstand) {
          try {
            const at = await this.audit.stateAt(body.id, { asOf: query.stichtag, asKnownAt: query.kenntnisstand }, { asOf: 'Stichtag', asKnownAt: 'Kenntnisstand' });
            const standings = standingsOfReports(at.context, await this.deadlines.reportDueDates(at.context.obligations));
            asOf = {
              ...at,
              // As the body page says it: the approved end, and apart from it the day a life that had ended by then ended.
              term: termText({ approvedUntil: approvedUntilAsWritten(at.context), permanent: at.context.permanent }),
              endedOn: at.context.endedOn,
              /** The reports as they stood then, each with its standing as the body page says it (late ones so named). */
              reports: at.context.obligations.map((o) => ({ label: obligationLabel(o, at.context.obligations), standing: standings[o.id] })),
              future: query.stichtag !== undefined && query.stichtag > this.today(),
              /** The mark of the event the answer stands on, where it fails its hash or chain check. */
              basedOnMark: tamperMarks(at.tampered).get(at.basedOn.eventId) ?? null,
              diagram: stateDiagramSvg(
                {
                  current: at.statePaths,
                  visited: replay.steps.filter((step) => step.version <= at.basedOn.version && step.allowed).flatMap((step) => statePaths(step.stateAfter)),
                },
                { id: 'as-of-diagram', title: `Zustand${query.stichtag ? ` am ${germanDate(query.stichtag)}` : ''}${query.kenntnisstand ? ` nach Kenntnisstand vom ${germanDate(query.kenntnisstand)}` : ''}` },
              ),
              transitions: transitionRows(),
            };
          } catch (error) {
            asOfError = error instanceof Error ? error.message : String(error);
          }
        }
        // Each step whose event fails its hash or chain check carries a mark of what is wrong (the verdict says it in full).
        const marks = tamperMarks(replay.tampered);
        selected = { body, replay: { ...replay, steps: replay.steps.map((step) => ({ ...step, tamperMark: marks.get(step.eventId) ?? null })) }, asOf, asOfError };
      }
    }
    // Bodies that share a title are told apart by their id, as in the register and the Beschlusskontrolle.
    return { verification, bodies: distinctLabels(list), selected, query, today: this.today() };
  }
}

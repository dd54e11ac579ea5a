import { Injectable } from '@nestjs/common';
import { BODY_MACHINE_ID, EVENT_LABELS, eventLabel, notYetPossible, obligationLabel, offeredEvents, openRequests, reportTitle, statePaths, type BodyContext, type OpenRequest, type PersistedBody, type Successor, type TermEnd } from '../../machines';
import { machineVersion, type MachineVersion } from '../audit/machine-versions';
import { replayRecords } from '../audit/replay';
import { isUnreadable } from '../audit/chain-verifier';
import { readCheckedStream } from '../audit/stream-integrity';
import type { EventRecord } from '../event-log/event-hash';
import { Clock } from '../common/clock';
import { groupBy } from '../common/group-by';
import { LifecycleRefusal, NotFoundError } from '../common/errors';
import { ContactsStore } from '../contacts/contacts.store';
import { Database, placeholders } from '../database/database';
import { pendingSystemEvents } from '../deadlines/pending-events';
import { DeadlinesService } from '../deadlines/deadlines.service';
import { backfillHold, backfillNotice } from '../deadlines/backfill-hold';
import { EventStore } from '../event-log/event-store';
import { contextHead, listHeadSql, obligationsSql, wholeContext, type ListHead } from '../event-log/stored-context';
import { replacementChains, replacingDecisions, type StandingReplacement } from '../decisions/replacements';

export interface BodyFilter {
  /** A state path: `active`, `active.term.expired`, `closed`, … */
  state?: string;
  /** Free text over title, short name, kind, parent, focus topic and lead members. */
  q?: string;
  /** Only the bodies whose registration names this contact person (a lead's own bodies). */
  contactId?: string;
  /** Only these bodies (e.g. the ones a lead leads). */
  ids?: readonly string[];
  /** At most this many bodies (a page), in the list's order (title, then id). */
  limit?: number;
  /** Skip this many bodies first (a numbered page of a web list). */
  offset?: number;
  /** The bodies after this one in the list's order (where the previous page ended). */
  after?: ListPosition;
}

/** A place in the list of bodies: its order is by title, then id. */
export interface ListPosition {
  title: string;
  id: string;
}

interface BodyListRow {
  id: string;
  state: string;
  /** The context head, or as much of it as the list shows (`ListHead`). */
  head: string;
  version: number;
  machine_version: number | string;
  created_at: string;
  updated_at: string;
}

/** When and why a decision was withdrawn. */
type Withdrawal = { at: string; actor: string; reason: string };

/** The read side of bodies: the projection rows, labelled for people. */
@Injectable()
export class BodiesService {
  constructor(
    private readonly db: Database,
    private readonly events: EventStore,
    private readonly contacts: ContactsStore,
    private readonly deadlines: DeadlinesService,
    private readonly clock: Clock,
  ) {}

  /** The list: each body as the list shows it, read without the rest of its context. */
  async list(filter: BodyFilter) {
    const rows = await this.listRows(filter, `${listHeadSql(this.db.kind)} AS head`);
    return rows.map((row) => summaryOf(row, JSON.parse(row.head) as ListHead));
  }

  /**
   * A page of the list: at most `filter.limit` bodies, and where the next page starts (null after
   * the last). Pages follow the bodies' order, not an offset: a body registered meanwhile shifts no
   * other body onto the next page or off it.
   */
  async page(filter: BodyFilter & { limit: number }) {
    const bodies = await this.list({ ...filter, limit: filter.limit + 1 });
    const shown = bodies.slice(0, filter.limit);
    const last = shown.at(-1);
    return { bodies: shown, next: bodies.length > filter.limit && last ? { title: last.title, id: last.id } : null };
  }

  /**
   * The list, each body with its context head (all of its context but the obligations): for a
   * view over all bodies that needs more of each than the list shows, without a query per body.
   */
  async listWithHeads(filter: BodyFilter) {
    const rows = await this.listRows(filter, 'context AS head');
    return rows.map((row) => {
      // The list needs no obligations: the head alone.
      const head = contextHead(row.head);
      return { summary: summaryOf(row, head), head };
    });
  }

  /** How many bodies the filter selects (its `limit` and `offset` aside). */
  async count(filter: BodyFilter): Promise<number> {
    const { where, params } = listWhere(filter);
    const [row] = await this.db.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM bodies ${where}`, params);
    return Number(row.n);
  }

  /** The ids of the bodies the filter selects (a search's hits, say), in no particular order. */
  async ids(filter: BodyFilter): Promise<string[]> {
    const { where, params } = listWhere(filter);
    return (await this.db.query<{ id: string }>(`SELECT id FROM bodies ${where}`, params)).map((row) => row.id);
  }

  /** The projection rows the filter selects, in the list's order, with `head` as given. */
  private async listRows(filter: BodyFilter, head: string): Promise<BodyListRow[]> {
    const { where, params } = listWhere(filter);
    // Limit and offset are part of the text (SQLite plans a bound LIMIT anew on every run).
    const limit = filter.limit === undefined ? '' : ` LIMIT ${Math.max(0, Math.floor(filter.limit))}`;
    const offset = filter.offset ? ` OFFSET ${Math.max(0, Math.floor(filter.offset))}` : '';
    return this.db.query<BodyListRow>(
      `SELECT id, state, ${head}, version, machine_version, created_at, updated_at FROM bodies ${where} ORDER BY title, id${limit}${offset}`,
      params,
    );
  }

  /** Every body's id and title, by title: for choosers and lookups that need no more (one light query, not the list). */
  /** Every body's title and status (the first state path: `active`, `closed`, …), by title. */
  async titles(): Promise<Array<{ id: string; title: string; status: string }>> {
    return this.db.query<{ id: string; title: string; status: string }>('SELECT id, title, status FROM bodies ORDER BY title, id');
  }

  /**
   * The bodies' extensions (their `extended` events) in the order they happened, by body id: one
   * query for all. Each with the decision it rests on now (`decision`): the one it cites, or, when
   * that was withdrawn and another took the event over, the last replacing one (`replaces`: the
   * cited number); `withdrawn` when that decision is withdrawn and nothing replaced it.
   */
  async extensions(
    bodyIds: readonly string[],
  ): Promise<Map<string, Array<{ bodyId: string; occurredAt: string; approvedUntil: TermEnd; decision: string | null; replaces: string | null; withdrawn: boolean }>>> {
    if (bodyIds.length === 0) return new Map();
    const rows = await this.db.query<{ body_id: string; version: number | string; occurred_at: string; data: string; decision: string | null }>(
      `SELECT body_id, version, occurred_at, data, decision FROM events WHERE type = 'extended' AND body_id IN (${placeholders(bodyIds)}) ORDER BY body_id, version`,
      [...bodyIds],
    );
    const cited = rows.map((row) => (row.decision ? (JSON.parse(row.decision) as { issuer: string; number: string }) : null));
    const standing = await this.standingDecisions(rows.flatMap((row, i) => (cited[i] ? [{ ...cited[i], bodyId: row.body_id, version: Number(row.version) }] : [])));
    const extensions = rows.map((row, i) => {
      const decision = cited[i];
      const now = decision ? standing(decision, row.body_id, Number(row.version)) : null;
      return {
        bodyId: row.body_id,
        occurredAt: row.occurred_at,
        approvedUntil: (JSON.parse(row.data) as { approvedUntil: TermEnd }).approvedUntil,
        decision: now?.replacedBy?.number ?? decision?.number ?? null,
        replaces: now?.replacedBy ? decision!.number : null,
        withdrawn: now ? (now.replacedBy ? now.replacedBy.withdrawn : now.withdrawn) !== null : false,
      };
    });
    return groupBy(extensions, (e) => e.bodyId);
  }

  /**
   * The bodies' lapses by body id: from each `termExpired` to the `extended` or `madePermanent`
   * that gave them a term again (null while none has), the business instants, one query for all.
   */
  async termLapses(bodyIds: readonly string[]): Promise<Map<string, Array<{ bodyId: string; expiredAt: string; resumedAt: string | null }>>> {
    if (bodyIds.length === 0) return new Map();
    const rows = await this.db.query<{ body_id: string; type: string; occurred_at: string }>(
      `SELECT body_id, type, occurred_at FROM events WHERE type IN ('termExpired', 'extended', 'madePermanent') AND body_id IN (${placeholders(bodyIds)}) ORDER BY body_id, version`,
      [...bodyIds],
    );
    const lapses: Array<{ bodyId: string; expiredAt: string; resumedAt: string | null }> = [];
    for (const row of rows) {
      const open = lapses.at(-1)?.bodyId === row.body_id && lapses.at(-1)?.resumedAt === null ? lapses.at(-1) : undefined;
      if (row.type === 'termExpired') {
        if (!open) lapses.push({ bodyId: row.body_id, expiredAt: row.occurred_at, resumedAt: null });
      } else if (open) {
        open.resumedAt = row.occurred_at;
      }
    }
    return groupBy(lapses, (l) => l.bodyId);
  }

  /**
   * One body. `contactDetails` adds each contact's e-mail and phone: for the secretariat and the
   * body's own leads, never for auditors (who read the history, not the address book) — see
   * docs/access.md. Readers see no contacts at all (the access interceptor drops them).
   */
  /** The withdrawals of the cited decisions that were withdrawn, by `issuer number`. */
  private async withdrawalsOf(cited: ReadonlyArray<{ issuer: string; number: string }>): Promise<Map<string, Withdrawal>> {
    if (cited.length === 0) return new Map();
    const numbers = [...new Set(cited.map((d) => d.number))];
    const rows = await this.db.query<{ issuer: string; number: string; withdrawn_at: string; withdrawn_by: string | null; withdrawal_reason: string }>(
      `SELECT issuer, number, withdrawn_at, withdrawn_by, withdrawal_reason FROM decisions WHERE withdrawn_at IS NOT NULL AND number IN (${numbers.map(() => '?').join(', ')})`,
      numbers,
    );
    return new Map(rows.map((r) => [`${r.issuer} ${r.number}`, { at: r.withdrawn_at, actor: r.withdrawn_by ?? '', reason: r.withdrawal_reason }]));
  }

  /**
   * How the decisions that body events cite stand now, per event: a cited decision's withdrawal
   * (null while it stands) and, when it was withdrawn, the decision that carries the event now
   * (`replacedBy`): the one that took it over (recorded again under the right number), or the last
   * of a chain of such (a replacing decision withdrawn and replaced in turn), with its date and its
   * own withdrawal (null: it stands); `replacedVia` the links of the chain before that one, in
   * order (each withdrawn and replaced by the next). Two queries, none when nothing cited was withdrawn.
   */
  private async standingDecisions(
    cited: ReadonlyArray<{ issuer: string; number: string }>,
  ): Promise<
    (decision: { issuer: string; number: string }, bodyId: string, version: number) => { withdrawn: Withdrawal | null; replacedBy: StandingReplacement | null; replacedVia: StandingReplacement[] }
  > {
    const withdrawals = await this.withdrawalsOf(cited);
    if (withdrawals.size === 0) return () => ({ withdrawn: null, replacedBy: null, replacedVia: [] });
    const chainOf = replacementChains(await replacingDecisions(this.db));
    return (decision, bodyId, version) => {
      const withdrawn = withdrawals.get(`${decision.issuer} ${decision.number}`) ?? null;
      const chain = withdrawn ? chainOf(decision, { bodyId, version }) : [];
      return { withdrawn, replacedBy: chain.at(-1) ?? null, replacedVia: chain.slice(0, -1) };
    };
  }

  async get(id: string, { contactDetails = false }: { contactDetails?: boolean } = {}) {
    const [row] = await this.db.query<BodyListRow & { obligations: string | null }>(
      `SELECT id, state, context AS head, ${obligationsSql()} AS obligations, version, machine_version, created_at, updated_at FROM bodies WHERE id = ?`,
      [id],
    );
    if (!row) throw new NotFoundError(`Gremium ${id} ist nicht registriert.`);
    const persisted: PersistedBody = { value: JSON.parse(row.state), context: wholeContext(row.head, row.obligations) };
    const machine = machineOf(row);
    const snapshot = machine.restore(persisted);
    const context: BodyContext = persisted.context;
    const contacts = await this.contacts.findMany(context.profile.contactIds);
    const decisions = await this.events.citedDecisions(id);
    const standing = await this.standingDecisions(decisions);
    const links = await this.links(row.id, context);
    const notYetRecorded = await pendingSystemEvents(this.db, id, this.clock.now().toISOString());
    const backfill = await backfillHold(this.db, id);
    const dueDates = await this.deadlines.reportDueDates(context.obligations);
    return {
      id: row.id,
      version: Number(row.version),
      title: context.profile.title,
      state: describeState(persisted, machine),
      allowedEvents: offeredEvents(snapshot).map((type) => ({ type, label: EVENT_LABELS[type] })),
      notYetPossible: notYetPossible(snapshot, dueDates).map(({ type, reason }) => ({ type, label: EVENT_LABELS[type], reason })),
      context,
      /**
       * Each report's name as pages and lists give it: a later period of a recurring series has no
       * title of its own in the context (the statechart opens it without one) and carries its series'.
       */
      reportNames: context.obligations.map((o) => ({ obligationId: o.id, title: reportTitle(o, context.obligations), label: obligationLabel(o, context.obligations) })),
      /**
       * Each report's Frist as the Fristen page and the body page read it (its effective date after
       * moves and the calendar rules), also once the body's life has ended and it has no Fristen any
       * more, with the day the report was handed in: what tells whether it came late.
       */
      reportDates: context.obligations.map((o) => ({ obligationId: o.id, effectiveDate: dueDates.get(o.id) ?? null, submittedOn: o.submittedOn })),
      contacts: contacts.map(({ id, name, organization, email, phone, erased }) =>
        contactDetails ? { id, name, organization, email, phone, erased } : { id, name, organization, erased },
      ),
      /**
       * The decisions the history cites: each with its own date (`date`) and the citing event's
       * (`occurredAt`), and when and why it was withdrawn since (what it ordered then rests on nothing,
       * unless a decision replacing it took the event over: `replacedBy`, the one that stands now at
       * the end of a chain of replacements, or the last one, withdrawn too, when none stands;
       * `replacedVia` the ones between, in order).
       */
      decisions: decisions.map((d) => ({ ...d, eventLabel: eventLabel(d.event), ...standing(d, id, d.version) })),
      ...links,
      /** Without a running scheduler (a local database) the stored state may lag behind the calendar. */
      notYetRecorded: notYetRecorded.map((p) => ({ ...p, label: eventLabel(p.type) })),
      /** Nacherfassung: while it runs, the scheduler records nothing for the body and sends no reminders. */
      backfill: backfill ? { ...backfill, notice: backfillNotice(backfill) } : null,
      registeredAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  /**
   * Predecessors and successors, both ways: the ones this body names (registered as successor of,
   * transferred or closed into) and the bodies that name it.
   */
  private async links(id: string, context: BodyContext): Promise<{ predecessors: Successor[]; successors: Successor[] }> {
    const rows = await this.db.query<{ id: string; title: string; context: string }>(
      'SELECT b.id, b.title, b.context FROM body_links l JOIN bodies b ON b.id = l.body_id WHERE l.linked_id = ? AND b.id <> ?',
      [id, id],
    );
    // Names of other bodies live in the profile and the successor: the heads are enough.
    const others = rows.map((r) => ({ id: r.id, title: r.title, context: contextHead(r.context) }));
    // Each body once: a successor named before it was registered (by name alone) is the same as
    // the registered body of that name that later names this one as its predecessor.
    const key = (s: Successor) => s.name.trim().toLowerCase();
    const unique = (list: Successor[]) => {
      const linked = new Set(list.filter((s) => s.bodyId).map(key));
      return list.filter((s, i) =>
        s.bodyId ? list.findIndex((o) => o.bodyId === s.bodyId) === i : !linked.has(key(s)) && list.findIndex((o) => !o.bodyId && key(o) === key(s)) === i,
      );
    };
    return {
      predecessors: unique([
        ...(context.profile.predecessors ?? []),
        ...others.filter((o) => o.context.successor?.bodyId === id).map((o) => ({ name: o.title, bodyId: o.id })),
      ]),
      successors: unique([
        ...(context.successor ? [context.successor] : []),
        ...others.filter((o) => o.context.profile.predecessors?.some((p) => p.bodyId === id)).map((o) => ({ name: o.title, bodyId: o.id })),
      ]),
    };
  }

  /** What waits for the secretariat on bodies that are established or active (see machines/requests.ts). */
  async openRequests(): Promise<Array<OpenRequest & { bodyId: string; title: string }>> {
    const rows = await this.db.query<{ id: string; title: string; context: string; obligations: string | null }>(
      `SELECT id, title, context, ${obligationsSql()} AS obligations FROM bodies WHERE status IN ('established', 'active') ORDER BY title, id`,
    );
    return rows
      .flatMap((row) => openRequests(wholeContext(row.context, row.obligations)).map((request) => ({ ...request, bodyId: row.id, title: row.title })))
      .sort((a, b) => a.since.localeCompare(b.since));
  }

  /**
   * The body's events with their German label and summary; each checked against its stored hash
   * and its predecessor (`intact`, and where it fails `tampering` says how): an event changed
   * in the database after it was recorded is shown as such, not as genuine.
   */
  async history(id: string) {
    const { events: stored, tampered } = await readCheckedStream(this.db, id);
    if (stored.length === 0) throw new NotFoundError(`Gremium ${id} ist nicht registriert.`);
    const unreadable = stored.find(isUnreadable);
    if (unreadable) {
      throw new LifecycleRefusal(`Die Geschichte lässt sich nicht zeigen: Version ${unreadable.version} wurde nach der Aufzeichnung verändert, ihr Inhalt ist nicht lesbar (GET /api/bodies/${id}/replay).`);
    }
    const events = stored as EventRecord[];
    const summaries = new Map(replayRecords(events).steps.map((step) => [step.version, step.summary]));
    const tampering = new Map(tampered.map((t) => [t.eventId, t.message]));
    return {
      bodyId: id,
      events: events.map((event) => ({
        ...event,
        label: EVENT_LABELS[event.type],
        summary: summaries.get(event.version) ?? '',
        intact: !tampering.has(event.id),
        tampering: tampering.get(event.id) ?? null,
      })),
    };
  }
}

/** Who sees a contact's e-mail and phone: the secretariat and leads (of their own bodies: the route sees to that). */
export function seesContactDetails(role: string): boolean {
  return role === 'secretariat' || role === 'lead';
}

/** The statechart version the body follows (its row says which): labels and allowed events are its. */
function machineOf(row: BodyListRow): MachineVersion {
  const machine = machineVersion(BODY_MACHINE_ID, Number(row.machine_version));
  if (!machine) throw new Error(`Gremium ${row.id} follows ${BODY_MACHINE_ID}@${row.machine_version}, which this build does not know`);
  return machine;
}

/** The WHERE clause (or nothing) of the bodies a filter selects, with its parameters. */
function listWhere(filter: BodyFilter): { where: string; params: string[] } {
  const where: string[] = [];
  const params: string[] = [];
  if (filter.state) {
    where.push('state_paths LIKE ?');
    params.push(`% ${filter.state} %`);
  }
  if (filter.q) {
    // The text as typed: `%` and `_` are letters here, not LIKE's wildcards.
    where.push(`search_text LIKE ? ESCAPE '\\'`);
    params.push(`%${filter.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  }
  if (filter.contactId !== undefined) {
    where.push('id IN (SELECT body_id FROM body_contacts WHERE contact_id = ?)');
    params.push(filter.contactId);
  }
  if (filter.ids) {
    where.push(filter.ids.length ? `id IN (${placeholders(filter.ids)})` : '1 = 0');
    params.push(...filter.ids);
  }
  if (filter.after) {
    // A row value: both databases search the index (title, id) from there (an OR of the two made SQLite scan it from the start).
    where.push('(title, id) > (?, ?)');
    params.push(filter.after.title, filter.after.id);
  }
  return { where: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}

/** A body as the list shows it, from its projection row and (part of) its context head. */
function summaryOf(row: BodyListRow, head: ListHead) {
  const { profile } = head;
  return {
    id: row.id,
    title: profile.title,
    shortName: profile.shortName,
    kind: profile.kind,
    parent: profile.parent,
    leads: profile.leads,
    state: describeState({ value: JSON.parse(row.state) as PersistedBody['value'] }, machineOf(row)),
    version: Number(row.version),
    approvedUntil: head.approvedUntil,
    approvedUntilAsWritten: head.approvedUntilAsWritten ?? null,
    permanent: head.permanent,
    endedOn: head.endedOn,
    updatedAt: row.updated_at,
  };
}

function describeState(persisted: Pick<PersistedBody, 'value'>, machine: MachineVersion) {
  return { value: persisted.value, label: machine.stateLabel(persisted), paths: statePaths(persisted.value) };
}

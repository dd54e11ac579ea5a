import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig, Issuer } from '../../config/configuration';
import { berlinDateTime, startOfBerlinDay } from '../../machines/dates';
import { APP_CONFIG } from '../common/common.module';
import { NotFoundError } from '../common/errors';
import { Database, type Queries, type SqlValue, type Transaction } from '../database/database';
import type { DecisionRow as RegisterRow } from '../decisions/decision-rows';
import { contextHead, type ContextHead } from '../event-log/stored-context';
import { filterCondition, isFiltered, listPage, offsetOf, type ListPage, type ListQuery } from './oparl-list';

export const OPARL_PATH = '/oparl/v1';
const SCHEMA = 'https://schema.oparl.org/1.1';
/** Vendor prefix of the attributes OParl has no field for (spec 3: "Herstellerspezifische Erweiterungen"). */
const VENDOR = 'gremienlauf';

type OParlObject = Record<string, unknown> & { id: string; type: string };

/** A Gremium becomes an Organization with its approval; drafts, rejected and withdrawn registrations never were one. */
const PUBLIC_STATES = ['established', 'active', 'closed', 'transferred', 'dissolved'];

interface BodyRow {
  id: string;
  title: string;
  context: string;
  created: string;
  modified: string;
}

/** A decision as the OParl objects need it: the register's columns, its id and the times of its stream. */
type DecisionRow = Pick<RegisterRow, 'number' | 'issuer' | 'decided_on' | 'procedure_kind' | 'session_number' | 'type' | 'title' | 'effects'> & {
  id: string;
  created: string;
  modified: string;
  deleted_at: string | null;
};

interface MeetingRow {
  kind: 'session' | 'umlaufverfahren';
  issuer: string;
  session_number: number | string | null;
  decision_id: string | null;
  reference: string | null;
  day: string;
  created: string;
  modified: string;
  deleted_at: string | null;
}

const DECISIONS = `SELECT id, number, issuer, decided_on, procedure_kind, session_number, type, title, effects,
  recorded_at AS created, updated_at AS modified, withdrawn_at AS deleted_at FROM decisions`;

/**
 * Every meeting: the sessions of the calendar (which keeps only the time of its last change,
 * so `created` is that too) and each decision taken by Umlaufverfahren, as a meeting of its own.
 */
const MEETINGS = `SELECT 'session' AS kind, issuer, number AS session_number, NULL AS decision_id, NULL AS reference, held_on AS day,
    recorded_at AS created, recorded_at AS modified, NULL AS deleted_at FROM sessions
  UNION ALL
  SELECT 'umlaufverfahren' AS kind, issuer, NULL AS session_number, id AS decision_id, number AS reference, decided_on AS day,
    recorded_at AS created, updated_at AS modified, withdrawn_at AS deleted_at FROM decisions WHERE procedure_kind = 'Umlaufverfahren'`;

/**
 * The OParl 1.1 read API over the register: System → Body (each issuer: IT-Planungsrat,
 * AL-Runde) → Organization (the issuer itself and each approved Gremium under it), Meeting
 * (sessions and Umlaufverfahren), Paper (each decision) with its Consultation. Public and
 * without personal data: no contact person, no actor, no e-mail address appears.
 *
 * Every request reads one committed state on a read view of its own, beside the write queue.
 * `created` and `modified` are the times the event log recorded; a withdrawn decision is a
 * deleted Paper (and Consultation, and Umlaufverfahren meeting).
 */
@Injectable()
export class OParlService {
  /** Bodies read at a time for the organization lists (each row holds the body's whole context). */
  bodyPage = 200;

  constructor(
    private readonly db: Database,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  system(origin: string): OParlObject {
    const base = origin + OPARL_PATH;
    return {
      id: base,
      type: `${SCHEMA}/System`,
      oparlVersion: `${SCHEMA}/`,
      name: 'Gremienlauf: Gremien und Beschlüsse des IT-Planungsrats und der AL-Runde',
      body: `${base}/body`,
      website: origin,
    };
  }

  bodies(origin: string, q: ListQuery): ListPage<OParlObject> {
    return pageOf(`${origin}${OPARL_PATH}/body`, q, configured(q, this.config.issuers.map((issuer) => this.bodyObject(origin, issuer))));
  }

  body(origin: string, id: string): OParlObject {
    return this.bodyObject(origin, this.issuer(id));
  }

  persons(origin: string, bodyId: string, q: ListQuery): ListPage<OParlObject> {
    this.issuer(bodyId);
    return pageOf(`${origin}${OPARL_PATH}/body/${enc(bodyId)}/person`, q, []);
  }

  /**
   * The issuer's own organization first, then each Gremium under it, oldest first. The parent
   * lies inside each body's context, so the bodies are read a page at a time and only the
   * requested page of organizations is kept.
   */
  async organizations(origin: string, bodyId: string, q: ListQuery): Promise<ListPage<OParlObject>> {
    const issuer = this.issuer(bodyId);
    const [from, to] = [offsetOf(q), offsetOf(q) + q.limit];
    const own = configured(q, [this.issuerOrganization(origin, issuer)]);
    const page = own.slice(from, to);
    let total = own.length;
    await this.db.read(async (view) => {
      for await (const row of this.publicBodies(view, q)) {
        const context = contextHead(row.context);
        if (context.profile.parent !== issuer.id) continue;
        if (total >= from && total < to) page.push(this.gremium(origin, row, context));
        total++;
      }
    });
    return listPage(`${origin}${OPARL_PATH}/body/${enc(bodyId)}/organization`, q, total, page);
  }

  async organization(origin: string, id: string): Promise<OParlObject> {
    const issuer = this.config.issuers.find((i) => i.id === id);
    if (issuer) return this.issuerOrganization(origin, issuer);
    const [row] = await this.db.query<BodyRow>(
      `SELECT id, title, context, created_at AS created, updated_at AS modified FROM bodies WHERE id = ? AND status IN (${PUBLIC_STATES.map(() => '?').join(', ')})`,
      [id, ...PUBLIC_STATES],
    );
    if (!row) throw new NotFoundError(`Keine Organisation ${id}.`);
    return this.gremium(origin, row, contextHead(row.context));
  }

  async papers(origin: string, bodyId: string, q: ListQuery): Promise<ListPage<OParlObject>> {
    const issuer = this.issuer(bodyId);
    const listUrl = `${origin}${OPARL_PATH}/body/${enc(bodyId)}/paper`;
    return this.db.read(async (view) => {
      const { total, rows } = await pageRows<DecisionRow>(view, `${DECISIONS} WHERE issuer = ?`, [issuer.id], 'created, id', q);
      const sessions = await knownSessions(view);
      return listPage(listUrl, q, total, rows.map((row) => this.paperObject(origin, row, sessions)));
    });
  }

  /** Vendor list: the decisions whose effects name this Gremium (OParl links no Paper to the organization it concerns). */
  async papersConcerning(origin: string, organizationId: string, q: ListQuery): Promise<ListPage<OParlObject>> {
    await this.organization(origin, organizationId);
    const listUrl = `${origin}${OPARL_PATH}/organization/${enc(organizationId)}/paper`;
    return this.db.read(async (view) => {
      const { sql, params } = filterCondition(q);
      // The LIKE narrows the rows; the parsed effects decide.
      const rows = (
        await view.query<DecisionRow>(`SELECT * FROM (${DECISIONS} WHERE effects LIKE ?) d WHERE ${sql} ORDER BY created, id`, [`%${organizationId}%`, ...params])
      ).filter((row) => effectBodies(row).includes(organizationId));
      const sessions = await knownSessions(view);
      const slice = rows.slice(offsetOf(q), offsetOf(q) + q.limit);
      return listPage(listUrl, q, rows.length, slice.map((row) => this.paperObject(origin, row, sessions)));
    });
  }

  async paper(origin: string, id: string): Promise<OParlObject> {
    return this.db.read(async (view) => this.paperObject(origin, await decisionById(view, id, 'Keine Drucksache'), await knownSessions(view)));
  }

  async consultation(origin: string, id: string): Promise<OParlObject> {
    return this.db.read(async (view) => this.consultationObject(origin, await decisionById(view, id, 'Keine Beratung'), await knownSessions(view)));
  }

  async meetings(origin: string, bodyId: string, q: ListQuery): Promise<ListPage<OParlObject>> {
    const issuer = this.issuer(bodyId);
    const listUrl = `${origin}${OPARL_PATH}/body/${enc(bodyId)}/meeting`;
    return this.db.read(async (view) => {
      // Sorted by what never changes: sessions by number, then Umlaufverfahren by their decision's id.
      const { total, rows } = await pageRows<MeetingRow>(view, `${MEETINGS}`, [], 'kind, session_number, decision_id', q, 'issuer = ?', [issuer.id]);
      return listPage(listUrl, q, total, rows.map((row) => this.meetingObject(origin, row)));
    });
  }

  async session(origin: string, issuerId: string, number: string): Promise<OParlObject> {
    const issuer = this.issuer(issuerId);
    const [row] = /^[1-9]\d{0,8}$/.test(number)
      ? await this.db.query<MeetingRow>(`SELECT * FROM (${MEETINGS}) m WHERE kind = 'session' AND issuer = ? AND session_number = ?`, [issuer.id, Number(number)])
      : [];
    if (!row) throw new NotFoundError(`Keine Sitzung ${number} von ${issuer.id}.`);
    return this.meetingObject(origin, row);
  }

  async umlaufverfahren(origin: string, decisionId: string): Promise<OParlObject> {
    const [row] = await this.db.query<MeetingRow>(`SELECT * FROM (${MEETINGS}) m WHERE kind = 'umlaufverfahren' AND decision_id = ?`, [decisionId]);
    if (!row) throw new NotFoundError(`Kein Umlaufverfahren ${decisionId}.`);
    return this.meetingObject(origin, row);
  }

  private issuer(id: string): Issuer {
    const issuer = this.config.issuers.find((i) => i.id === id);
    if (!issuer) throw new NotFoundError(`Keine Körperschaft ${id}; bekannt: ${this.config.issuers.map((i) => i.id).join(', ')}.`);
    return issuer;
  }

  /** The Gremien (approved bodies) the filters let through, oldest first, read `bodyPage` rows at a time. */
  private async *publicBodies(view: Queries, q: ListQuery): AsyncGenerator<BodyRow> {
    const { sql, params } = filterCondition(q);
    const source = `SELECT * FROM (SELECT id, title, context, created_at AS created, updated_at AS modified, NULL AS deleted_at FROM bodies
      WHERE status IN (${PUBLIC_STATES.map(() => '?').join(', ')})) b WHERE ${sql}`;
    const base = [...PUBLIC_STATES, ...params];
    let rows = await view.query<BodyRow>(`${source} ORDER BY created, id LIMIT ${this.bodyPage}`, base);
    while (rows.length > 0) {
      yield* rows;
      if (rows.length < this.bodyPage) return;
      const last = rows[rows.length - 1];
      rows = await view.query<BodyRow>(`${source} AND (created, id) > (?, ?) ORDER BY created, id LIMIT ${this.bodyPage}`, [...base, last.created, last.id]);
    }
  }

  private bodyObject(origin: string, issuer: Issuer): OParlObject {
    const base = `${origin}${OPARL_PATH}/body/${enc(issuer.id)}`;
    return {
      id: base,
      type: `${SCHEMA}/Body`,
      system: origin + OPARL_PATH,
      name: issuer.name,
      shortName: issuer.id,
      organization: `${base}/organization`,
      person: `${base}/person`,
      meeting: `${base}/meeting`,
      paper: `${base}/paper`,
      legislativeTerm: [],
    };
  }

  /** The issuer as the organization its Gremien belong to and its sessions are meetings of. */
  private issuerOrganization(origin: string, issuer: Issuer): OParlObject {
    return {
      id: `${origin}${OPARL_PATH}/organization/${enc(issuer.id)}`,
      type: `${SCHEMA}/Organization`,
      body: `${origin}${OPARL_PATH}/body/${enc(issuer.id)}`,
      name: issuer.name,
      shortName: issuer.id,
      organizationType: 'Gremium',
      meeting: `${origin}${OPARL_PATH}/body/${enc(issuer.id)}/meeting`,
    };
  }

  /** `context`: the row's head (the profile and the term; no obligations are needed). */
  private gremium(origin: string, row: BodyRow, context: ContextHead): OParlObject {
    const { profile } = context;
    const id = `${origin}${OPARL_PATH}/organization/${enc(row.id)}`;
    return {
      id,
      type: `${SCHEMA}/Organization`,
      body: `${origin}${OPARL_PATH}/body/${enc(profile.parent)}`,
      name: row.title,
      ...(profile.shortName ? { shortName: profile.shortName } : {}),
      organizationType: 'Gremium',
      classification: profile.kind,
      startDate: context.startedOn ?? profile.start,
      ...(context.endedOn ? { endDate: context.endedOn } : {}),
      subOrganizationOf: `${origin}${OPARL_PATH}/organization/${enc(profile.parent)}`,
      keyword: [profile.focusTopic],
      [`${VENDOR}:paper`]: `${id}/paper`,
      ...times(row),
    };
  }

  private paperObject(origin: string, row: DecisionRow, sessions: Set<string>): OParlObject {
    const id = `${origin}${OPARL_PATH}/paper/${enc(row.id)}`;
    if (row.deleted_at !== null) return deleted(id, 'Paper', row);
    return {
      id,
      type: `${SCHEMA}/Paper`,
      body: `${origin}${OPARL_PATH}/body/${enc(row.issuer)}`,
      name: row.title,
      reference: row.number,
      date: row.decided_on,
      paperType: row.type,
      consultation: [this.consultationObject(origin, row, sessions)],
      [`${VENDOR}:organization`]: [...new Set(effectBodies(row))].map((body) => `${origin}${OPARL_PATH}/organization/${enc(body)}`),
      ...times(row),
    };
  }

  /** The decision taken: by its issuer, in the session the calendar knows or by Umlaufverfahren. */
  private consultationObject(origin: string, row: DecisionRow, sessions: Set<string>): OParlObject {
    const id = `${origin}${OPARL_PATH}/consultation/${enc(row.id)}`;
    if (row.deleted_at !== null) return deleted(id, 'Consultation', row);
    const meeting =
      row.procedure_kind === 'Umlaufverfahren'
        ? `${origin}${OPARL_PATH}/meeting/umlaufverfahren/${enc(row.id)}`
        : row.session_number !== null && sessions.has(`${row.issuer}/${Number(row.session_number)}`)
          ? `${origin}${OPARL_PATH}/meeting/session/${enc(row.issuer)}/${Number(row.session_number)}`
          : null;
    return {
      id,
      type: `${SCHEMA}/Consultation`,
      paper: `${origin}${OPARL_PATH}/paper/${enc(row.id)}`,
      ...(meeting ? { meeting } : {}),
      organization: [`${origin}${OPARL_PATH}/organization/${enc(row.issuer)}`],
      authoritative: true,
      role: 'Beschlussfassung',
      ...times(row),
    };
  }

  private meetingObject(origin: string, row: MeetingRow): OParlObject {
    const issuer = this.config.issuers.find((i) => i.id === row.issuer);
    const session = row.kind === 'session';
    const id = session
      ? `${origin}${OPARL_PATH}/meeting/session/${enc(row.issuer)}/${Number(row.session_number)}`
      : `${origin}${OPARL_PATH}/meeting/umlaufverfahren/${enc(row.decision_id!)}`;
    if (row.deleted_at !== null) return deleted(id, 'Meeting', row);
    return {
      id,
      type: `${SCHEMA}/Meeting`,
      name: session
        ? `${Number(row.session_number)}. Sitzung: ${issuer?.name ?? row.issuer}`
        : `Umlaufverfahren ${row.reference}: ${issuer?.name ?? row.issuer}`,
      // The calendar and the register know the day only: the meeting starts at its beginning, Berlin time.
      start: berlinDateTime(startOfBerlinDay(row.day)),
      organization: [`${origin}${OPARL_PATH}/organization/${enc(row.issuer)}`],
      ...times(row),
    };
  }
}

/** A soft-deleted object (spec 2.8): id, type, created, `modified` (the withdrawal, the stream's last event), `deleted: true`. */
function deleted(id: string, type: string, row: { created: string; modified: string }): OParlObject {
  return { id, type: `${SCHEMA}/${type}`, ...times(row), deleted: true };
}

/** One page of a list already filtered, in memory. */
function pageOf(listUrl: string, q: ListQuery, matching: OParlObject[]): ListPage<OParlObject> {
  return listPage(listUrl, q, matching.length, matching.slice(offsetOf(q), offsetOf(q) + q.limit));
}

/** Objects of the configuration (System, Body, the issuers' organizations) carry no timestamps: a filtered list leaves them out. */
function configured(q: ListQuery, objects: OParlObject[]): OParlObject[] {
  return isFiltered(q) ? [] : objects;
}

/** `created` and `modified` in OParl's date-time form, from the stored instants. */
function times(row: { created: string; modified: string }): { created: string; modified: string } {
  return { created: berlinDateTime(row.created), modified: berlinDateTime(row.modified) };
}

/** One page of a row source (with `created`, `modified`, `deleted_at`) and the number of rows that match. */
async function pageRows<R>(
  view: Queries,
  source: string,
  sourceParams: SqlValue[],
  orderBy: string,
  q: ListQuery,
  where = '1 = 1',
  whereParams: SqlValue[] = [],
): Promise<{ total: number; rows: R[] }> {
  const filter = filterCondition(q);
  const from = `FROM (${source}) o WHERE ${where} AND ${filter.sql}`;
  const params = [...sourceParams, ...whereParams, ...filter.params];
  const [{ n }] = await view.query<{ n: number | string }>(`SELECT COUNT(*) AS n ${from}`, params);
  const rows = await view.query<R>(`SELECT * ${from} ORDER BY ${orderBy} LIMIT ? OFFSET ?`, [...params, q.limit, offsetOf(q)]);
  return { total: Number(n), rows };
}

async function decisionById(view: Queries, id: string, what: string): Promise<DecisionRow> {
  const [row] = await view.query<DecisionRow>(`${DECISIONS} WHERE id = ?`, [id]);
  if (!row) throw new NotFoundError(`${what} ${id}.`);
  return row;
}

/** The sessions the calendar knows, as `issuer/number`: a consultation links only to a meeting that exists. */
async function knownSessions(view: Queries): Promise<Set<string>> {
  const rows = await view.query<{ issuer: string; number: number | string }>('SELECT issuer, number FROM sessions');
  return new Set(rows.map((r) => `${r.issuer}/${Number(r.number)}`));
}

function effectBodies(row: DecisionRow): string[] {
  try {
    return (JSON.parse(row.effects) as Array<{ body?: unknown }>).map((e) => e.body).filter((b): b is string => typeof b === 'string');
  } catch {
    return [];
  }
}

const enc = encodeURIComponent;

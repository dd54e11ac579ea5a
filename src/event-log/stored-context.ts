/**
 * How a body's context is stored: the projection row's `context` column holds everything but the
 * report obligations (their key stays in its place with the value `null`), and `body_obligations`
 * holds one row per obligation (its position in the list and its JSON). A body may owe hundreds
 * of reports; an event changes one or none of them, so a write rewrites only the obligations that
 * changed instead of the whole context (about 170 KB with 800 obligations).
 *
 * Whoever needs a body's context reads it through this module: `OBLIGATIONS_SQL` as a column
 * beside `context`, then `wholeContext` or `wholeContextText`. Readers that need only the profile
 * or the term read the head alone with `contextHead`, whose type has no obligations.
 */
import type { BodyContext, ReportObligation } from '../../machines';
import type { Queries, SqlValue, Transaction } from '../database/database';

/** The stored head of a context: the obligations are in `body_obligations`. */
export type ContextHead = Omit<BodyContext, 'obligations'> & { obligations: null };

/** Where the head leaves the obligations' place (JSON.stringify writes no spaces). */
const PLACEHOLDER = '"obligations":null';

/**
 * A column expression: the body's obligations as their stored JSON texts joined by commas, in
 * list order (NULL without any). `bodies` is the alias (or table name) of the projection row.
 * `string_agg … ORDER BY` is understood by PostgreSQL and SQLite (3.44 and later).
 */
export function obligationsSql(bodies = 'bodies'): string {
  return `(SELECT string_agg(o.data, ',' ORDER BY o.position) FROM body_obligations o WHERE o.body_id = ${bodies}.id)`;
}

/**
 * `wholeContextText` as an SQLite expression over a row of `bodies`: the head with the stored
 * obligations put in its placeholder; NULL unless the head holds the placeholder exactly once
 * (then `wholeContextText` mends it).
 */
export const WHOLE_CONTEXT_SQLITE =
  `CASE WHEN length(context) - length(replace(context, '${PLACEHOLDER}', '')) = ${PLACEHOLDER.length} ` +
  `THEN replace(context, '${PLACEHOLDER}', '"obligations":[' || coalesce(${obligationsSql()}, '') || ']') END`;

/** The text the `context` column stores for a context. */
export function contextHeadText(context: BodyContext): string {
  // The spread keeps the key order, so the whole context reads back in its own order.
  return JSON.stringify({ ...context, obligations: null });
}

/** What a list of bodies shows of each head: a few fields of the profile and the term. */
export interface ListHead {
  profile: Pick<ContextHead['profile'], 'title' | 'shortName' | 'kind' | 'parent' | 'leads'>;
  approvedUntil: ContextHead['approvedUntil'];
  /** Null (or absent) where the decision wrote a day. */
  approvedUntilAsWritten?: ContextHead['approvedUntilAsWritten'] | null;
  permanent: boolean;
  endedOn: ContextHead['endedOn'];
}

const LIST_PROFILE_FIELDS = ['title', 'shortName', 'kind', 'parent', 'leads'] as const;
const LIST_TERM_FIELDS = ['approvedUntil', 'approvedUntilAsWritten', 'permanent', 'endedOn'] as const;

/**
 * A column expression over a row of `bodies`: the JSON text of its `ListHead`, picked out by the
 * database. A list of all bodies then carries a few hundred bytes per body instead of the whole
 * head (about 2.5 kB, mostly the registration's texts).
 */
export function listHeadSql(kind: 'sqlite' | 'postgres'): string {
  if (kind === 'sqlite') {
    const profile = LIST_PROFILE_FIELDS.map((f) => `'${f}', context -> '$.profile.${f}'`).join(', ');
    const term = LIST_TERM_FIELDS.map((f) => `'${f}', context -> '$.${f}'`).join(', ');
    return `json_object('profile', json_object(${profile}), ${term})`;
  }
  const profile = LIST_PROFILE_FIELDS.map((f) => `'${f}', c -> 'profile' -> '${f}'`).join(', ');
  const term = LIST_TERM_FIELDS.map((f) => `'${f}', c -> '${f}'`).join(', ');
  return `(SELECT jsonb_build_object('profile', jsonb_build_object(${profile}), ${term})::text FROM (SELECT bodies.context::jsonb AS c) head)`;
}

/** The head alone (profile, term, history): for readers that need no obligations. */
export function contextHead(head: string): ContextHead {
  return JSON.parse(head) as ContextHead;
}

/**
 * The whole context as JSON text, from the stored head and the obligations column
 * (`obligationsSql`): the obligations are put in their place without parsing anything. A head
 * that does not read as written here (altered by hand) is parsed; one that does not parse is
 * returned as it is, for verify to report.
 */
export function wholeContextText(head: string, obligations: string | null | undefined): string {
  const list = `[${obligations ?? ''}]`;
  const at = head.indexOf(PLACEHOLDER);
  if (at >= 0 && at === head.lastIndexOf(PLACEHOLDER)) {
    return `${head.slice(0, at)}"obligations":${list}${head.slice(at + PLACEHOLDER.length)}`;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(head);
  } catch {
    return head;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return head;
  return JSON.stringify({ ...parsed, obligations: JSON.parse(list) as unknown });
}

/** The whole context, parsed, from the stored head and the obligations column (`obligationsSql`). */
export function wholeContext(head: string, obligations: string | null | undefined): BodyContext {
  const context = JSON.parse(head) as BodyContext;
  context.obligations = JSON.parse(`[${obligations ?? ''}]`) as ReportObligation[];
  return context;
}

/** The whole context of one body as stored, or null for an unknown body. */
export async function storedContext(q: Queries, bodyId: string): Promise<BodyContext | null> {
  const [row] = await q.query<{ context: string; obligations: string | null }>(
    `SELECT context, ${obligationsSql()} AS obligations FROM bodies WHERE id = ?`,
    [bodyId],
  );
  return row ? wholeContext(row.context, row.obligations) : null;
}

/** Rows per multi-row statement (3 parameters each, well below either database's limit). */
const ROWS_PER_STATEMENT = 200;

/**
 * Brings the body's obligation rows from `previous` (what the rows hold now; null where that is
 * not known, e.g. for a new body) to `next`. Only the obligations that are not the very same
 * object as before are written: the reducers never change an obligation in place and keep the
 * ones an event does not touch, so an event writes one row or none. Rows past the end of `next`
 * are deleted.
 */
export function writeObligations(
  tx: Transaction,
  bodyId: string,
  previous: readonly ReportObligation[] | null,
  next: readonly ReportObligation[],
): void {
  const changed: number[] = [];
  for (let position = 0; position < next.length; position++) {
    if (previous?.[position] !== next[position]) changed.push(position);
  }
  for (let from = 0; from < changed.length; from += ROWS_PER_STATEMENT) {
    const positions = changed.slice(from, from + ROWS_PER_STATEMENT);
    const values: SqlValue[] = positions.flatMap((position) => [bodyId, position, JSON.stringify(next[position])]);
    tx.write(
      `INSERT INTO body_obligations (body_id, position, data) VALUES ${positions.map(() => '(?, ?, ?)').join(', ')}
       ON CONFLICT (body_id, position) DO UPDATE SET data = excluded.data`,
      values,
    );
  }
  if (previous === null || previous.length > next.length) {
    tx.write('DELETE FROM body_obligations WHERE body_id = ? AND position >= ?', [bodyId, next.length]);
  }
}

/**
 * OParl 1.1 external object lists (spec chapter "Objektlisten und Paginierung"): the URL
 * parameters every list takes, the SQL condition they make, and one list page with `data`,
 * `pagination` and `links` whose URLs keep the filters.
 */
import { z } from 'zod';
import { parseInput } from '../common/validation';
import { existingInstant } from '../common/time-input';
import type { SqlValue } from '../database/database';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

/** A full date-time with a zone (`2014-01-01T00:00:00+01:00` or `…Z`), as the filters require. */
const dateTime = z.string().transform((value, ctx) => {
  const instant = existingInstant(value);
  if (instant !== null) return instant;
  ctx.addIssue({ code: 'custom', message: 'Erwartet eine vollständige date-time mit Zeitzone, die es gibt, z. B. 2024-01-01T00:00:00+01:00.' });
  return z.NEVER;
});

const listQuerySchema = z.strictObject({
  created_since: dateTime.optional(),
  created_until: dateTime.optional(),
  modified_since: dateTime.optional(),
  modified_until: dateTime.optional(),
  /** The spec's update mechanism sends it; these lists embed nothing worth leaving out. */
  omit_internal: z.enum(['true', 'false']).optional(),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  limit: z.coerce.number().int().min(1).default(DEFAULT_PAGE_SIZE),
});

export interface ListQuery {
  createdSince?: string;
  createdUntil?: string;
  modifiedSince?: string;
  modifiedUntil?: string;
  omitInternal?: string;
  page: number;
  /** Capped at MAX_PAGE_SIZE: a client may not expect the server to follow its `limit`. */
  limit: number;
  /** The parameters as the client gave them, for the links of the other pages. */
  raw: Record<string, string>;
}

export function parseListQuery(query: unknown): ListQuery {
  const q = parseInput(listQuerySchema, query, 'query');
  const raw: Record<string, string> = {};
  for (const key of ['created_since', 'created_until', 'modified_since', 'modified_until', 'omit_internal'] as const) {
    const given = (query as Record<string, unknown>)[key];
    if (typeof given === 'string') raw[key] = given;
  }
  return {
    createdSince: q.created_since,
    createdUntil: q.created_until,
    modifiedSince: q.modified_since,
    modifiedUntil: q.modified_until,
    omitInternal: q.omit_internal,
    page: q.page,
    limit: Math.min(q.limit, MAX_PAGE_SIZE),
    raw,
  };
}

/** Whether the list has any of the four time filters. */
export function isFiltered(q: ListQuery): boolean {
  return Boolean(q.createdSince || q.createdUntil || q.modifiedSince || q.modifiedUntil);
}

/**
 * The WHERE condition of the filters over a row source with the columns `created`, `modified`
 * (ISO 8601 UTC instants, comparable as text) and `deleted_at`. Deleted objects are listed only
 * when `modified_since` is given (the update mechanism), never otherwise.
 */
export function filterCondition(q: ListQuery): { sql: string; params: SqlValue[] } {
  const parts: string[] = [];
  const params: SqlValue[] = [];
  const bound = (sql: string, value: string | undefined) => {
    if (value === undefined) return;
    parts.push(sql);
    params.push(value);
  };
  bound('created >= ?', q.createdSince);
  bound('created <= ?', q.createdUntil);
  bound('modified >= ?', q.modifiedSince);
  bound('modified <= ?', q.modifiedUntil);
  if (!q.modifiedSince) parts.push('deleted_at IS NULL');
  return { sql: parts.length ? parts.join(' AND ') : '1 = 1', params };
}

export interface ListPage<T> {
  data: T[];
  pagination: { totalElements: number; elementsPerPage: number; currentPage: number; totalPages: number };
  links: { first: string; prev?: string; self: string; next?: string; last: string };
}

/**
 * One page of a list of `total` elements. The links carry the client's filters and `limit` in
 * one canonical order (sorted by name); the first page has no `page` parameter.
 */
export function listPage<T>(listUrl: string, q: ListQuery, total: number, data: T[]): ListPage<T> {
  const totalPages = Math.max(1, Math.ceil(total / q.limit));
  const url = (page: number) => {
    const params: Record<string, string> = { ...q.raw };
    if (q.limit !== DEFAULT_PAGE_SIZE) params.limit = String(q.limit);
    if (page > 1) params.page = String(page);
    const search = Object.keys(params)
      .sort()
      .map((key) => `${key}=${encodeURIComponent(params[key])}`)
      .join('&');
    return search ? `${listUrl}?${search}` : listUrl;
  };
  return {
    data,
    pagination: { totalElements: total, elementsPerPage: q.limit, currentPage: q.page, totalPages },
    links: {
      first: url(1),
      ...(q.page > 1 ? { prev: url(Math.min(q.page - 1, totalPages)) } : {}),
      self: url(q.page),
      ...(q.page < totalPages ? { next: url(q.page + 1) } : {}),
      last: url(totalPages),
    },
  };
}

/** Offset of the page's first element. */
export function offsetOf(q: ListQuery): number {
  return (q.page - 1) * q.limit;
}

/**
 * Lists on the web pages a page at a time (`?seite=N`; on the Fristen page a parameter per list):
 * a register of a hundred bodies fits on one page, a register of thousands no longer makes one
 * page read and draw every body.
 */
import { ValidationError } from '../common/errors';

/** Rows (bodies, Fristen) on one page. */
export const PAGE_SIZE = 100;

/** The page asked for with the parameter `name` (`seite` unless a page lists several things): the first without it. */
export function pageNumber(value: string | undefined, name = 'seite'): number {
  if (value === undefined || value === '') return 1;
  if (!/^[1-9]\d{0,8}$/.test(value)) throw ValidationError.at(name, `„${value}“ ist keine Seitenzahl: erwartet wird eine ganze Zahl ab 1.`);
  return Number(value);
}

/** Where a page is, with the links to its neighbours (keeping the page's other parameters). */
export interface Pages {
  page: number;
  /** Pages, and rows on all of them. */
  count: number;
  rows: number;
  /** The first and last row shown, counted from 1 (0 and 0 without rows). */
  from: number;
  to: number;
  /** The index of the first row shown, for `slice` or an SQL `OFFSET`. */
  offset: number;
  previous: string | null;
  next: string | null;
}

/** Where the links of one of several lists on a page go: its own page parameter, and its section. */
export interface PagedList {
  param: string;
  anchor: string;
}

/**
 * The page `asked` of `rows` rows at `path`. A page past the last (the filter now matches fewer
 * bodies) is the last. `list` names the parameter and the section of one of several lists on
 * the page (the links keep the others' pages in `query`).
 */
export function pagesOf(path: string, query: Record<string, string | undefined>, asked: number, rows: number, list?: PagedList): Pages {
  const count = Math.max(1, Math.ceil(rows / PAGE_SIZE));
  const page = Math.min(asked, count);
  const href = (n: number) => {
    const params = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => Boolean(entry[1])));
    const param = list?.param ?? 'seite';
    if (n > 1) params.set(param, String(n));
    else params.delete(param);
    const text = params.toString();
    return `${text ? `${path}?${text}` : path}${list ? `#${list.anchor}` : ''}`;
  };
  const offset = (page - 1) * PAGE_SIZE;
  return {
    page,
    count,
    rows,
    from: rows === 0 ? 0 : offset + 1,
    to: Math.min(rows, page * PAGE_SIZE),
    offset,
    previous: page > 1 ? href(page - 1) : null,
    next: page < count ? href(page + 1) : null,
  };
}

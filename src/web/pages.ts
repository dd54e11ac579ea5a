/**
 * Lists on the web pages a page at a time (`?seite=N`): a register of a hundred bodies fits on
 * one page, a register of thousands no longer makes one page read and draw every body.
 */
import { ValidationError } from '../common/errors';

/** Rows (bodies) on one page. */
export const PAGE_SIZE = 100;

/** The page asked for with `seite`: the first without it. */
export function pageNumber(seite: string | undefined): number {
  if (seite === undefined || seite === '') return 1;
  if (!/^[1-9]\d{0,8}$/.test(seite)) throw ValidationError.at('seite', `„${seite}“ ist keine Seitenzahl: erwartet wird eine ganze Zahl ab 1.`);
  return Number(seite);
}

/** Where a page is, with the links to its neighbours (keeping the page's other parameters). */
export interface Pages {
  page: number;
  count: number;
  /** The first and last row shown, counted from 1 (0 and 0 without rows). */
  from: number;
  to: number;
  /** The index of the first row shown, for `slice` or an SQL `OFFSET`. */
  offset: number;
  previous: string | null;
  next: string | null;
}

/**
 * The page `asked` of `rows` rows at `path`. A page past the last (the filter now matches fewer
 * bodies) is the last.
 */
export function pagesOf(path: string, query: Record<string, string | undefined>, asked: number, rows: number): Pages {
  const count = Math.max(1, Math.ceil(rows / PAGE_SIZE));
  const page = Math.min(asked, count);
  const href = (n: number) => {
    const params = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => Boolean(entry[1])));
    if (n > 1) params.set('seite', String(n));
    const text = params.toString();
    return text ? `${path}?${text}` : path;
  };
  const offset = (page - 1) * PAGE_SIZE;
  return {
    page,
    count,
    from: rows === 0 ? 0 : offset + 1,
    to: Math.min(rows, page * PAGE_SIZE),
    offset,
    previous: page > 1 ? href(page - 1) : null,
    next: page < count ? href(page + 1) : null,
  };
}

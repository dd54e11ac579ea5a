import type { FieldIssue } from './errors';

/** The largest integer both databases store in an INTEGER column (PostgreSQL's int4). */
export const MAX_INTEGER = 2_147_483_647;

/**
 * How deep input may nest (a registration nests four levels). Every step after the parser walks
 * values recursively (this check, validation, canonical JSON, hashing): deeper input is refused
 * here, before any of them could run out of stack.
 */
export const MAX_DEPTH = 32;

/**
 * Where a value breaks I-JSON (RFC 7493) or our number bounds: NUL and the other control
 * characters but TAB, LF and CR, lone surrogates and noncharacters in any string (keys
 * included), numbers beyond ±MAX_INTEGER, and nesting deeper than MAX_DEPTH. Such text cannot
 * be stored alike on SQLite and PostgreSQL (which refuses NUL) nor hashed with RFC 8785 tooling,
 * so it never gets in. `path` names the value as the error message shows it (`title`,
 * `contacts[0].name`, `query.q`).
 */
export function iJsonIssues(value: unknown, path: string, issues: FieldIssue[] = [], depth = 0): FieldIssue[] {
  if (depth > MAX_DEPTH && value !== null && typeof value === 'object') {
    issues.push({ path: path || 'body', message: `Die Angaben sind tiefer als ${MAX_DEPTH} Ebenen verschachtelt.` });
  } else if (typeof value === 'string') {
    const problem = textProblem(value);
    if (problem) issues.push({ path: path || 'body', message: problem });
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value) || Math.abs(value) > MAX_INTEGER) {
      issues.push({ path: path || 'body', message: `Die Zahl ${value} liegt außerhalb des zulässigen Bereichs (−${MAX_INTEGER} bis ${MAX_INTEGER}).` });
    }
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => iJsonIssues(item, `${path}[${i}]`, issues, depth + 1));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      const keyProblem = textProblem(key);
      if (keyProblem) issues.push({ path: path || 'body', message: `Ein Feldname ist ungültig: ${keyProblem}` });
      else iJsonIssues(inner, path ? `${path}.${key}` : key, issues, depth + 1);
    }
  }
  return issues;
}

/** What is wrong with the text as German sentence, or null when it is I-JSON. */
export function textProblem(text: string): string | null {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) {
      if (code === 0x09 || code === 0x0a || code === 0x0d) continue;
      return `Enthält das Steuerzeichen ${hex(code)} an Stelle ${i + 1}; erlaubt sind nur Tabulator, Zeilenumbruch und Wagenrücklauf.`;
    }
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        const point = text.codePointAt(i)!;
        if ((point & 0xfffe) === 0xfffe) return nonCharacter(point, i);
        i++;
        continue;
      }
      return `Enthält ein einzelnes Surrogat ${hex(code)} an Stelle ${i + 1}, das kein Zeichen ist (I-JSON, RFC 7493).`;
    }
    if (code >= 0xdc00 && code <= 0xdfff) return `Enthält ein einzelnes Surrogat ${hex(code)} an Stelle ${i + 1}, das kein Zeichen ist (I-JSON, RFC 7493).`;
    if ((code >= 0xfdd0 && code <= 0xfdef) || code === 0xfffe || code === 0xffff) return nonCharacter(code, i);
  }
  return null;
}

function nonCharacter(point: number, index: number): string {
  return `Enthält das Nichtzeichen ${hex(point)} an Stelle ${index + 1} (I-JSON, RFC 7493).`;
}

function hex(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** One open object or array while `repeatedNameIssues` walks the text. */
interface Level {
  /** The member names seen so far; null in an array. */
  names: Set<string> | null;
  /** Where the walk stands in it: the current member's name, or the current element's index. */
  at: string | number;
  /** The names already reported as repeated here (each is named once). */
  reported?: Set<string>;
}

/**
 * Where JSON text names a member twice in one object (I-JSON, RFC 7493, § 2.3): JSON.parse
 * keeps the last value silently, so `{"title":"A","title":"B"}` would be read as one title, and
 * which one the sender meant is a guess. `path` names the repeated member (`data.title`,
 * `contacts[1].name`), once however often it repeats.
 *
 * Meant for text JSON.parse has just read (a request body, a CLI option): one pass over it that
 * skips each string with `indexOf` and keeps per open object the set of its names. Nothing is
 * parsed again; a name is decoded only where it holds an escape (`"t\u0069tle"` is `title`).
 */
export function repeatedNameIssues(text: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const levels: Level[] = [];
  let expectName = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22 /* " */) {
      const end = closingQuote(text, i);
      if (expectName) {
        const level = levels[levels.length - 1];
        const raw = text.slice(i + 1, end);
        const name = raw.includes('\\') ? (JSON.parse(text.slice(i, end + 1)) as string) : raw;
        if (!level.names!.has(name)) level.names!.add(name);
        else if (!level.reported?.has(name)) {
          (level.reported ??= new Set()).add(name);
          issues.push({ path: pathTo(levels, name), message: `Das Feld „${name}“ steht mehrmals in diesem Objekt; jeder Feldname darf nur einmal vorkommen (I-JSON, RFC 7493), sonst bliebe offen, welcher Wert gilt.` });
        }
        level.at = name;
        expectName = false;
      }
      i = end;
    } else if (code === 0x7b /* { */) {
      levels.push({ names: new Set(), at: '' });
      expectName = true;
    } else if (code === 0x5b /* [ */) {
      levels.push({ names: null, at: 0 });
    } else if (code === 0x7d /* } */ || code === 0x5d /* ] */) {
      levels.pop();
      expectName = false;
    } else if (code === 0x2c /* , */ && levels.length > 0) {
      const level = levels[levels.length - 1];
      if (level.names) expectName = true;
      else (level.at as number)++;
    }
  }
  return issues;
}

/** The index of the quote that closes the string opening at `open` (one not escaped by an odd run of backslashes). */
function closingQuote(text: string, open: number): number {
  let end = text.indexOf('"', open + 1);
  while (end !== -1) {
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === 0x5c /* \ */) backslashes++;
    if (backslashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
  return text.length;
}

/** `data.title`, `contacts[1].name`: the member `name` of the innermost open object. */
function pathTo(levels: Level[], name: string): string {
  let path = '';
  for (let depth = 0; depth < levels.length - 1; depth++) {
    const at = levels[depth].at;
    path += typeof at === 'number' ? `[${at}]` : path ? `.${at}` : at;
  }
  return path ? `${path}.${name}` : name;
}

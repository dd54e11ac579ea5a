import { countOf, germanNumber } from '../../machines';
import type { StreamKind } from '../audit/audit.service';
import type { TamperKind } from '../audit/stream-integrity';

/** What the stored hash chains hold, by what they record: the verdict line of the Prüfung page. */
export interface ChainCount {
  kind: StreamKind;
  events: number;
}

/**
 * „Alle 12 Ereignisse sind unverändert: 10 von 1 Gremium, 2 im Beschlussregister“: the chains
 * counted by what they record, as the offline verifier counts them, not as a bare number of
 * chains (a decision's chain is no body's).
 */
export function intactChainsText(streams: readonly ChainCount[]): string {
  const sum = (kind: ChainCount['kind']) => streams.filter((s) => s.kind === kind).reduce((n, s) => n + s.events, 0);
  const bodies = streams.filter((s) => s.kind === 'body').length;
  const parts = [
    bodies > 0 ? `${germanNumber(sum('body'))} von ${countOf(bodies, 'Gremium', 'Gremien')}` : null,
    sum('decision') > 0 ? `${germanNumber(sum('decision'))} im Beschlussregister` : null,
    sum('contact') > 0 ? `${countOf(sum('contact'), 'Berichtigung', 'Berichtigungen')} von Ansprechpersonen` : null,
    sum('auditLog') > 0 ? `${germanNumber(sum('auditLog'))} im Audit-Protokoll` : null,
  ].filter((part): part is string => part !== null);
  const total = streams.reduce((n, s) => n + s.events, 0);
  if (total === 0) return 'Noch keine Ereignisse.';
  const head = total === 1 ? 'Das Ereignis ist unverändert' : `Alle ${germanNumber(total)} Ereignisse sind unverändert`;
  return `${head}: ${parts.join(', ')}.`;
}

/**
 * How the Prüfung page marks an event that is not what was recorded, by what is wrong with it
 * (stream-integrity.ts): a few words in the replay's steps and beside the event a state as of a
 * date stands on, where the verdict and the warning say it in full.
 */
const TAMPER_MARKS: Record<TamperKind, string> = {
  content: 'verändert (Hash stimmt nicht)',
  unreadable: 'verändert (nicht lesbar)',
  start: 'Lücke davor (gelöscht)',
  gap: 'Lücke davor (gelöscht)',
  duplicate: 'Version doppelt',
  swapped: 'Reihenfolge vertauscht',
  link: 'Kette davor unterbrochen',
};

/** The mark of each event (by id) that fails its hash or chain check; events not named are intact. */
export function tamperMarks(tampered: ReadonlyArray<{ eventId: string; kind: TamperKind }>): Map<string, string> {
  return new Map(tampered.map((t) => [t.eventId, TAMPER_MARKS[t.kind]]));
}

/**
 * What a replay verdict other than „matches“, „diverges“ and „tampered“ says (one this code does not know
 * yet, e.g. added to the service later): the German `summary` and `message` fields of the
 * answer, of the objects in it and of the items of its lists, the steps and erasures aside.
 */
export function otherVerdictTexts(answer: object): string[] {
  const texts: string[] = [];
  const take = (value: unknown) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
    for (const key of ['summary', 'message'] as const) {
      const text = (value as Record<string, unknown>)[key];
      if (typeof text === 'string' && text.trim() !== '') texts.push(text);
    }
  };
  take(answer);
  for (const [key, value] of Object.entries(answer)) {
    if (key === 'steps' || key === 'erasures') continue;
    if (Array.isArray(value)) value.forEach(take);
    else take(value);
  }
  return [...new Set(texts)];
}

/** A problem of the chain check as the Prüfung page lists it: the body it concerns, if it has a title, and the text after the body's name. */
export interface ProblemLine {
  body: { id: string; title: string; shortId: string } | null;
  rest: string;
}

/**
 * A body a problem concerns named by its title and the start of its id where the message names
 * it by its whole id (`Gremium 0e59a1b2-…, Version 3 …` → `Gremium „Projektgruppe X“ (0e59a1b2…),
 * Version 3 …`); a message that names it otherwise follows the name. Other problems as they are.
 */
export function problemLine(problem: { stream: string | null; title: string | null; message: string }): ProblemLine {
  const { stream, title, message } = problem;
  if (stream === null || title === null) return { body: null, rest: message };
  const named = `Gremium ${stream}`;
  return { body: { id: stream, title, shortId: stream.slice(0, 8) }, rest: message.startsWith(named) ? message.slice(named.length) : `: ${message}` };
}

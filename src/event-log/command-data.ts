/**
 * What the data of a command must say beyond its event's schema (which the statechart owns, and
 * with it what recorded events accepted then): each contact person and member once, a change that
 * changes something. Pure; the write path, the registration and the decision register (whose
 * effects are commands written down ahead) ask the same rules.
 */
import { PROFILE_LABELS, describeTermEndWithDay, germanDate, openRequests, type BodyContext, type BodyEventType, type BodyProfile } from '../../machines';
import { ValidationError, type FieldIssue } from '../common/errors';
import { formatPath } from '../common/validation';
import { canonicalJson } from '../json/canonical-json';

/** The lists of a command that name contact persons by id, in the order their repeats are looked for. */
const CONTACT_ID_LISTS = ['contactIds', 'contacts', 'removedContactIds'] as const;

/** A contact person named again: where (zod's path segments) and what to say there. */
export interface RepeatedContact {
  path: Array<string | number>;
  message: string;
}

/**
 * Where a command names the same contact person twice: by id in `contactIds`, in `contacts`
 * (`{"id": …}`) and in `removedContactIds`, the three taken together. Each repeat is named at its
 * own field, with the field that named the person first (`at` prefixes that one as the error's
 * paths are prefixed, e.g. `data`). An id in capitals is the same person. Lists that are no
 * lists and ids that are no text are left to the schema.
 */
export function repeatedContacts(input: unknown, at = ''): RepeatedContact[] {
  if (typeof input !== 'object' || input === null) return [];
  const first = new Map<string, { where: string; removed: boolean }>();
  const repeats: RepeatedContact[] = [];
  for (const list of CONTACT_ID_LISTS) {
    const entries = (input as Record<string, unknown>)[list];
    if (!Array.isArray(entries)) continue;
    const removed = list === 'removedContactIds';
    entries.forEach((entry, i) => {
      const id = list === 'contacts' ? (entry as { id?: unknown } | null)?.id : entry;
      if (typeof id !== 'string') return;
      const path = list === 'contacts' ? [list, i, 'id'] : [list, i];
      const key = id.toLowerCase();
      const earlier = first.get(key);
      if (!earlier) {
        first.set(key, { where: `${at ? `${at}.` : ''}${list}[${i}]${list === 'contacts' ? '.id' : ''}`, removed });
        return;
      }
      const contradiction = earlier.removed !== removed ? '; sie kann nicht zugleich genannt und entfernt werden' : '';
      repeats.push({ path, message: `Diese Ansprechperson kommt bereits in ${earlier.where} vor${contradiction}.` });
    });
  }
  return repeats;
}

/**
 * What a command's event data must say beyond its schema (which the statechart owns, and with it
 * the recorded events: what they accepted then stays readable): no contact person twice, and a
 * participant change that names someone. `raw` is the data as sent, once its schema has read it.
 */
export function checkCommandData(type: BodyEventType, raw: unknown): void {
  const issues = commandDataIssues(type, raw);
  if (issues.length > 0) throw new ValidationError(issues);
}

/**
 * The issues `checkCommandData` raises, each at its path under `at` (`data`; a decision's effect
 * `effects[0].data`, so that it is refused where it is written down, not only when carried out).
 */
export function commandDataIssues(type: string, raw: unknown, at = 'data'): FieldIssue[] {
  const issues = [...repeatedContacts(raw, at), ...repeatedMembers(raw, at)].map(({ path, message }) => ({ path: formatPath(at, path), message }));
  if (type === 'participantsChanged') {
    const { participants, added = [], removed = [] } = (raw ?? {}) as { participants?: unknown; added?: unknown[]; removed?: unknown[] };
    if (participants === undefined && added.length + removed.length === 0) issues.push({ path: `${at}.added`, message: 'Keine Änderung angegeben.' });
  }
  return issues;
}

/** The lists of Länder and members a registration or a change names (whole lists, or what is added and removed). */
const MEMBER_LISTS = ['leads', 'participants', 'added', 'removed'] as const;

/**
 * Where a registration or a change of leads or participants names a member twice: in one list
 * (`leads: ["Hessen", "Hessen"]`), or as added and removed at once. Each repeat is named at its
 * own field with the one that named it first (`at` prefixes that one, e.g. `data`). Names are
 * compared as written, ignoring case and surrounding spaces; what is no list of text is left to
 * the schema.
 */
export function repeatedMembers(input: unknown, at = ''): Array<{ path: Array<string | number>; message: string }> {
  if (typeof input !== 'object' || input === null) return [];
  const repeats: Array<{ path: Array<string | number>; message: string }> = [];
  const changed = new Map<string, string>();
  for (const list of MEMBER_LISTS) {
    const entries = (input as Record<string, unknown>)[list];
    if (!Array.isArray(entries)) continue;
    const seen = list === 'added' || list === 'removed' ? changed : new Map<string, string>();
    entries.forEach((entry, i) => {
      if (typeof entry !== 'string') return;
      const key = entry.trim().toLowerCase();
      const earlier = seen.get(key);
      if (earlier === undefined) {
        seen.set(key, `${at ? `${at}.` : ''}${list}[${i}]`);
        return;
      }
      const contradiction = list === 'removed' && earlier.includes('added[') ? '; es kann nicht zugleich hinzukommen und ausscheiden' : '';
      repeats.push({ path: [list, i], message: `„${entry.trim()}“ steht bereits in ${earlier}${contradiction}.` });
    });
  }
  return repeats;
}

/** The events that exist to change a body's profile (Stammdaten). */
const PROFILE_CHANGES: ReadonlySet<BodyEventType> = new Set(['revised', 'renamed', 'leadsChanged', 'participantsChanged', 'reclassified']);

/** Profile lists whose order says nothing: the history summarises their change as members added and removed. */
const UNORDERED: ReadonlySet<string> = new Set(['leads', 'participants', 'contactIds']);

/**
 * Why a change event changes nothing (`before` and `after`: the profile before and after it, as
 * the statechart evolves it), or null when it changes something. Such an event would stand in
 * the history as a change ("Mitwirkung unverändert") that never happened; it is refused instead.
 * The chart is asked what the event does, so each version's own rules of adding and removing
 * count. Only new commands are judged: events recorded before are replayed as they are.
 */
export function unchangedProfile(type: BodyEventType, data: unknown, before: BodyProfile, after: BodyProfile): string | null {
  if (!PROFILE_CHANGES.has(type) || !sameProfile(before, after)) return null;
  switch (type) {
    case 'renamed':
      return `Keine Änderung: das Gremium heißt bereits „${before.title}“${before.shortName ? ` (${before.shortName})` : ''}.`;
    case 'leadsChanged':
      return `Keine Änderung: Federführung (${before.leads.join(', ')}) und Ansprechpersonen sind bereits dieselben.`;
    case 'participantsChanged':
      return `Keine Änderung: die Mitwirkung ist bereits dieselbe (${before.participants.join(', ') || 'niemand'}).`;
    case 'reclassified':
      return `Keine Änderung: das Gremium ist bereits ${before.kind} unter ${before.parent}.`;
    default: {
      const labels = new Set(Object.keys(data as object).flatMap((key) => (key === 'note' ? [] : [(PROFILE_LABELS as Record<string, string>)[key] ?? key])));
      return `Keine Änderung: die Registrierung hat bereits diese Angaben (${[...labels].join(', ')}).`;
    }
  }
}

function sameProfile(before: BodyProfile, after: BodyProfile): boolean {
  const b = before as unknown as Record<string, unknown>;
  const a = after as unknown as Record<string, unknown>;
  for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) {
    // The chart keeps what an event leaves alone as it was: the same value, nothing to compare.
    if (b[key] !== a[key] && canonical(key, b[key]) !== canonical(key, a[key])) return false;
  }
  return true;
}

/** A profile value compared by what it says: absent, null and an empty list alike; unordered lists sorted. */
function canonical(key: string, value: unknown): string {
  if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) return 'null';
  return canonicalJson(UNORDERED.has(key) && Array.isArray(value) ? [...(value as string[])].sort() : value);
}

/**
 * Why a lead's extension request repeats the one still open word for word (the same end, the same
 * justification), or null. A request with another end or justification replaces the open one (of
 * several unanswered requests only the latest is open); the very same again would only stand in
 * the history twice.
 */
export function repeatedRequest(type: BodyEventType, before: BodyContext, after: BodyContext): string | null {
  if (type !== 'extensionRequested' || !openRequests(before).some((request) => request.kind === 'extensionRequest')) return null;
  const open = before.extensionRequests?.at(-1);
  const made = after.extensionRequests?.at(-1);
  if (!open || !made || canonicalJson({ ...open, on: null }) !== canonicalJson({ ...made, on: null })) return null;
  return `Keine Änderung: der Antrag auf Verlängerung bis ${describeTermEndWithDay(open.asWritten ?? open.approvedUntil)} vom ${germanDate(open.on)} liegt mit dieser Begründung bereits offen vor.`;
}

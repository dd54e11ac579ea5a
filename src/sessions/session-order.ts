import { germanDate } from '../../machines';

/** A session as the checks see it: its number and day. */
export interface SessionDay {
  number: number;
  date: string;
}

/** A recorded decision taken in a session: its number and its own date. */
export interface DecisionDay {
  number: string;
  date: string;
}

/** How many decisions a refusal names before it only counts the rest. */
const NAMED_DECISIONS = 5;

const sitting = (s: SessionDay) => `${s.number}. Sitzung`;

/** `A`, `A und B`, `A, B und C`. */
function listed(parts: readonly string[]): string {
  return parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} und ${parts.at(-1)}`;
}

/**
 * Why `session` cannot be held on its day among the issuer's `others`, or null when it can.
 * Sessions are numbered in the order of their days: no session with a smaller number may lie
 * after it, none with a larger number before it. Two numbers on one day are allowed (two sessions
 * on one day are unusual, not impossible; a session over two days keeps one number). Names the
 * sessions it contradicts and the days that would fit, between the latest day of the smaller
 * numbers and the earliest day of the larger ones.
 */
export function outOfOrder(session: SessionDay, issuer: string, others: readonly SessionDay[]): string | null {
  let before: SessionDay | undefined;
  let after: SessionDay | undefined;
  for (const other of others) {
    if (other.number < session.number && (!before || other.date > before.date || (other.date === before.date && other.number > before.number))) before = other;
    if (other.number > session.number && (!after || other.date < after.date || (other.date === after.date && other.number < after.number))) after = other;
  }
  const tooLate = before !== undefined && before.date > session.date;
  const tooEarly = after !== undefined && after.date < session.date;
  if (!tooLate && !tooEarly) return null;
  const contradicted = [
    ...(tooLate ? [`die ${sitting(before!)} ist erst am ${germanDate(before!.date)}`] : []),
    ...(tooEarly ? [`die ${sitting(after!)} ist ${tooLate ? '' : 'aber '}schon am ${germanDate(after!.date)}`] : []),
  ];
  const fits =
    before && after
      ? before.date <= after.date
        ? ` Passend ist ein Tag vom ${germanDate(before.date)} (${sitting(before)}) bis zum ${germanDate(after.date)} (${sitting(after)}).`
        : ''
      : before
        ? ` Passend ist ein Tag ab dem ${germanDate(before.date)} (${sitting(before)}).`
        : ` Passend ist ein Tag bis zum ${germanDate(after!.date)} (${sitting(after!)}).`;
  return (
    `Die ${sitting(session)} (${issuer}) kann nicht am ${germanDate(session.date)} sein: Die Sitzungen zählen mit ihren Tagen aufwärts, ` +
    `${tooLate ? 'aber ' : ''}${listed(contradicted)}.${fits}`
  );
}

/**
 * Why `session` cannot be held on its day, given the recorded, not withdrawn decisions taken in it
 * on another day (`decisions`, in the order of their dates), or null when there are none. Names the
 * decisions with their dates, at most five, and counts the rest.
 */
export function contradictedByDecisions(session: SessionDay, issuer: string, decisions: readonly DecisionDay[]): string | null {
  if (decisions.length === 0) return null;
  const named = decisions.slice(0, NAMED_DECISIONS);
  const byDate = new Map<string, string[]>();
  for (const d of named) byDate.set(d.date, [...(byDate.get(d.date) ?? []), d.number]);
  const groups = [...byDate].map(([date, numbers]) => `${numbers.length === 1 ? `Beschluss ${numbers[0]}` : `die Beschlüsse ${listed(numbers)}`} am ${germanDate(date)}`);
  const rest = decisions.length - named.length;
  const more = rest > 0 ? ` (und ${rest} ${rest === 1 ? 'weiterer' : 'weitere'})` : '';
  const verb = decisions.length === 1 ? 'wurde' : 'wurden';
  return (
    `Die ${sitting(session)} (${issuer}) kann nicht am ${germanDate(session.date)} sein: ` +
    `Laut Beschlussregister ${verb} ${listed(groups)}${more} in ihr gefasst.`
  );
}

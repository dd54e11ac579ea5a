/**
 * The one column of an event row outside its hash: `decision_number`, the number of the decision
 * the event cites, kept beside the hashed `decision` so that a decision's citations are found by
 * an index. Whoever changes it by SQL moves an event to another decision in the Beschlusskontrolle
 * and in the decision's citations, while every hash still holds; verify compares it with the
 * hashed decision as the events go by.
 */
import { place } from './chain-verifier';
import { E, type EventTuple } from './event-tuple';
import type { AuditProblem } from './audit.service';

export class CitationColumnCheck {
  readonly problems: AuditProblem[] = [];

  /** Checks one event tuple (read with its `decision_number`). */
  check(tuple: EventTuple): void {
    const stored = tuple[E.decisionNumber] ?? null;
    const text = tuple[E.decision];
    if (stored === null && text === null) return;
    const cited = citedNumber(text);
    // Unreadable: the chain's check names the event as changed; the column's value says nothing then.
    if (cited === undefined || stored === cited) return;
    const stream = String(tuple[E.bodyId]);
    const version = Number(tuple[E.version]);
    const column = stored === null ? 'ist leer' : `nennt „${String(stored)}“`;
    const event = cited === null ? 'zitiert keinen Beschluss' : `zitiert den Beschluss ${cited}`;
    // The Beschlusskontrolle and a decision's citations find events by the column.
    const effect =
      stored === null
        ? `der Beschluss ${cited} und die Beschlusskontrolle führen es nicht als sein Zitat.`
        : cited === null
          ? `der Beschluss ${String(stored)} und die Beschlusskontrolle führen es als sein Zitat.`
          : `der Beschluss ${String(stored)} und die Beschlusskontrolle führen es als sein Zitat, nicht als eines des Beschlusses ${cited}.`;
    this.problems.push({
      area: 'projection',
      kind: 'citationDiverges',
      stream,
      version,
      eventId: String(tuple[E.id]),
      message:
        `${place(stream, version, String(tuple[E.type]))}: Die Spalte „decision_number“ ${column}, das Ereignis ${event}: ${effect}`,
    });
  }
}

/** The number in the stored decision's text; null without a decision, undefined where the text is unreadable. */
function citedNumber(text: unknown): string | null | undefined {
  if (text === null) return null;
  try {
    const number = (JSON.parse(String(text)) as { number?: unknown } | null)?.number;
    return typeof number === 'string' ? number : undefined;
  } catch {
    return undefined;
  }
}

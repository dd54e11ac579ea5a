import { berlinDate, germanDate, type CivilDate } from '../../machines/dates';
import type { ReportObligation } from '../../machines/body.context';
import { obligationLabel } from '../../machines/labels';
import type { Queries } from '../database/database';

/** The events on a period of a recurring report that open its next period (see `nextPeriod` in the chart). */
const OPENING_TYPES = ['reportSubmitted', 'reportWaived', 'reportDue', 'reportOverdue'];

/** Since version 3 a period falling due (or overdue) opens the next one; before, only handing it in or waiving it did. */
const opens = (type: string, machineVersion: number) => type === 'reportSubmitted' || type === 'reportWaived' || machineVersion >= 3;

/**
 * The day a later period of a recurring report began: the day of the event on the period before
 * it that opened it, read from the body's stream (the obligation does not keep it). A report
 * handed in opened it on the day it came in (`receivedOn`), where that was earlier than the day
 * it was recorded. Null for a report owed once and for a series' first period.
 */
export async function periodOpenedOn(tx: Queries, bodyId: string, obligation: ReportObligation, obligations: readonly ReportObligation[]): Promise<CivilDate | null> {
  if (!obligation.recurrence || (obligation.period ?? 1) < 2) return null;
  const series = obligation.series ?? obligation.id;
  const previous = obligations.find((o) => (o.series ?? o.id) === series && (o.period ?? 1) === (obligation.period ?? 1) - 1);
  if (!previous) return null;
  const rows = await tx.query<{ type: string; data: string; occurred_at: string; machine_version: number | string }>(
    `SELECT type, data, occurred_at, machine_version FROM events WHERE body_id = ? AND type IN (${OPENING_TYPES.map(() => '?').join(', ')}) ORDER BY version`,
    [bodyId, ...OPENING_TYPES],
  );
  for (const row of rows) {
    const data = JSON.parse(row.data) as { obligationId?: string; receivedOn?: CivilDate };
    if (data.obligationId !== previous.id || !opens(row.type, Number(row.machine_version))) continue;
    const on = berlinDate(row.occurred_at);
    return data.receivedOn !== undefined && data.receivedOn < on ? data.receivedOn : on;
  }
  return null;
}

/**
 * Why a later period's report cannot have come in on `receivedOn`: the period began only after
 * that day (`periodOpenedOn`). Null when it may have.
 */
export async function receivedBeforePeriod(tx: Queries, bodyId: string, obligationId: string, receivedOn: CivilDate, obligations: readonly ReportObligation[]): Promise<string | null> {
  const obligation = obligations.find((o) => o.id === obligationId);
  if (!obligation) return null;
  const opened = await periodOpenedOn(tx, bodyId, obligation, obligations);
  if (opened === null || receivedOn >= opened) return null;
  return (
    `Der Eingang des Berichts (${germanDate(receivedOn)}) liegt vor dem ${germanDate(opened)}, an dem die Berichtspflicht „${obligation.id}“ ` +
    `(${obligationLabel(obligation, obligations)}, ${obligation.period}. Berichtszeitraum) begann; ein Bericht für sie kann nicht früher eingegangen sein.`
  );
}

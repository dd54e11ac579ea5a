/**
 * The columns every hash-chained table has (events, decision_events, contact_events, audit_log),
 * as the database returns them: PostgreSQL may give numbers as strings.
 */
export interface ChainedRow {
  id: string;
  version: number | string;
  type: string;
  data: string;
  actor_id: string;
  actor_role: string;
  occurred_at: string;
  recorded_at: string;
  prev_hash: string | null;
  hash: string;
}

import { InitialSchema1764300000000 } from './1764300000000-initial-schema';
import { Audit1764304000000 } from './1764304000000-audit';
import { Deadlines1764305000000 } from './1764305000000-deadlines';
import { Access1764306000000 } from './1764306000000-access';
import { DecisionRegister1765300000000 } from './1765300000000-decision-register';
import { ImportedTitles1765200000000 } from './1765200000000-imported-titles';
import { IdempotencyKeys1765200001000 } from './1765200001000-idempotency-keys';
import { CalendarFeeds1765500000000 } from './1765500000000-calendar-feeds';
import { TimersByBody1765100000000 } from './1765100000000-timers-by-body';
import { TimersByDeadline1766500000000 } from './1766500000000-timers-by-deadline';
import { ContactEvents1766200000000 } from './1766200000000-contact-events';
import { BodyObligations1766900000000 } from './1766900000000-body-obligations';
import { DecisionRevisions1767500000000 } from './1767500000000-decision-revisions';
import { SessionsRevision1767500001000 } from './1767500001000-sessions-revision';
import { EventTimersByBody1767500002000 } from './1767500002000-event-timers-by-body';
import { BodyLinks1767600000000 } from './1767600000000-body-links';
import { BodyListPages1767700000000 } from './1767700000000-body-list-pages';
import { ProjectionHeads1767700001000 } from './1767700001000-projection-heads';
import { BodyTitlesById1767800000000 } from './1767800000000-body-titles-by-id';
import { DeadlinesMetOn1767900000000 } from './1767900000000-deadlines-met-on';
import { SessionEarlierDates1768000000000 } from './1768000000000-session-earlier-dates';
import { SigningKeys1768100000000 } from './1768100000000-signing-keys';
import { OutboxWithdrawn1768200000000 } from './1768200000000-outbox-withdrawn';
import { BackfillHolds1768300000000 } from './1768300000000-backfill-holds';
import { ReportFristLabels1768400000000 } from './1768400000000-report-frist-labels';
import { SessionAuditEntries1768500000000 } from './1768500000000-session-audit-entries';
import { ServiceInstances1768600000000 } from './1768600000000-service-instances';
import { ServiceInstanceCommand1768700000000 } from './1768700000000-service-instance-command';

/** Every migration, oldest first. A new one is added at the end, never edited once released. */
export const MIGRATIONS = [
  InitialSchema1764300000000,
  Audit1764304000000,
  Deadlines1764305000000,
  Access1764306000000,
  DecisionRegister1765300000000,
  ImportedTitles1765200000000,
  IdempotencyKeys1765200001000,
  CalendarFeeds1765500000000,
  TimersByBody1765100000000,
  TimersByDeadline1766500000000,
  ContactEvents1766200000000,
  BodyObligations1766900000000,
  DecisionRevisions1767500000000,
  SessionsRevision1767500001000,
  EventTimersByBody1767500002000,
  BodyLinks1767600000000,
  BodyListPages1767700000000,
  ProjectionHeads1767700001000,
  BodyTitlesById1767800000000,
  DeadlinesMetOn1767900000000,
  SessionEarlierDates1768000000000,
  SigningKeys1768100000000,
  OutboxWithdrawn1768200000000,
  BackfillHolds1768300000000,
  ReportFristLabels1768400000000,
  SessionAuditEntries1768500000000,
  ServiceInstances1768600000000,
  ServiceInstanceCommand1768700000000,
];

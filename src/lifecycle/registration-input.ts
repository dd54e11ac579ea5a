import { z } from 'zod';
import { germanDate, germanMonth, isCivilDate, registrationSchema, termEndDate, termEndSchema, type PlannedReport } from '../../machines';
import { businessTimeSchema } from '../common/time-input';
import { contactInputSchema } from '../contacts/contact-input';
import { repeatedContacts, repeatedMembers } from '../event-log/command-data';

/**
 * A registration as the API, the CLI and the form import send it: the registration form's
 * fields, with the contact persons given inline (`contacts`). The service records the contacts
 * in their own table and stores only their ids in the `registered` event.
 *
 * Built on the statechart's shape rather than on `registrationSchema` itself: its "end not before
 * the start" rule also fires on an end that is not a term end at all (`{"month":"07.2027"}`),
 * naming a second, false error. Here the dates are compared only once each is valid; the write
 * path parses `registrationSchema` afterwards all the same. A contact person named twice (in
 * `contactIds` and `contacts` together) is refused at the second mention.
 */
export const registrationInputSchema = z
  .strictObject({
    ...registrationSchema.shape,
    expectedEnd: termEndSchema.nullable().default(null),
    contacts: z.array(contactInputSchema).default([]),
  })
  .superRefine((registration, ctx) => {
    for (const { path, message } of [...repeatedContacts(registration), ...repeatedMembers(registration)]) ctx.addIssue({ code: 'custom', path, message });
    const start = registration.start;
    if (typeof start !== 'string' || !isCivilDate(start)) return;
    const end = registration.expectedEnd;
    if (end && termEndSchema.safeParse(end).success && termEndDate(end) < start) {
      ctx.addIssue({ code: 'custom', path: ['expectedEnd'], message: 'Das voraussichtliche Ende liegt vor dem Beginn der Tätigkeit.' });
    }
    (Array.isArray(registration.reports) ? registration.reports : []).forEach((report, i) => {
      const early = dueBeforeStart(report, start);
      if (early) ctx.addIssue({ code: 'custom', path: ['reports', i, 'due'], message: `${reportName(report)} wäre ${early}, vor dem Beginn der Tätigkeit am ${germanDate(start)}.` });
    });
  });
export type RegistrationInput = z.input<typeof registrationInputSchema>;

/**
 * When a planned report falls due before the body starts (`am 01.01.2025`), or null. Such a
 * Frist is overdue the moment the body starts: a slip of the date, not a plan. A session's day
 * is not known here; it is not checked.
 */
function dueBeforeStart(report: PlannedReport | undefined, start: string): string | null {
  const due = report?.due;
  if (!due) return null;
  if (due.kind === 'date' && isCivilDate(due.date) && due.date < start) return `am ${germanDate(due.date)} fällig`;
  if (due.kind === 'month' && /^\d{4}-\d{2}$/.test(due.month) && due.month < start.slice(0, 7)) return `im ${germanMonth(due.month)} fällig`;
  if (due.kind === 'firstSession' && Number.isInteger(due.year) && due.year < Number(start.slice(0, 4))) return `zur ersten Sitzung ${due.year} fällig`;
  return null;
}

/** `Der Zwischenbericht „Erster Zwischenbericht“`: the report as its messages name it. */
function reportName(report: PlannedReport): string {
  return `Der ${report.kind || 'Bericht'}${report.title ? ` „${report.title}“` : ''}`;
}

/** What `POST /api/bodies` takes: a registration and the business date it was registered on (default: now). */
export const registrationCommandSchema = registrationInputSchema.safeExtend({
  registeredAt: businessTimeSchema.optional().describe('Fachliches Datum der Registrierung (JJJJ-MM-TT) oder Zeitpunkt; Standard: jetzt'),
});

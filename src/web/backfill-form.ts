/**
 * Nacherfassung on the body page: the secretariat begins the hold of a body's deadline monitoring
 * while it enters the body's known past, and ends it afterwards (backfill.service.ts), each with
 * a reason that the audit log keeps.
 */
import { ValidationError, type FieldIssue } from '../common/errors';
import { errorList, field, fillForm, text, type FormItem, type FormValues } from './forms';

export type BackfillStep = 'begin' | 'end';

/** The form type a failed post comes back under (FormState.type). */
export const backfillFormType = (step: BackfillStep) => `backfill:${step}`;

const STEPS: Record<BackfillStep, { label: string; path: string; hint: string }> = {
  begin: {
    label: 'Nacherfassung beginnen',
    path: 'nacherfassung',
    hint: 'Warum die Fristenüberwachung ruhen soll, z. B. „bekannte Geschichte seit 2024 nacherfassen“. Bis zum Ende der Nacherfassung verbucht der Scheduler für dieses Gremium keine Ereignisse und schreibt keine Erinnerungen.',
  },
  end: {
    label: 'Nacherfassung beenden',
    path: 'nacherfassung/beenden',
    hint: 'Z. B. „bekannte Geschichte erfasst“. Danach holt der Scheduler nach, was nach der erfassten Geschichte fällig ist, jeweils zu seinem Fälligkeitsdatum.',
  },
};

/** The step the body offers: end while it is held, begin while its monitoring runs; none once its life has ended. */
export function backfillStep(held: boolean, ended: boolean): BackfillStep | null {
  if (held) return 'end';
  return ended ? null : 'begin';
}

/** The form of a step, filled with what a failed post sent and its errors at the fields. */
export function backfillForm(bodyId: string, step: BackfillStep, failed: { values: FormValues; issues: FieldIssue[]; message: string } | undefined) {
  const { label, path, hint } = STEPS[step];
  const formId = `nacherfassung-${step === 'begin' ? 'beginnen' : 'beenden'}`;
  const items: FormItem[] = [field('reason', 'Begründung', 'textarea', { required: true, rows: 3, hint })];
  const unplaced = fillForm(items, failed?.values ?? null, failed?.issues ?? []);
  return { formId, label, action: `/gremien/${bodyId}/${path}`, items, unplaced, open: Boolean(failed), message: failed?.message ?? null, errors: failed ? errorList(items, formId) : [] };
}

/** The post as BackfillService takes it; an empty reason is asked for at its field. */
export function backfillInput(values: FormValues): { reason: string } {
  const reason = text(values, 'reason');
  if (!reason) throw ValidationError.at('reason', 'Bitte eine Begründung angeben; sie wird im Audit-Protokoll festgehalten.');
  return { reason };
}

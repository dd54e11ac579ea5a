import { z } from 'zod';
import { berlinDate, civilDate, germanDate, type CivilDate } from '../../machines';
import type { FieldIssue } from '../common/errors';
import { parseInput } from '../common/validation';
import { PROCEDURES } from '../decisions/decisions.service';
import type { FormDecision } from '../registration-import/registration-form.parser';
import type { ImportOptions } from '../registration-import/registration-import.service';
import { procedureField, sessionField } from './decision-form';
import { field, fillForm, optional, type FormItem, type FormValues } from './forms';
import { MAX_INTEGER } from '../common/i-json';

/**
 * „Übernehmen und Beschluss anwenden“ on the page „Registrierungsformular übernehmen“: what the
 * import needs to know of the decision the form names beyond what the form says. A decision in
 * the register asks for nothing; one still to be recorded asks for its date and its procedure
 * (with the session's number) where the form is silent on them. The fields bear the names of the
 * import's options, so that its refusals land on them.
 */
export function applyDecisionForm(decision: FormDecision, recorded: boolean, values: FormValues | null, issues: FieldIssue[]) {
  const items: FormItem[] = [];
  if (!recorded) {
    if (!decision.date) items.push(field('decisionDate', 'Datum des Beschlusses', 'date', { required: true }));
    if (!decision.procedure) items.push(procedureField(), sessionField());
    else if (decision.procedure === 'Sitzung' && decision.session === undefined) items.push(sessionField(true));
  }
  const unplaced = formIssues(fillForm(items, values, issues));
  return { id: 'beschluss-anwenden', items, unplaced };
}

const applyOptions = z.strictObject({
  decisionDate: civilDate.optional(),
  procedure: z.enum(PROCEDURES).optional(),
  session: z.coerce.number().int().positive().max(MAX_INTEGER).optional(),
});

/** The form's post as the import's options: what was left empty is not given. */
export function applyDecisionOptions(values: FormValues): ImportOptions {
  const given = { decisionDate: optional(values, 'decisionDate'), procedure: optional(values, 'procedure'), session: optional(values, 'session') };
  return { applyDecision: true, ...parseInput(applyOptions, given) };
}

/** Where a refusal of the import with its decision concerns the form's text rather than a field here. */
const FORM_LABELS: Record<string, string> = {
  approvedUntil: 'Befristet bis',
  registeredAt: 'Registriert am',
  'data.note': 'Begründung und Erläuterung',
};

/** A refusal's issues no field here takes, named as the form's text names them (never by the API's parameters). */
export function formIssues(unplaced: FieldIssue[]): FieldIssue[] {
  return unplaced.map(({ path, message }) => ({ path: FORM_LABELS[path] ?? '', message }));
}

/** A decision of the register as the import page tells of it. */
export interface RecordedDecision {
  date: CivilDate;
  title: string;
  withdrawn: { at: string; reason: string } | null;
  /** What it already does, each effect with the title of its body: `Arbeitsgruppe X: Einrichten bis 30.09.2025`. */
  effects: string[];
}

/** Why a withdrawn decision cannot be applied: the page offers only the draft then. */
export function withdrawnDecisionText(decision: FormDecision, withdrawn: { at: string; reason: string }): string {
  return `Beschluss ${decision.number} wurde am ${germanDate(berlinDate(withdrawn.at))} zurückgenommen („${withdrawn.reason}“) und lässt sich nicht mehr anwenden; das Formular lässt sich nur als Entwurf übernehmen.`;
}

/** What „Übernehmen und Beschluss anwenden“ will do, in a sentence or two. */
export function applyDecisionText(decision: FormDecision, recorded: RecordedDecision | null, asks: boolean): string {
  // A decision in the register is amended by the import (an effect for the new body): told with what it is and does, so a mistyped number shows.
  const register = recorded
    ? `Beschluss ${decision.number} ist im Beschlussregister erfasst: „${recorded.title}“ vom ${germanDate(recorded.date)}, ` +
      (recorded.effects.length > 0 ? `mit den Wirkungen ${recorded.effects.map((e) => `„${e}“`).join(', ')}. ` : 'bisher ohne Wirkung. ') +
      'Er wird zitiert und im Beschlussregister um die Wirkung auf dieses Gremium ergänzt (als Berichtigung vermerkt).'
    : `Beschluss ${decision.number} ist noch nicht im Beschlussregister erfasst; er wird mit den Angaben des Formulars${asks ? ' und den folgenden' : ''} erfasst.`;
  const outcome = decision.outcome === 'rejected' ? 'abgelehnt' : 'eingerichtet';
  return `${register} Das Gremium wird registriert, eingereicht und ${outcome}, jeweils zum Datum des Beschlusses.`;
}

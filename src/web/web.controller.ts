import { Body, Controller, Get, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EVENT_LABELS, EVENT_TYPES, germanDate, isCivilDate, type BodyContext, type BodyEventType } from '../../machines';
import { AuthenticationRequired } from '../auth/access-denied';
import { Access, AUDIT_READ, BODY_EVENT, BODY_LIST, BODY_READ, CALENDAR_FEEDS, DEADLINES_READ, REGISTER_READ, SECRETARIAT_WRITE } from '../auth/access';
import { AuthService } from '../auth/auth.service';
import { PRINCIPAL, type WithPrincipal } from '../auth/principal';
import { BodiesService } from '../bodies/bodies.service';
import { CalendarFeedsService, type IssuedCalendarFeed } from '../calendar/calendar-feeds.service';
import { ConcurrencyConflict, DomainError, DuplicateError, LifecycleRefusal, NotFoundError, ValidationError, type FieldIssue } from '../common/errors';
import { ContactCorrectionService } from '../contacts/correction.service';
import { contactCorrectionInput, contactFormType } from './contact-form';
import { BackfillService } from '../backfill/backfill.service';
import { backfillFormType, backfillInput, type BackfillStep } from './backfill-form';
import { DecisionControlService } from '../decision-control/decision-control.service';
import { DecisionsService } from '../decisions/decisions.service';
import { datedAfterDecision } from '../decisions/register';
import { LifecycleService } from '../lifecycle/lifecycle.service';
import { decisionForm, decisionInput, effectForm, effectOf, factsForm, factsInput, replacementPreset, withdrawalForm } from './decision-form';
import { decisionHref } from './decision-control-page';
import { eventCommand, withDeadlineIssues, withTermEndIssues } from './event-forms';
import { optional, text, untrimmed, type FormValues } from './forms';
import { sessionForm, sessionInput } from './session-form';
import { SessionsService } from '../sessions/sessions.service';
import { Forbidden, Page, WebErrorFilter, statusOf } from './page';
import { eventsFor, mayRecordDecisions, mayRecordSessions, mayRegister, webUser, type WebUser } from './principal';
import { registrationForm, registrationInput } from './registration-form';
import { WebService } from './web.service';
import { effectRequirement, namesReport } from '../decisions/effect-labels';
import { applyDecisionForm, applyDecisionOptions, applyDecisionText, withdrawnDecisionText } from './apply-decision-form';
import { FormImportError, describeProblem } from '../registration-import/form-import.error';
import { formSummary } from '../registration-import/form-summary';
import type { ParsedRegistrationForm } from '../registration-import/registration-form.parser';
import type { ContactCandidate } from '../contacts/contact-match';
import { RegistrationImportService } from '../registration-import/registration-import.service';
import { pageNumber } from './pages';
import { WithoutIdempotencyKey } from '../common/idempotency-key';
import { IDEMPOTENCY_KEY, IdempotencyService, requestHash } from '../idempotency/idempotency.service';

type Request = FastifyRequest & WithPrincipal;

/** What a decision's page says after a form of it succeeded (`?erfolg=…`). */
const DECISION_NOTICES: Record<string, string> = {
  berichtigt: 'Die Angaben des Beschlusses wurden berichtigt.',
  wirkung: 'Die Wirkung wurde ergänzt.',
  zurueckgenommen: 'Der Beschluss wurde zurückgenommen.',
};

/** What the import page asks beside the form's text, carried through its preview: the Nacherfassung, and the day of the registration. */
interface ImportChoices {
  backfill: boolean;
  /** As entered (`YYYY-MM-DD`); null: the day of the decision applied with the form, else today. */
  registeredAt: string | null;
  /** The recorded persons chosen for the form's (fields `kontakt-NUMMER`), where the matching rule did not reuse them. */
  contacts: Array<{ number: number; id: string }>;
}

/**
 * The form's persons the secretariat may assign to a recorded one (those the rule did not reuse
 * but a recorded person bears the name of, and those chosen), each with its choices.
 */
function choosable(parsed: ParsedRegistrationForm): Array<{ field: string; label: string; options: Array<{ value: string; label: string; selected: boolean }> }> {
  const given = parsed.registration.contacts ?? [];
  return (parsed.contactMatches ?? []).flatMap((match, i) => {
    if (!match.candidates?.length) return [];
    const contact = given[i];
    const named = contact && 'name' in contact ? contact.name : (match.formName ?? '');
    const chosen = match.chosen ? match.id : undefined;
    const described = (c: ContactCandidate) => [c.name, c.organization, c.email].filter(Boolean).join(', ');
    return [
      {
        field: `kontakt-${i + 1}`,
        label: `Ansprechperson ${i + 1} des Formulars: ${named}`,
        options: [
          { value: '', label: 'neu erfassen', selected: chosen === undefined },
          ...match.candidates.map((c) => ({ value: c.id, label: `${described(c)} (erfasst)`, selected: c.id === chosen })),
        ],
      },
    ];
  });
}

/** The fields `kontakt-2` = id of a recorded person: the choices of „Ansprechpersonen zuordnen“ (an empty one: recorded anew). */
function contactChoices(values: FormValues): ImportChoices['contacts'] {
  return Object.entries(values)
    .map(([name, value]) => ({ number: /^kontakt-(\d{1,3})$/.exec(name)?.[1], id: typeof value === 'string' ? value.trim().toLowerCase() : '' }))
    .filter((c): c is { number: string; id: string } => c.number !== undefined && c.id !== '')
    .map((c) => ({ number: Number(c.number), id: c.id }))
    .sort((a, b) => a.number - b.number);
}

/**
 * The German web UI: server-rendered pages over the services the API uses; forms post back
 * here and answer with a redirect (303) or the same page with the errors next to the fields.
 * Each route declares its roles like the API routes it mirrors.
 */
@ApiExcludeController()
@UseFilters(WebErrorFilter)
@WithoutIdempotencyKey()
@Controller()
export class WebController {
  constructor(
    private readonly web: WebService,
    private readonly page: Page,
    private readonly lifecycle: LifecycleService,
    private readonly bodies: BodiesService,
    private readonly decisions: DecisionsService,
    private readonly control: DecisionControlService,
    private readonly auth: AuthService,
    private readonly feeds: CalendarFeedsService,
    private readonly idempotency: IdempotencyService,
    private readonly contacts: ContactCorrectionService,
    private readonly sessions: SessionsService,
    private readonly imports: RegistrationImportService,
    private readonly backfill: BackfillService,
  ) {}

  @Get()
  @Access(BODY_LIST)
  async overview(@Query() query: Record<string, string>, @Req() request: Request, @Res() reply: FastifyReply) {
    const user = await this.user(request);
    const filter = { q: query.q?.trim(), zustand: query.zustand, ampel: query.ampel, federfuehrung: query.federfuehrung };
    const model = await this.web.overview(filter, user, pageNumber(query.seite));
    this.page.send(reply, 'overview', { title: 'Übersicht', nav: 'uebersicht', user, canRegister: mayRegister(user), ...model });
  }

  @Get('gremien/neu')
  @Access(SECRETARIAT_WRITE)
  async newBody(@Req() request: Request, @Res() reply: FastifyReply) {
    await this.sendRegistration(reply, await this.user(request), null, []);
  }

  @Post('gremien')
  @Access(SECRETARIAT_WRITE)
  async register(@Body() posted: FormValues, @Req() request: Request, @Res() reply: FastifyReply) {
    const user = await this.user(request);
    const values = posted ?? {};
    try {
      const bodies = await this.web.bodyOptions();
      const next = await this.once(request, values, async (form) => {
        const result = await this.lifecycle.register(registrationInput(form, bodies), user.actor);
        return `/gremien/${result.bodyId}?erfolg=registriert`;
      });
      this.page.redirect(reply, next);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      await this.sendRegistration(reply, user, values, withTermEndIssues(values, issuesOf(error)), error, statusOf(error));
    }
  }

  /** „Registrierungsformular übernehmen“: the form's text pasted in, checked without storing anything, then registered as a draft. */
  @Get('gremien/formular')
  @Access(SECRETARIAT_WRITE)
  async formImport(@Req() request: Request, @Res() reply: FastifyReply) {
    this.sendFormImport(reply, await this.user(request), '', {});
  }

  @Post('gremien/formular')
  @Access(SECRETARIAT_WRITE)
  async importForm(@Body() posted: FormValues, @Req() request: Request, @Res() reply: FastifyReply) {
    const user = await this.user(request);
    const values = posted ?? {};
    // As pasted: the problems name the form's lines.
    const formText = untrimmed(values, 'formular');
    const step = text(values, 'schritt');
    const apply = step === 'anwenden';
    const choices: ImportChoices = {
      backfill: text(values, 'nacherfassung') !== '',
      registeredAt: optional(values, 'registeredAt') ?? null,
      contacts: contactChoices(values),
    };
    try {
      if (!formText.trim()) throw ValidationError.at('formular', 'Bitte den Text des ausgefüllten Registrierungsformulars einfügen.');
      if (choices.registeredAt !== null && !isCivilDate(choices.registeredAt)) {
        throw ValidationError.at('registeredAt', `„${choices.registeredAt}“ ist kein Datum; erwartet wird ein Tag wie 03.06.2024.`);
      }
      // „Prüfen“: what would be registered, told before the click that would be refused.
      if (step !== 'uebernehmen' && !apply) return this.sendFormImport(reply, user, formText, await this.checked(formText, choices), 200, choices);
      // Read first: an unreadable form is told line by line, before anything the decision's fields lack.
      if (apply) await this.imports.read(formText, applyDecisionOptions(values).decisionDate, choices.contacts);
      const next = await this.once(request, values, async (form) => {
        const options = {
          ...(apply ? applyDecisionOptions(form) : {}),
          ...(choices.backfill ? { backfill: true } : {}),
          ...(choices.registeredAt ? { registeredAt: choices.registeredAt } : {}),
          contacts: choices.contacts,
        };
        const result = await this.imports.import(untrimmed(form, 'formular'), options, user.actor);
        return apply && result.decision
          ? `/gremien/${result.id}?erfolg=uebernommen&beschluss=${encodeURIComponent(result.decision.number)}`
          : `/gremien/${result.id}?erfolg=registriert`;
      });
      this.page.redirect(reply, next);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      // A form whose title is registered already: the page links that body (the API's message names its options, which the page has not).
      const registered = error instanceof DuplicateError && Array.isArray(error.details.ids) ? { title: String(error.details.title), ids: error.details.ids as string[] } : null;
      // Refused with its decision: the preview again, each error at the field of the decision it concerns.
      if (apply && !registered && !(error instanceof FormImportError) && formText.trim()) {
        return this.sendFormImport(reply, user, formText, await this.checked(formText, choices, { values: values, error }), statusOf(error), choices);
      }
      this.sendFormImport(reply, user, formText, { error, registered }, statusOf(error), choices);
    }
  }

  /**
   * What „Prüfen“ shows: the form as read, the bodies registered under its title, and, when the
   * form names a decision, what applying it would take (with the errors of a refused attempt),
   * and whether „Registriert am“ (`registeredAt`) keeps it from being applied: a hint at the
   * decision, while the draft is taken over with that day all the same.
   */
  private async checked(formText: string, { registeredAt, contacts }: ImportChoices, failed?: { values: FormValues; error: DomainError }) {
    const parsed = await this.imports.read(formText, undefined, contacts);
    const ids = await this.imports.registeredAs(parsed.registration.title);
    const registered = ids.length > 0 ? { title: parsed.registration.title, ids } : null;
    const decision = registered ? undefined : parsed.decision;
    if (!decision) return { parsed, registered };
    const recorded = await this.imports.recordedDecision(decision);
    if (recorded?.withdrawn) return { parsed, registered, apply: { text: withdrawnDecisionText(decision, recorded.withdrawn), form: null, message: null, hint: null } };
    // Only a validation's issues have fields; any other refusal is its message (issuesOf guesses fields of event forms).
    const issues = failed?.error instanceof ValidationError ? failed.error.details : [];
    const form = applyDecisionForm(decision, recorded !== null, failed?.values ?? null, issues);
    const titles = new Map(recorded ? (await this.bodies.titles()).map((b) => [b.id, b.title]) : []);
    const told = recorded && {
      ...recorded,
      effects: await Promise.all(
        recorded.effects.map(
          async (e) => `${titles.get(e.body) ?? `Gremium ${e.body}`}: ${effectRequirement(e, namesReport(e) ? (await this.bodies.get(e.body)).context.obligations : null)}`,
        ),
      ),
    };
    return {
      parsed,
      registered,
      apply: {
        text: applyDecisionText(decision, told, form.items.length > 0),
        form,
        message: failed ? messageOf(failed.error) : null,
        // Not once more beside the refusal that says it.
        hint: registeredAt && !issues.some((i) => i.path === 'registeredAt') ? registeredAfterDecision(registeredAt, recorded?.date ?? decision.date ?? null) : null,
      },
    };
  }

  @Get('gremien/:id')
  @Access(BODY_READ)
  async body(@Param('id') id: string, @Query() query: Record<string, string>, @Req() request: Request, @Res() reply: FastifyReply) {
    const user = await this.user(request);
    const preset = query.beschluss && query.aktion ? { type: query.aktion, decision: query.beschluss } : undefined;
    const model = await this.web.body(id, user, undefined, preset);
    const event = (EVENT_TYPES as readonly string[]).includes(query.typ) ? `„${EVENT_LABELS[query.typ as BodyEventType]}“` : null;
    // A decision named in the address is echoed only when this body cites it (its latest citation).
    const applied = (model.body.decisions as Array<{ number: string; issuer: string; date: string; occurredAt: string }>).findLast((d) => d.number === query.beschluss);
    const amended = query.erfolg === 'uebernommen' && applied ? await this.amendedByImport(id, applied) : null;
    // A hold begun after the monitoring had recorded or sent something for the body says so: as of when it began.
    const held = model.body.backfill as { since: string } | null;
    const lateHold = query.erfolg === 'nacherfassung-begonnen' && held ? await this.backfill.recordedBefore(id, held.since) : null;
    const notice =
      query.erfolg === 'registriert'
        ? 'Das Gremium wurde als Entwurf registriert.'
        : query.erfolg === 'uebernommen' && applied && amended
          ? `Das Gremium wurde aus dem Registrierungsformular übernommen. ${amended} Aktueller Zustand: ${model.stateLabel}.`
        : query.erfolg === 'uebernommen' && applied
          ? `Das Gremium wurde aus dem Registrierungsformular übernommen und Beschluss ${applied.number} angewandt. Aktueller Zustand: ${model.stateLabel}.`
        : query.erfolg === 'nacherfassung-begonnen' && model.body.backfill
          ? `Die Nacherfassung hat begonnen: die Fristenüberwachung ruht, bis sie beendet wird.${lateHold ? ` ${lateHold.notice}` : ''}`
        : query.erfolg === 'nacherfassung-beendet' && !model.body.backfill
          ? 'Die Nacherfassung ist beendet: die Fristenüberwachung läuft wieder und holt nach, was seither fällig war.'
        : query.erfolg === 'ansprechperson'
          ? 'Die Berichtigung der Ansprechperson wurde gespeichert.'
        : query.erfolg === 'umgestellt' && model.machineVersion
          ? `Das Gremium folgt nun Version ${model.machineVersion} des Lebenslaufs. Aktueller Zustand: ${model.stateLabel}.`
          : query.erfolg === 'ereignis' && event
            ? `${event} wurde erfasst. Aktueller Zustand: ${model.stateLabel}.`
            : query.erfolg === 'umgesetzt' && event && applied
              ? `Beschluss ${applied.number} umgesetzt: ${event} wurde erfasst${laterThan(applied)}. Aktueller Zustand: ${model.stateLabel}.`
              : model.presetDecision
                ? `Beschluss ${model.presetDecision.number} wurde erfasst und ist im Formular „${model.presetDecision.action}“ ausgewählt.`
                : null;
    this.page.send(reply, 'body', { title: model.body.title, nav: 'uebersicht', user, notice, mayApply: mayRecordDecisions(user), ...model });
  }

  /**
   * What the import did to a decision the register held already, as the API's and the CLI's answer
   * say it: the decision as first recorded had no effect on this body, so the import added one
   * (noted as a correction). Null when the import recorded the decision itself.
   */
  private async amendedByImport(bodyId: string, cited: { number: string; issuer: string }): Promise<string | null> {
    const [{ events }, decision] = await Promise.all([this.decisions.history(cited.issuer, cited.number), this.decisions.get(cited.issuer, cited.number)]);
    const first = events[0];
    if (first?.type !== 'decisionRecorded' || first.data.effects.some((e) => e.body === bodyId)) return null;
    const effect = decision.effects.find((e) => e.body === bodyId);
    const what = effect ? `die Wirkung „${effectRequirement(effect, null)}“` : 'eine Wirkung';
    return (
      `Beschluss ${decision.number} war bereits erfasst („${decision.title}“ vom ${germanDate(decision.date)}); ${what} für dieses Gremium wurde ihm hinzugefügt ` +
      '(im Beschlussregister als Berichtigung vermerkt), er wurde zitiert und angewandt, nicht neu erfasst.'
    );
  }

  /** The event type comes in the form (`type`), where the access guard checks it against the role. */
  @Post('gremien/:id/ereignisse')
  @Access(BODY_EVENT)
  async event(@Param('id') id: string, @Body() values: FormValues, @Req() request: Request, @Res() reply: FastifyReply) {
    const user = await this.user(request);
    const form = values ?? {};
    const type = text(form, 'type');
    const body = await this.bodies.get(id);
    const offered = eventsFor(user, id, body.allowedEvents.map((e) => e.type));
    if (!(EVENT_TYPES as readonly string[]).includes(type)) throw new Forbidden('Diese Aktion gibt es nicht.');
    try {
      const next = await this.once(request, form, async (fields) => {
        await this.lifecycle.execute(eventCommand(id, type as BodyEventType, fields, body.context as BodyContext), user.actor);
        return `/gremien/${id}?erfolg=ereignis&typ=${encodeURIComponent(type)}#history`;
      });
      this.page.redirect(reply, next);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const own = offered.includes(type as BodyEventType);
      const failed = { type, values: form, issues: withDeadlineIssues(type, form, withTermEndIssues(form, issuesOf(error, type), 'data.')), message: messageOf(error) };
      const model = await this.web.body(id, user, own ? failed : undefined);
      this.page.send(
        reply,
        'body',
        { title: model.body.title, nav: 'uebersicht', user, notice: null, mayApply: mayRecordDecisions(user), pageError: own ? null : messageOf(error), ...model },
        statusOf(error),
      );
    }
  }

  /** The secretariat moves a body to the newest version of the chart, as `POST /api/bodies/:id/machine-upgrade` does. */
  @Post('gremien/:id/lebenslauf-umstellen')
  @Access(SECRETARIAT_WRITE)
  async upgradeMachine(@Param('id') id: string, @Body() values: FormValues, @Req() request: Request, @Res() reply: FastifyReply) {
    const user = await this.user(request);
    try {
      const next = await this.once(request, values ?? {}, async (form) => {
        const expected = optional(form, 'expectedVersion');
        await this.lifecycle.upgradeMachine({ bodyId: id, ...(expected ? { expectedVersion: Number(expected) } : {}) }, user.actor);
        return `/gremien/${id}?erfolg=umgestellt#history`;
      });
      this.page.redirect(reply, next);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const model = await this.web.body(id, user);
      this.page.send(
        reply,
        'body',
        { title: model.body.title, nav: 'uebersicht', user, notice: null, mayApply: mayRecordDecisions(user), pageError: `Nicht umgestellt: ${messageOf(error)}`, ...model },
        statusOf(error),
      );
    }
  }

  /** „Nacherfassung beginnen“: the secretariat holds the body's deadline monitoring, as `POST /api/bodies/:id/backfill` does. */
  @Post('gremien/:id/nacherfassung')
  @Access(SECRETARIAT_WRITE)
  async beginBackfill(@Param('id') id: string, @Body() values: FormValues, @Req() request: Request, @Res() reply: FastifyReply) {
    await this.backfillStep(id, 'begin', values, request, reply);
  }

  /** „Nacherfassung beenden“, as `POST /api/bodies/:id/backfill/end` does. */
  @Post('gremien/:id/nacherfassung/beenden')
  @Access(SECRETARIAT_WRITE)
  async endBackfill(@Param('id') id: string, @Body() values: FormValues, @Req() request: Request, @Res() reply: FastifyReply) {
    await this.backfillStep(id, 'end', values, request, reply);
  }

  private async backfillStep(id: string, step: BackfillStep, values: FormValues | undefined, request: Request, reply: FastifyReply) {
    const user = await this.user(request);
    try {
      const next = await this.once(request, values ?? {}, async (form) => {
        const input = backfillInput(form);
        await (step === 'begin' ? this.backfill.begin(id, input, user.actor) : this.backfill.end(id, input, user.actor));
        return `/gremien/${id}?erfolg=${step === 'begin' ? 'nacherfassung-begonnen' : 'nacherfassung-beendet'}#backfill`;
      });
      this.page.redirect(reply, next);
    } catch (error) {
      if (!(error instanceof DomainError) || error instanceof NotFoundError) throw error;
      const failed = { type: backfillFormType(step), values: values ?? {}, issues: issuesOf(error), message: messageOf(error) };
      const model = await this.web.body(id, user, failed);
      // A form the body no longer offers (begun or ended meanwhile): the refusal at the top of the page.
      const placed = model.backfillForm?.open === true;
      this.page.send(
        reply,
        'body',
        { title: model.body.title, nav: 'uebersicht', user, notice: null, mayApply: mayRecordDecisions(user), pageError: placed ? null : messageOf(error), ...model },
        statusOf(error),
      );
    }
  }

  /** The secretariat corrects a contact person the body names (recorded on the contact's chain). */
  @Post('gremien/:id/ansprechpersonen/:contactId')
  @Access(SECRETARIAT_WRITE)
  async correctContact(@Param('id') id: string, @Param('contactId') contactId: string, @Body() values: FormValues, @Req() request: Request, @Res() reply: FastifyReply) {
    const user = await this.user(request);
    const body = await this.bodies.get(id);
    if (!body.contacts.some((c) => c.id === contactId)) throw new NotFoundError(`Das Gremium nennt keine Ansprechperson ${contactId}.`);
    try {
      const next = await this.once(request, values ?? {}, async (form) => {
        await this.contacts.correct(contactId, contactCorrectionInput(form), user.actor);
        return `/gremien/${id}?erfolg=ansprechperson#registration`;
      });
      this.page.redirect(reply, next);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const failed = { type: contactFormType(contactId), values: values ?? {}, issues: issuesOf(error), message: messageOf(error) };
      const model = await this.web.body(id, user, failed);
      this.page.send(reply, 'body', { title: model.body.title, nav: 'uebersicht', user, notice: null, mayApply: mayRecordDecisions(user), ...model }, statusOf(error));
    }
  }

  /**
   * „Beschluss umsetzen“: one effect of a decision (issuer, number, effect index, body) through
   * the same path as `POST /api/decisions/:issuer/:number/apply`; back on the body's page.
   */
  @Post('beschluesse/umsetzen')
  @Access(SECRETARIAT_WRITE)
  async applyDecision(@Body() values: FormValues, @Req() request: Request, @Res() reply: FastifyReply) {
    const user = await this.user(request);
    const form = values ?? {};
    const bodyId = text(form, 'body');
    try {
      const next = await this.once(request, form, async (fields) => {
        const number = text(fields, 'number');
        const index = optional(fields, 'effect');
        const occurredAt = optional(fields, 'occurredAt');
        const result = await this.control.apply(
          text(fields, 'issuer'),
          number,
          { body: bodyId, ...(index !== undefined ? { effect: Number(index) } : {}), ...(occurredAt ? { occurredAt } : {}) },
          user.actor,
        );
        return `/gremien/${result.bodyId}?erfolg=umgesetzt&typ=${encodeURIComponent(result.event.type)}&beschluss=${encodeURIComponent(number)}#history`;
      });
      this.page.redirect(reply, next);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      // The refusal on the body's page, where the effect was offered; an unknown body is the error page.
      const model = await this.web.body(bodyId, user).catch(() => {
        throw error;
      });
      this.page.send(
        reply,
        'body',
        { title: model.body.title, nav: 'uebersicht', user, notice: null, mayApply: true, pageError: `Beschluss ${text(form, 'number')} wurde nicht umgesetzt: ${messageOf(error)}`, ...model },
        statusOf(error),
      );
    }
  }

  @Get('beschluesse/:issuer/:number')
  @Access(REGISTER_READ)
  async decisionPage(@Param('issuer') issuer: string, @Param('number') number: string, @Query() query: Record<string, string>, @Req() request: Request, @Res() reply: FastifyReply) {
    const notice = DECISION_NOTICES[query.erfolg ?? ''] ?? null;
    await this.sendDecision(reply, await this.user(request), issuer, number, { notice });
  }

  /** Adds an effect to a recorded decision: an amendment of its effects (the list so far plus this one), with the reason. */
  @Post('beschluesse/:issuer/:number/wirkungen')
  @Access(SECRETARIAT_WRITE)
  async addEffect(@Param('issuer') issuer: string, @Param('number') number: string, @Body() posted: FormValues, @Req() request: Request, @Res() reply: FastifyReply) {
    const user = await this.user(request);
    const values = posted ?? {};
    try {
      const next = await this.once(request, values, async (form) => {
        const current = await this.decisions.get(issuer, number);
        const effects = current.effects.map(({ body, effect, data }) => ({ body, effect, data }));
        const effect = effectOf(form, await this.web.obligationOptions(optional(form, 'effectBody')));
        await this.decisions.amend(issuer, number, { effects: [...effects, effect], reason: text(form, 'reason') }, user.actor);
        return `${decisionHref(current)}?erfolg=wirkung#wirkungen`;
      });
      this.page.redirect(reply, next);
    } catch (error) {
      if (!(error instanceof DomainError) || error instanceof NotFoundError) throw error;
      await this.sendDecision(reply, user, issuer, number, { effect: { values, error } }, statusOf(error));
    }
  }

  /** Corrects a recorded decision's facts (title, date, procedure, session, type): an amendment with its reason. */
  @Post('beschluesse/:issuer/:number/angaben')
  @Access(SECRETARIAT_WRITE)
  async correctFacts(@Param('issuer') issuer: string, @Param('number') number: string, @Body() posted: FormValues, @Req() request: Request, @Res() reply: FastifyReply) {
    const user = await this.user(request);
    const values = posted ?? {};
    try {
      const next = await this.once(request, values, async (form) => {
        const amended = await this.decisions.amend(issuer, number, factsInput(form), user.actor);
        return `${decisionHref(amended)}?erfolg=berichtigt`;
      });
      this.page.redirect(reply, next);
    } catch (error) {
      if (!(error instanceof DomainError) || error instanceof NotFoundError) throw error;
      await this.sendDecision(reply, user, issuer, number, { facts: { values, error } }, statusOf(error));
    }
  }

  @Post('beschluesse/:issuer/:number/zuruecknahme')
  @Access(SECRETARIAT_WRITE)
  async withdrawDecision(@Param('issuer') issuer: string, @Param('number') number: string, @Body() values: FormValues, @Req() request: Request, @Res() reply: FastifyReply) {
    const user = await this.user(request);
    try {
      const next = await this.once(request, values, async (form) => {
        const withdrawn = await this.decisions.withdraw(issuer, number, { reason: text(form, 'reason') }, user.actor);
        return `${decisionHref(withdrawn)}?erfolg=zurueckgenommen`;
      });
      this.page.redirect(reply, next);
    } catch (error) {
      if (!(error instanceof DomainError) || error instanceof NotFoundError) throw error;
      await this.sendDecision(reply, user, issuer, number, { withdrawal: { values: values ?? {}, error } }, statusOf(error));
    }
  }

  private async sendDecision(
    reply: FastifyReply,
    user: WebUser,
    issuer: string,
    number: string,
    state: {
      notice?: string | null;
      facts?: { values: FormValues; error: DomainError };
      effect?: { values: FormValues; error: DomainError };
      withdrawal?: { values: FormValues; error: DomainError };
    },
    status = 200,
  ) {
    const model = await this.web.decisionPage(issuer, number, user);
    const write = mayRecordDecisions(user) && !model.decision.withdrawn;
    const effectValues = state.effect?.values ?? null;
    const effectFields = { bodies: model.bodies, issuers: model.issuers, obligations: write ? await this.web.obligationOptions(optional(effectValues ?? {}, 'effectBody')) : null };
    this.page.send(
      reply,
      'decision',
      {
        title: `Beschluss ${model.decision.number}`,
        nav: 'beschluesse',
        user,
        notice: state.notice ?? null,
        ...model,
        factsForm: write ? factsForm(model.decision, state.facts?.values ?? null, state.facts?.error instanceof ValidationError ? state.facts.error.details : []) : null,
        factsMessage: state.facts ? messageOf(state.facts.error) : null,
        effectForm: write ? effectForm(effectValues, state.effect?.error instanceof ValidationError ? state.effect.error.details : [], effectFields) : null,
        effectMessage: state.effect ? messageOf(state.effect.error) : null,
        withdrawalForm: write ? withdrawalForm(state.withdrawal?.values ?? null, state.withdrawal?.error instanceof ValidationError ? state.withdrawal.error.details : []) : null,
        withdrawalMessage: state.withdrawal ? messageOf(state.withdrawal.error) : null,
      },
      status,
    );
  }

  @Get('beschlusskontrolle')
  @Access(DEADLINES_READ)
  async decisionControlPage(@Query() query: Record<string, string>, @Req() request: Request, @Res() reply: FastifyReply) {
    const user = await this.user(request);
    this.page.send(reply, 'decision-control', {
      title: 'Beschlusskontrolle',
      nav: 'beschlusskontrolle',
      user,
      mayApply: mayRecordDecisions(user),
      ...(await this.web.decisionControl(query, user)),
    });
  }

  @Get('beschluesse')
  @Access(REGISTER_READ)
  async decisionsPage(@Query() query: Record<string, string>, @Req() request: Request, @Res() reply: FastifyReply) {
    await this.sendDecisions(reply, await this.user(request), query, null, []);
  }

  @Post('beschluesse')
  @Access(SECRETARIAT_WRITE)
  async recordDecision(@Body() posted: FormValues, @Req() request: Request, @Res() reply: FastifyReply) {
    const user = await this.user(request);
    const values = posted ?? {};
    try {
      const back = await this.returnBody(values);
      const next = await this.once(request, values, async (form) => {
        const decision = await this.decisions.record(decisionInput(form, await this.web.obligationOptions(optional(form, 'effectBody'))), user.actor);
        // Recorded from an event form: back to it, with this decision chosen.
        const type = text(form, 'effectType');
        return back && type
          ? `/gremien/${back}?beschluss=${encodeURIComponent(decision.number)}&aktion=${encodeURIComponent(type)}#aktion-${encodeURIComponent(type)}-details`
          : `/beschluesse?erfasst=${encodeURIComponent(decision.number)}#register`;
      });
      this.page.redirect(reply, next);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      // A number already recorded is refused at „Beschlussnummer“, like any other field.
      const refusal = error instanceof DuplicateError && text(values, 'number') ? ValidationError.at('number', error.message) : error;
      await this.sendDecisions(reply, user, { zurueck: text(values, 'zurueck') }, values, issuesOf(refusal), refusal, statusOf(error));
    }
  }

  @Get('fristen')
  @Access(DEADLINES_READ)
  async deadlinesPage(@Req() request: Request, @Res() reply: FastifyReply) {
    await this.sendDeadlines(reply, request);
  }

  /** A new calendar subscription: the page shows its secret URL this once (never in a redirect). */
  @Post('fristen/abonnements')
  @Access(CALENDAR_FEEDS)
  async createFeed(@Body() values: FormValues, @Req() request: Request, @Res() reply: FastifyReply) {
    const gremium = optional(values ?? {}, 'gremium');
    const label = optional(values ?? {}, 'bezeichnung');
    try {
      const issued = await this.feeds.create(request[PRINCIPAL]!, { ...(gremium ? { bodyId: gremium } : {}), ...(label ? { label } : {}) });
      await this.sendDeadlines(reply, request, issued, null, 201);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      await this.sendDeadlines(reply, request, null, error.message, statusOf(error));
    }
  }

  @Post('fristen/abonnements/:id/widerrufen')
  @Access(CALENDAR_FEEDS)
  async revokeFeed(@Param('id') id: string, @Req() request: Request, @Res() reply: FastifyReply) {
    await this.feeds.revoke(request[PRINCIPAL]!, id);
    this.page.redirect(reply, '/fristen?widerrufen=1#abonnements');
  }

  /** A session entered or moved in the sessions calendar: the Fristen that cite it follow. */
  @Post('fristen/sitzungen')
  @Access(SECRETARIAT_WRITE)
  async recordSession(@Body() posted: FormValues, @Req() request: Request, @Res() reply: FastifyReply) {
    const user = await this.user(request);
    const values = posted ?? {};
    try {
      const next = await this.once(request, values, async (form) => {
        const { session, previousDate } = await this.sessions.record(sessionInput(form), user.actor);
        const moved = previousDate !== null && previousDate !== session.date;
        return `/fristen?sitzung=${encodeURIComponent(`${session.issuer}/${session.number}`)}${moved ? '&verlegt=1' : ''}#sitzungen`;
      });
      this.page.redirect(reply, next);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      await this.sendDeadlines(reply, request, null, null, statusOf(error), { values, issues: issuesOf(error) });
    }
  }

  private async sendDeadlines(
    reply: FastifyReply,
    request: Request,
    issued: IssuedCalendarFeed | null = null,
    feedError: string | null = null,
    status = 200,
    failedSession: { values: FormValues; issues: FieldIssue[] } | null = null,
  ) {
    const user = await this.user(request);
    const feeds = (await this.feeds.list(request[PRINCIPAL]!)).filter((f) => !f.revokedAt);
    const query = (request.query ?? {}) as FormValues;
    const list = await this.sessions.list();
    // The session just entered or moved (`?sitzung=IT-PLR/45`), as the calendar holds it: the page never repeats text from its address.
    const recorded = list.find((x) => `${x.issuer}/${x.number}` === optional(query, 'sitzung'));
    // Moved: the day it had last before, as the calendar keeps it.
    const movedFrom = recorded && optional(query, 'verlegt') ? (recorded.earlierDates.at(-1)?.date ?? null) : null;
    const what = recorded && (movedFrom ? `verlegt vom ${germanDate(movedFrom)} auf den ${germanDate(recorded.date)}` : `am ${germanDate(recorded.date)} eingetragen`);
    const sessions = {
      list,
      form: mayRecordSessions(user) ? sessionForm(this.web.issuerOptions(), failedSession?.values ?? null, failedSession?.issues ?? []) : null,
      notice: recorded
        ? `${recorded.number}. Sitzung (${recorded.issuer}) ${what}; die Fristen, die sich auf sie beziehen und noch nicht fällig waren, richten sich danach.`
        : null,
      // What the API answers besides the session (a day that is no working day), told from its day as the calendar holds it.
      warnings: recorded ? this.sessions.warningsFor(recorded.date) : [],
    };
    this.page.send(reply, 'deadlines', { title: 'Fristen', nav: 'fristen', user, feeds, issued, feedError, sessions, ...(await this.web.deadlinesPage(user, query)) }, status);
  }

  @Get('zeitleiste')
  @Access(BODY_LIST)
  async timelinePage(@Query() query: Record<string, string>, @Req() request: Request, @Res() reply: FastifyReply) {
    const user = await this.user(request);
    const model = await this.web.timeline(user, pageNumber(query.seite));
    this.page.send(reply, 'timeline', { title: 'Zeitleiste', nav: 'zeitleiste', user, ...model });
  }

  @Get('pruefung')
  @Access(AUDIT_READ)
  async auditPage(@Query() query: Record<string, string>, @Req() request: Request, @Res() reply: FastifyReply) {
    const user = await this.user(request);
    const q = {
      gremium: optional(query as FormValues, 'gremium'),
      stichtag: optional(query as FormValues, 'stichtag'),
      kenntnisstand: optional(query as FormValues, 'kenntnisstand'),
    };
    // A date that is none is a 400 with the error alone: no state is looked up, no heading names the date.
    const dateErrors = [dayIssue('Stichtag', q.stichtag), dayIssue('Kenntnisstand', q.kenntnisstand)].filter((issue): issue is string => issue !== null);
    if (dateErrors.length > 0) {
      const page = await this.web.auditPage({ gremium: q.gremium });
      this.page.send(reply, 'audit', { title: 'Prüfung', nav: 'pruefung', user, ...page, query: q, dateErrors }, 400);
      return;
    }
    this.page.send(reply, 'audit', { title: 'Prüfung', nav: 'pruefung', user, ...(await this.web.auditPage(q)), dateErrors });
  }

  /**
   * Runs a form's command once per hidden `idempotencyKey` (a double click lands on the same
   * page, and nothing happens twice); `run` gets the form without the key and returns where to
   * go next. A form without a key just runs.
   */
  private once(request: Request, values: FormValues | undefined, run: (form: FormValues) => Promise<string>): Promise<string> {
    const { idempotencyKey, ...form } = values ?? {};
    const key = typeof idempotencyKey === 'string' ? IDEMPOTENCY_KEY.exec(idempotencyKey)?.[1] : undefined;
    const principal = request[PRINCIPAL];
    if (!key || !principal) return run(form);
    return this.idempotency.remember({ principal: principal.userId, key: `web:${key}`, requestHash: requestHash(request.method, request.url, form) }, () => run(form));
  }

  private async user(request: Request): Promise<WebUser> {
    const principal = request[PRINCIPAL];
    if (!principal) throw new AuthenticationRequired('no authenticated principal');
    return webUser(principal, principal.role === 'lead' ? await this.auth.bodiesLedBy(principal) : null);
  }

  private async sendRegistration(reply: FastifyReply, user: WebUser, values: FormValues | null, issues: FieldIssue[], error?: DomainError, status = 200) {
    const form = registrationForm(this.web.issuerOptions(), values, issues, await this.web.bodyOptions());
    this.page.send(
      reply,
      'register',
      { title: 'Gremium registrieren', nav: 'registrieren', user, form, message: error ? messageOf(error) : null },
      status,
    );
  }

  /**
   * The import page: the text as sent, and what checking it gave (the form read, the error, the
   * bodies registered under its title); `backfill` whether „Nacherfassung“ was chosen.
   */
  private sendFormImport(
    reply: FastifyReply,
    user: WebUser,
    formText: string,
    {
      parsed = null,
      error,
      registered = null,
      apply = null,
    }: { parsed?: ParsedRegistrationForm | null; error?: DomainError; registered?: { title: string; ids: string[] } | null; apply?: ApplyModel | null },
    status = 200,
    { backfill, registeredAt, contacts }: ImportChoices = { backfill: false, registeredAt: null, contacts: [] },
  ) {
    this.page.send(
      reply,
      'form-import',
      {
        title: 'Registrierungsformular übernehmen',
        nav: 'registrieren',
        user,
        text: formText,
        summary: parsed ? formSummary(parsed).filter(([, value]) => value !== null) : null,
        warnings: parsed?.warnings ?? [],
        problems:
          error instanceof FormImportError
            ? error.problems.map(describeProblem)
            : error instanceof ValidationError
              ? error.details.map((d) =>
                  d.path === 'registeredAt'
                    ? `Registriert am: ${d.message}`
                    : d.path === 'contact'
                      ? `Ansprechpersonen zuordnen: ${d.message}`
                      : d.path && d.path !== 'formular'
                        ? `${d.path}: ${d.message}`
                        : d.message,
                )
              : [],
        message: error && !(error instanceof FormImportError || error instanceof ValidationError || registered) ? messageOf(error) : null,
        registered,
        apply,
        backfill,
        registeredAt,
        contactChoices: parsed ? choosable(parsed) : [],
        // Carried by the preview's buttons, as chosen.
        chosenContacts: Object.fromEntries(contacts.map((c) => [`kontakt-${c.number}`, c.id])),
      },
      status,
    );
  }

  /** The body an event form sent the user from to record a decision (`zurueck`), if it is a registered one. */
  private async returnBody(values: FormValues | undefined): Promise<string | null> {
    const id = text(values ?? {}, 'zurueck');
    if (!id) return null;
    return (await this.web.bodyOptions()).some((b) => b.value === id) ? id : null;
  }

  private async sendDecisions(
    reply: FastifyReply,
    user: WebUser,
    query: Record<string, string>,
    values: FormValues | null,
    issues: FieldIssue[],
    error?: DomainError,
    status = 200,
  ) {
    const year = Number(query.jahr);
    const filter = { issuer: query.gremium || undefined, year: Number.isInteger(year) && year > 1900 ? year : undefined };
    const model = await this.web.decisionsPage(filter);
    const recorded = query.erfasst && model.decisions.some((d) => d.number === query.erfasst) ? query.erfasst : null;
    // From an event form („Neuen Beschluss mit dieser Wirkung erfassen“): the body and the effect filled in, and the way back.
    const returnTo = await this.returnBody({ zurueck: query.zurueck || query.fuer });
    const effect = returnTo && query.wirkung && !values ? { effectBody: returnTo, effectType: query.wirkung, issuer: (await this.web.issuerOf(returnTo)) ?? '' } : null;
    // The open report obligations of the body the form names so far (chosen, or preset from an event form).
    const obligations = mayRecordDecisions(user) ? await this.web.obligationOptions(optional(values ?? effect ?? {}, 'effectBody')) : null;
    const form = mayRecordDecisions(user) ? decisionForm(values, issues, { issuers: model.issuers, bodies: model.bodies, obligations }, effect ?? replacementPreset(query, values)) : null;
    this.page.send(
      reply,
      'decisions',
      {
        title: 'Beschlüsse',
        nav: 'beschluesse',
        user,
        ...model,
        form,
        notice: recorded ? `Beschluss ${recorded} wurde erfasst.` : null,
        message: error ? messageOf(error) : null,
        returnTo,
        selectedYear: query.jahr ?? '',
      },
      status,
    );
  }
}

/** „Übernehmen und Beschluss anwenden“ on the import page: what it will do, its form and a refusal's message. */
interface ApplyModel {
  text: string;
  /** None for a decision that cannot be applied (withdrawn). */
  form: ReturnType<typeof applyDecisionForm> | null;
  message: string | null;
  /** Why applying the decision would be refused with the day entered as „Registriert am“; the draft is not. */
  hint: string | null;
}

/**
 * A registration dated after the decision applied with it is refused by the import: told in the
 * preview already. The decision's day known (from the register or the form), in its words; else
 * (asked for here) what the day asked for has to be.
 */
function registeredAfterDecision(registeredAt: string, decisionDate: string | null): string | null {
  if (decisionDate === null) return `Der Beschluss kann nicht vor dem Tag liegen, der unter „Registriert am“ steht (${germanDate(registeredAt)}).`;
  if (registeredAt <= decisionDate) return null;
  return (
    `Die Registrierung (${germanDate(registeredAt)}) kann nicht nach dem Beschluss (${germanDate(decisionDate)}) liegen: so wird „Übernehmen und Beschluss anwenden“ abgelehnt. ` +
    `Bitte „Registriert am“ leeren oder berichtigen und erneut prüfen; „Als Entwurf übernehmen“ geht auch so.`
  );
}

/** The field issues of a domain error: a validation error's own; a refusal filed under the field it is about. */
export function issuesOf(error: DomainError, type?: string): FieldIssue[] {
  if (error instanceof ValidationError) return error.details;
  if (error instanceof ConcurrencyConflict) return [];
  // The write path names the field a refusal is about.
  const path = error instanceof LifecycleRefusal ? error.details.path : undefined;
  if (typeof path === 'string' && path !== '') return [{ path, message: error.message }];
  // The chart's refusal lists each rule broken: each at its own field.
  const violations = error instanceof LifecycleRefusal ? error.details.violations : undefined;
  const parts = Array.isArray(violations) && violations.length > 0 && violations.every((v) => typeof v === 'string') ? violations : [error.message];
  return parts.flatMap((message) => {
    const at = refusalField(message, type);
    return at ? [{ path: at, message }] : [];
  });
}

/** The field of an event form one sentence of a refusal is about, from its wording; null: the form as a whole. */
function refusalField(message: string, type?: string): string | null {
  // „Eingegangen am“: the day a report or a request came in (it names the event's date too).
  if (/^Der Eingang des (Berichts|Antrags) /.test(message) || message.startsWith('Ein Eingangsdatum (receivedOn)')) return 'data.receivedOn';
  // The chart's own refusal of a reschedule to a day before the event's (no path): at the new Frist.
  if (type === 'reportRescheduled' && /^Die neue Frist .* liegt vor dem Ereignisdatum/.test(message)) return 'data.due';
  // Before the term's words: „Verlängert“ (or another event named so) needs its decision.
  if (/braucht den Beschluss/.test(message)) return 'decision';
  if (/(Verlängerung|befristet bis|neue Ende)/.test(message)) return 'data.approvedUntil';
  if (/Ereignisdatum/.test(message)) return 'occurredAt';
  if (/Nachfolge/.test(message)) return 'data.successor';
  if (type && /Beschluss/.test(message)) return 'decision';
  return null;
}

/** ` (mit Datum 04.12.2026, der Beschluss ist vom 20.03.2025)` when the event came later than its decision, else nothing. */
function laterThan(citation: { date: string; occurredAt: string }): string {
  const later = datedAfterDecision(citation.date, citation.occurredAt);
  return later ? ` (${later})` : '';
}

export function messageOf(error: DomainError): string {
  if (error instanceof ValidationError) return 'Bitte prüfen Sie die markierten Angaben.';
  if (error instanceof ConcurrencyConflict) {
    return `Das Gremium wurde inzwischen geändert (jetzt Version ${error.details.currentVersion}). Bitte prüfen Sie den neuen Stand und senden Sie das Formular erneut.`;
  }
  return error.message;
}

/** The Prüfung page's dates, as its date fields send them (a day, `2025-03-31`): null if the day exists, else the German error naming the field. */
function dayIssue(field: string, value: string | undefined): string | null {
  if (value === undefined || isCivilDate(value)) return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return `${field}: Den ${germanDate(value)} gibt es nicht.`;
  return `${field}: Erwartet ein Datum (JJJJ-MM-TT), z. B. 2025-03-31, nicht „${value}“.`;
}

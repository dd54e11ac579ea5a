import 'reflect-metadata';
import type { LoggerService } from '@nestjs/common';
import { ModulesContainer, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import fastifyCookie from '@fastify/cookie';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import type { FastifyReply, FastifyRequest, RawServerDefault } from 'fastify';
import helmet from 'helmet';
import { parse as parseQueryString } from 'fast-querystring';
import { DEFAULT_AUTH, type AppConfig } from '../config/configuration';
import { AppModule } from './app.module';
import type { AppRuntime } from './common/common.module';
import { Database } from './database/database';
import { ErrorFilter, clientErrorResponse } from './common/http-errors';
import { ValidationError } from './common/errors';
import { repeatedNameIssues } from './common/i-json';
import { whereJsonBreaks } from './common/json-problem';
import { TextEncodingError, decodeText, decodeUtf8 } from './common/text-encoding';
import { completeOpenApiDocument } from './common/openapi';
import { WITHOUT_IDEMPOTENCY_KEY } from './common/idempotency-key';
import { ACCESS_POLICY, type AccessPolicy } from './auth/access';
import { deferBodyRefusal, refuseOversizedBodyLater, unsupportedMediaType } from './auth/body-refusal';
import { scopeInterceptors } from './route-interceptors';
import { SecurityLog, discardSink, type SecuritySink } from './auth/security-log';
import { webDir } from './web/templates';
import { Page, WebErrorFilter } from './web/page';
import { withGermanDays, type FormValues } from './web/forms';

/** The longest path segment standing for a value (Fastify's default, named so that its 414 can say it). */
const PATH_SEGMENT_CHARS = 100;

/**
 * Builds the application (routes, error shape, OpenAPI) without listening: main.ts and the e2e
 * tests share it. A build that fails closes the database it opened (see `Database.closedOnFailure`).
 */
export function createApp(config: AppConfig, options: AppOptions = {}): Promise<NestFastifyApplication> {
  withoutAllocationSitePretenuring();
  return Database.closedOnFailure(() => buildApp(config, options));
}

/**
 * Turns off V8's allocation-site pretenuring for the process. verify and the checkpoints stream
 * the log a page at a time; where V8 happens to find most objects of a literal still alive at a
 * young collection (those of the page in hand), it allocates all later ones in the old generation,
 * where they die unseen until the next full collection. On the benchmark's log that made one run
 * of verify in about five peak at 475 MiB instead of 230 MiB, and take a second longer; without
 * pretenuring twelve runs of twelve stayed at 228-239 MiB. The write path measured the same.
 */
function withoutAllocationSitePretenuring(): void {
  setFlagsFromString('--no-allocation-site-pretenuring');
}

interface AppOptions extends AppRuntime {
  logger?: false | LoggerService;
  securityLog?: SecuritySink;
}

async function buildApp(config: AppConfig, options: AppOptions): Promise<NestFastifyApplication> {
  const auth = config.auth ?? DEFAULT_AUTH;
  // The refusals of a body over the limit (413) or a path segment too long (414) name the limit.
  const errors = new ErrorFilter({ bodyBytes: config.bodyLimit, pathSegmentChars: PATH_SEGMENT_CHARS });
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimit,
    trustProxy: auth.trustProxy,
    routerOptions: { maxParamLength: PATH_SEGMENT_CHARS },
    // Errors found before routing (a path that does not decode, a segment too long) get the one
    // error shape in German too, or the web UI's error page for a browser.
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => errors.answer(error, request, reply),
    clientErrorHandler: (error, socket) => {
      const response = clientErrorResponse(error);
      if (response && socket.writable) socket.end(response);
      else socket.destroy(error);
    },
  });
  const root = AppModule.forRoot(config, { env: options.env, registration: options.registration });
  scopeInterceptors(root);
  const app = await NestFactory.create<NestFastifyApplication>(root, adapter, {
    logger: options.logger ?? ['log', 'warn', 'error'],
    abortOnError: false,
  });
  app.useGlobalFilters(errors);
  errors.pages = new WebErrorFilter(app.get(Page, { strict: false }));
  // Bodies are decoded strictly (src/common/text-encoding.ts): JSON as UTF-8, a form sent as
  // text/plain as its editor saved it; what is neither is a 400, never stored with U+FFFD. The
  // parsers do not answer a body they refuse: they keep the refusal for the guards, which say it
  // once the caller may call the route at all (src/auth/body-refusal.ts), and hand on no body.
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('preParsing', refuseOversizedBodyLater({ bodyBytes: config.bodyLimit, pathSegmentChars: PATH_SEGMENT_CHARS }));
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  const refuse = (request: object, refusal: unknown, done: (error: Error | null, body?: unknown) => void) => {
    deferBodyRefusal(request, refusal);
    done(null, undefined);
  };
  app.useBodyParser<RawServerDefault>('application/json', { bodyLimit: config.bodyLimit }, (request, body, done) => {
    let text: string;
    try {
      text = decodeUtf8(body);
    } catch (error) {
      if (!(error instanceof TextEncodingError)) throw error;
      return refuse(request, ValidationError.at('', `Der Inhalt der Anfrage ist kein gültiges UTF-8 (Zeile ${error.line}); JSON wird in UTF-8 gesendet (RFC 8259).`), done);
    }
    // JSON.parse keeps the last of two members of the same name: such a body is refused instead.
    parseJson(request, text, (error: Error | null, value?: unknown) => {
      if (error) return refuse(request, withWhereJsonBreaks(error, text), done);
      const repeated = repeatedNameIssues(text);
      if (repeated.length > 0) return refuse(request, new ValidationError(repeated), done);
      done(null, value);
    });
  });
  app.useBodyParser<RawServerDefault>('text/plain', { bodyLimit: config.bodyLimit }, (request, body, done) => {
    try {
      done(null, decodeText(body));
    } catch (error) {
      if (!(error instanceof TextEncodingError)) throw error;
      refuse(request, ValidationError.at('body', error.message), done);
    }
  });
  // A form post: every web handler gets its days typed as TT.MM.JJJJ already as ISO days, by the
  // rule of src/web/forms.ts (day fields by name only), and none has to ask for it. The text is
  // decoded and split as Nest's own form parser did (fast-querystring); the API takes JSON only.
  app.useBodyParser<RawServerDefault>('application/x-www-form-urlencoded', { bodyLimit: config.bodyLimit }, (request, body, done) => {
    const fields = parseQueryString(body.toString()) as FormValues;
    // Copied onto an object, a field of that name would replace its prototype.
    if (Object.hasOwn(fields, '__proto__')) return refuse(request, ValidationError.at('__proto__', 'Ein Feld namens „__proto__“ wird nicht angenommen.'), done);
    done(null, withGermanDays(fields));
  });
  // A body of any other type (or of none named) is read to its end and refused like the others: 415.
  fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: config.bodyLimit }, (request, _body, done) => refuse(request, unsupportedMediaType(request), done));
  // The security log goes where SECURITY_LOG says; silent where the caller silenced the logger (CLI, tests) unless given a sink.
  if (options.securityLog) app.get(SecurityLog).redirect(options.securityLog);
  else if (options.logger === false) app.get(SecurityLog).redirect(discardSink);
  await app.register(fastifyCookie);
  // The security headers are the same on every answer: helmet works them out once, at start
  // (the fastify plugin made its middleware anew for every request, parsing the CSP each time).
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        imgSrc: ["'self'", 'data:'],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        // Swagger UI (/api/docs) sets style attributes; inline <style> and scripts stay forbidden.
        styleSrcAttr: ["'unsafe-inline'"],
        upgradeInsecureRequests: auth.https ? [] : null,
      },
    },
    hsts: auth.https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginEmbedderPolicy: false,
  });
  // On every request, matched or not (404s and the static assets included), before any handler.
  // They are the reply's own headers, which Fastify hands to writeHead in one go at the end.
  const headers = headersSetBy(securityHeaders);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (_request, reply, done) => {
      reply.headers(headers);
      done();
    });
  // The web UI's stylesheet and icons, self-hosted (no CDN).
  app.useStaticAssets({ root: webDir('assets'), prefix: '/assets/', decorateReply: false });
  // The OpenAPI document is built on the first request to /api/docs… and kept (scanning every
  // controller at start cost a noticeable part of the start-up); the routes are all known by then.
  const openApiDocument = () => {
    const document = SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('Gremienlauf')
        .setDescription('Lebenslauf der Gremien und Arbeitsformate des IT-Planungsrats und der AL-Runde')
        .setVersion('1')
        .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API-Token (gremienlauf token create BENUTZER)' }, 'token')
        .build(),
    );
    // Every route needs the token but the public ones (health, login, public key); docs/access.md has the roles.
    completeOpenApiDocument(document, routePolicies(app));
    return document;
  };
  SwaggerModule.setup('api/docs', app, openApiDocument, { jsonDocumentUrl: 'api/docs/openapi.json' });
  app.enableShutdownHooks();
  return app;
}

/**
 * The parser's refusal of text that is no JSON, with where it breaks, as the CLI says it of its
 * JSON options (Fastify's parser drops that). Text JSON.parse reads (a member named __proto__,
 * refused by the parser) and an empty body keep their refusal.
 */
function withWhereJsonBreaks(error: Error, text: string): Error {
  if ((error as { code?: unknown }).code !== 'FST_ERR_CTP_INVALID_JSON_BODY') return error;
  try {
    JSON.parse(text);
    return error;
  } catch (syntax) {
    return Object.assign(error, { publicMessage: `Der Inhalt der Anfrage ist kein gültiges JSON: ${whereJsonBreaks(text, syntax)}.` });
  }
}

/**
 * The headers a middleware sets on every answer, found by running it once against a response
 * that only records them. Helmet's are the same on every request (no nonces), so they are worked
 * out once rather than set one by one on each response (a dozen validated setHeader calls).
 */
function headersSetBy(middleware: ReturnType<typeof helmet>): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  let failure: unknown;
  middleware({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => (failure = error));
  if (failure) throw failure;
  return headers;
}

/**
 * By operation id (`Controller_method`, as @nestjs/swagger names them): the routes whose `@Access`
 * policy is public, and the writes that ignore `Idempotency-Key`.
 */
function routePolicies(app: NestFastifyApplication) {
  const open = new Set<string>();
  const withoutKey = new Set<string>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: unknown[]) => unknown) | null;
      if (!controller) continue;
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = controller.prototype[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const policy = (Reflect.getMetadata(ACCESS_POLICY, handler) ?? Reflect.getMetadata(ACCESS_POLICY, controller)) as AccessPolicy | undefined;
        if (policy?.public) open.add(`${controller.name}_${name}`);
        if (Reflect.getMetadata(WITHOUT_IDEMPOTENCY_KEY, handler) ?? Reflect.getMetadata(WITHOUT_IDEMPOTENCY_KEY, controller)) withoutKey.add(`${controller.name}_${name}`);
      }
    }
  }
  return { isPublic: (operationId: string) => open.has(operationId), ignoresIdempotencyKey: (operationId: string) => withoutKey.has(operationId) };
}

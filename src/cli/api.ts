/**
 * How the CLI reaches the service: the REST API of a running server (`--url`), or the same
 * application built in this process on the local database, asked through Fastify's `inject`
 * (no port is opened). Either way every command goes through the same controllers, services,
 * validation and error mapping as a request over the network.
 */
import { randomUUID } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { serverUnreachable, type SettingSource } from './connection';
import { RefusedError } from './errors';

/** A parameter given as a list is sent once per item (`contact=1:…&contact=2:…`). */
export type Query = Record<string, string | number | boolean | readonly string[] | undefined>;

export interface RequestOptions {
  query?: Query;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as text/plain. */
  text?: string;
}

interface RawResponse {
  status: number;
  body: string;
}

/** The service answered with an error: status and its one error shape (`message`, `details`). */
export class ApiError extends RefusedError {}

export class ApiClient {
  constructor(
    /** Where the commands go, for messages: the URL or the database. */
    readonly target: string,
    private readonly send: (method: string, url: string, headers: Record<string, string>, body?: string) => Promise<RawResponse>,
    private readonly onClose: () => Promise<void> = async () => undefined,
    private readonly token?: string,
  ) {}

  get<T = any>(path: string, query?: Query): Promise<T> {
    return this.request<T>('GET', path, { query });
  }

  post<T = any>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('POST', path, options);
  }

  async request<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    // Every write carries a key of its own: sent again (a lost answer), it is carried out once.
    if (method !== 'GET') headers['idempotency-key'] = randomUUID();
    let body: string | undefined;
    if (options.text !== undefined) {
      headers['content-type'] = 'text/plain; charset=utf-8';
      body = options.text;
    } else if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    const response = await this.send(method, withQuery(path, options.query), headers, body);
    const parsed = parseJson(response.body);
    if (response.status >= 200 && response.status < 300) return parsed as T;
    const error = parsed as { message?: unknown; details?: unknown } | undefined;
    throw new ApiError(
      typeof error?.message === 'string'
        ? error.message
        : // Not our error shape: a proxy's or another web server's page.
          `Die Antwort von ${this.target} (Status ${response.status}) kommt nicht von einem Gremienlauf-Server – stimmt die Adresse?`,
      { statusCode: response.status, ...(typeof parsed === 'object' && parsed !== null ? parsed : { body: response.body }) },
      response.status,
    );
  }

  close(): Promise<void> {
    return this.onClose();
  }
}

/**
 * A client for a running server at `base` (checked by `serverUrl`), named in messages as given
 * by `source` (`--url` or `GREMIENLAUF_URL`). Node's http(s) rather than fetch: fetch refuses
 * ports the browsers block (1, 9, 6000, …), which a server of ours may well listen on.
 */
export function remoteClient(base: string, token: string | undefined, source: SettingSource = '--url'): ApiClient {
  const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  return new ApiClient(
    base,
    async (method, path, headers, body) => {
      // A connection lost on the way is tried once more: the Idempotency-Key makes a write that did arrive count once.
      for (let attempt = 1; ; attempt++) {
        try {
          return await send(new URL(`${base}${path}`), agents, method, headers, body);
        } catch (error) {
          if (attempt >= 2) throw serverUnreachable(base, source, error);
        }
      }
    },
    async () => {
      agents.http.destroy();
      agents.https.destroy();
    },
    token,
  );
}

function send(url: URL, agents: { http: HttpAgent; https: HttpsAgent }, method: string, headers: Record<string, string>, body?: string): Promise<RawResponse> {
  const secure = url.protocol === 'https:';
  const request = secure ? httpsRequest : httpRequest;
  const withLength = body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) };
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method, headers: withLength, agent: secure ? agents.https : agents.http }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** A client for an application built in this process (see `local.ts`); `close` ends what the command opened (the application, by default). */
export function injectClient(app: NestFastifyApplication, target: string, token?: string, close: () => Promise<void> = () => app.close()): ApiClient {
  return new ApiClient(
    target,
    async (method, url, headers, body) => {
      const response = await app.inject({ method: method as 'GET', url, headers, payload: body });
      return { status: response.statusCode, body: response.body };
    },
    close,
    token,
  );
}

function withQuery(path: string, query: Query | undefined): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (Array.isArray(value)) for (const item of value) params.append(key, item);
    else if (value !== undefined) params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `${path}${path.includes('?') ? '&' : '?'}${search}` : path;
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

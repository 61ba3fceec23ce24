/**
 * Test helpers: a client for the central API that validates every response it receives (status and body)
 * against openapi.yaml with ajv, and every JSON request it sends unless told the request is deliberately wrong.
 * Tests talk to the server only through it (or through raw fetch where a fault is expected to break the reply).
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';

export const SPEC_FILE = path.join(import.meta.dirname, '..', 'openapi.yaml');
const API_PREFIX = '/api/v1';
const SCHEMA_BASE = 'https://dutydesk.invalid/central-api.json';

interface SpecResponse {
  content?: Record<string, { schema?: unknown }>;
  $ref?: string;
}

interface SpecOperation {
  responses: Record<string, SpecResponse>;
  requestBody?: { content: Record<string, { schema: unknown }> };
}

interface Spec {
  paths: Record<string, Record<string, SpecOperation>>;
  components: { schemas: Record<string, unknown>; responses: Record<string, SpecResponse> };
}

export function loadSpec(): Spec {
  return parseYaml(fs.readFileSync(SPEC_FILE, 'utf8')) as Spec;
}

/** `ajv-formats` is CommonJS; its default export arrives wrapped or not depending on the loader. */
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv2020,
) => void;

/** Compiles the spec's schemas once per test file. */
export class SpecValidator {
  readonly spec: Spec;
  readonly #ajv: Ajv2020;
  readonly #cache = new Map<string, ValidateFunction>();

  constructor() {
    this.spec = loadSpec();
    this.#ajv = new Ajv2020({ strict: true, strictTypes: false, strictRequired: false, allErrors: true });
    addFormats(this.#ajv);
    this.#ajv.addSchema({ $id: SCHEMA_BASE, $defs: rewriteRefs(this.spec.components.schemas) });
  }

  /** Validates a value against a component schema, e.g. `PokeEvent`. */
  assertSchema(name: string, value: unknown): void {
    const validate = this.#compile(`schema:${name}`, { $ref: `${SCHEMA_BASE}#/$defs/${name}` });
    if (!validate(value))
      throw new Error(`${name} does not match the spec: ${this.#ajv.errorsText(validate.errors)}`);
  }

  /** Validates a response: its status must be documented for the operation, its JSON body must match. */
  assertResponse(
    method: string,
    requestPath: string,
    status: number,
    contentType: string,
    body: unknown,
  ): void {
    const operation = this.#operation(method, requestPath);
    const documented = operation.responses[String(status)] ?? operation.responses.default;
    if (!documented) {
      throw new Error(`${method} ${requestPath} answered ${status}, which the spec does not document`);
    }
    const response = this.#resolveResponse(documented);
    const mediaType = contentType.split(';')[0]?.trim() ?? '';
    const schema = response.content?.[mediaType]?.schema;
    if (response.content && !schema) {
      throw new Error(
        `${method} ${requestPath} ${status} answered ${mediaType}, which the spec does not document`,
      );
    }
    if (!schema || mediaType !== 'application/json') return;
    const validate = this.#compile(`response:${method} ${requestPath} ${status}`, rewriteRefs(schema));
    if (!validate(body)) {
      throw new Error(
        `${method} ${requestPath} ${status} body does not match the spec: ${this.#ajv.errorsText(validate.errors, { separator: '\n' })}`,
      );
    }
  }

  assertRequest(method: string, requestPath: string, body: unknown): void {
    const schema = this.#operation(method, requestPath).requestBody?.content['application/json']?.schema;
    if (!schema) throw new Error(`${method} ${requestPath} takes no JSON body in the spec`);
    const validate = this.#compile(`request:${method} ${requestPath}`, rewriteRefs(schema));
    if (!validate(body)) {
      throw new Error(
        `${method} ${requestPath} request does not match the spec: ${this.#ajv.errorsText(validate.errors)}`,
      );
    }
  }

  #operation(method: string, requestPath: string): SpecOperation {
    if (!requestPath.startsWith(API_PREFIX)) throw new Error(`${requestPath} is not under ${API_PREFIX}`);
    const relative = requestPath.slice(API_PREFIX.length);
    // A templated path (`/alerts/{alertId}/readings`) matches any value of its `{name}` segments.
    const template = Object.keys(this.spec.paths).find((candidate) => {
      const expected = candidate.split('/');
      const actual = relative.split('/');
      return (
        expected.length === actual.length &&
        expected.every((part, index) =>
          part.startsWith('{') ? actual[index] !== '' : part === actual[index],
        )
      );
    });
    const operation = template === undefined ? undefined : this.spec.paths[template]?.[method.toLowerCase()];
    if (!operation) throw new Error(`the spec has no operation ${method} ${requestPath}`);
    return operation;
  }

  #resolveResponse(response: SpecResponse): SpecResponse {
    if (!response.$ref) return response;
    const name = response.$ref.replace('#/components/responses/', '');
    const resolved = this.spec.components.responses[name];
    if (!resolved) throw new Error(`unresolved response ${response.$ref}`);
    return resolved;
  }

  #compile(key: string, schema: object): ValidateFunction {
    let validate = this.#cache.get(key);
    if (!validate) {
      validate = this.#ajv.compile(schema);
      this.#cache.set(key, validate);
    }
    return validate;
  }
}

function rewriteRefs<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value).replaceAll('"#/components/schemas/', `"${SCHEMA_BASE}#/$defs/`),
  ) as T;
}

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  token?: string | null;
  /** The request is deliberately outside the spec (testing the server's validation): do not check it. */
  unchecked?: boolean;
  headers?: Record<string, string>;
  rawBody?: string;
}

/** A client for one running server; `token` is sent when set. */
export class CentralClient {
  token: string | null = null;

  constructor(
    readonly baseUrl: string,
    readonly validator: SpecValidator,
  ) {}

  async request<T = unknown>(
    method: string,
    requestPath: string,
    options: RequestOptions = {},
  ): Promise<ApiResponse<T>> {
    const url = new URL(requestPath, this.baseUrl);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    const token = options.token === undefined ? this.token : options.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let payload: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      if (!options.unchecked) this.validator.assertRequest(method, requestPath, options.body);
      payload = JSON.stringify(options.body);
    }
    if (payload !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    const response = await fetch(url, {
      method,
      headers,
      ...(payload === undefined ? {} : { body: payload }),
    });
    const text = await response.text();
    const contentType = response.headers.get('content-type') ?? '';
    const body = contentType.startsWith('application/json') ? (JSON.parse(text) as unknown) : text;
    this.validator.assertResponse(method, url.pathname, response.status, contentType, body);
    return { status: response.status, body: body as T, headers: response.headers };
  }

  async login(username = 'wangfang', password = `${username}-demo`): Promise<SessionBody> {
    const response = await this.request<SessionBody>('POST', '/api/v1/session', {
      body: { username, password },
      token: null,
    });
    if (response.status !== 200) throw new Error(`login as ${username} failed with ${response.status}`);
    this.token = response.body.token;
    return response.body;
  }

  async changes(query: {
    cursor?: string | undefined;
    limit?: number;
    scope?: 'all' | 'open';
  }): Promise<ApiResponse<ChangesPage>> {
    return this.request<ChangesPage>('GET', '/api/v1/changes', { query });
  }

  /** Sends mutations; `unchecked` for deliberately invalid ones (the server's per-mutation validation is tested). */
  async mutate(
    clientId: string,
    mutations: MutationInput[],
    unchecked = false,
  ): Promise<MutationResponseBody> {
    const response = await this.request<MutationResponseBody>('POST', '/api/v1/mutations', {
      body: { clientId, mutations },
      unchecked,
    });
    if (response.status !== 200)
      throw new Error(`POST /mutations answered ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body;
  }

  async admin<T = unknown>(method: string, action: string, body?: unknown): Promise<T> {
    const response = await this.request<T>(
      method,
      `/api/v1/admin/${action}`,
      body === undefined ? {} : { body },
    );
    if (response.status !== 200)
      throw new Error(
        `${method} admin/${action} answered ${response.status}: ${JSON.stringify(response.body)}`,
      );
    return response.body;
  }

  /** Pulls pages until caught up; returns every change in order and the final cursor. */
  async pullAll(
    options: { cursor?: string | undefined; scope?: 'all' | 'open'; limit?: number } = {},
  ): Promise<{ changes: Change[]; cursor: string; pages: ChangesPage[] }> {
    const changes: Change[] = [];
    const pages: ChangesPage[] = [];
    let cursor = options.cursor;
    for (;;) {
      const response = await this.changes({
        cursor,
        limit: options.limit ?? 2000,
        ...(cursor === undefined && options.scope ? { scope: options.scope } : {}),
      });
      if (response.status !== 200)
        throw new Error(`GET /changes answered ${response.status}: ${JSON.stringify(response.body)}`);
      pages.push(response.body);
      changes.push(...response.body.changes);
      cursor = response.body.cursor;
      if (!response.body.hasMore) return { changes, cursor, pages };
    }
  }
}

export interface SessionBody {
  token: string;
  expiresAt: string;
  expiresInSeconds: number;
  operator: { id: string; name: string; role: string };
}

export interface Change {
  entity: string;
  op: 'upsert' | 'delete';
  id: string;
  version: number;
  data: Record<string, unknown> | null;
}

export interface ChangesPage {
  changes: Change[];
  cursor: string;
  hasMore: boolean;
  phase: 'open' | 'history' | 'live';
  serverTime: string;
}

export interface MutationInput {
  id: string;
  seq: number;
  name: string;
  args: unknown;
  createdAt: string;
}

export interface MutationResultBody {
  id: string;
  seq: number;
  status: 'applied' | 'duplicate' | 'rejected';
  code?: string;
  message?: string;
  expectedSeq?: number;
  original?: { status: string; code?: string };
}

export interface MutationResponseBody {
  results: MutationResultBody[];
  cursor: string;
  serverTime: string;
}

/** Keeps the latest state of every entity from a stream of changes, as a client's cache would. */
export class Replica {
  readonly entities = new Map<string, Change>();

  apply(changes: readonly Change[]): void {
    for (const change of changes) {
      const key = `${change.entity}|${change.id}`;
      const known = this.entities.get(key);
      if (known && known.version > change.version) {
        throw new Error(`${key} went back from version ${known.version} to ${change.version}`);
      }
      if (change.op === 'delete') this.entities.delete(key);
      else this.entities.set(key, change);
    }
  }

  of<T = Record<string, unknown>>(entity: string): T[] {
    const out: T[] = [];
    for (const change of this.entities.values()) if (change.entity === entity) out.push(change.data as T);
    return out;
  }

  // Tests name the entity's shape they expect; the spec validation has already checked it.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
  get<T = Record<string, unknown>>(entity: string, id: string): T | undefined {
    return this.entities.get(`${entity}|${id}`)?.data as T | undefined;
  }
}

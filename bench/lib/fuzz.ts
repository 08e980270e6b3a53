/**
 * Carrel's HTTP fuzzer: requests generated from the server's own OpenAPI document (valid, boundary and
 * hostile values: U+0000, huge integers, extreme dates, long strings, wrong types, unusual Unicode,
 * missing and extra fields), plus malformed transport (bad JSON, wrong content type, oversized bodies,
 * bad URL encoding), sent to every operation as each kind of caller. It counts the answers by status and
 * checks the contract of each one: never a 500, every status declared for its operation in
 * /openapi.json, and every error answer in Carrel's `{error:{code,message,problems}}` shape (issue 22).
 *
 * The caller seeds the server and hands over the sessions (`FuzzIdentity`), with a way to get a fresh
 * one when a fuzzed request ended it (a patron reporting their own card lost, an account locked).
 */
import { seeded } from './catalogue-corpus.js';

/** A kind of caller and how to (re)gain its session. */
export interface FuzzIdentity {
  name: string;
  /** Logs in (again) and answers the Cookie header value and CSRF token; undefined for the anonymous caller. */
  login?: () => Promise<{ cookie: string; csrfToken: string }>;
}

export interface FuzzOptions {
  baseUrl: string;
  identities: FuzzIdentity[];
  requests: number;
  seed?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Known ids to put in paths and bodies, so authorised paths reach real records. */
  ids?: string[];
  /** Known card numbers and barcodes, for the same reason. */
  cardNumbers?: string[];
  barcodes?: string[];
  /** Operations never sent (`METHOD /path`): those that would end the fuzzer's own sessions for good. */
  skip?: string[];
}

/** One answer that broke the contract, with what was sent (no session cookie). */
export interface FuzzFinding {
  kind: 'status-500' | 'undeclared-status' | 'not-error-shape';
  operation: string;
  identity: string;
  status: number;
  request: { method: string; path: string; contentType?: string; body?: string };
  answer: string;
}

export interface FuzzReport {
  requests: number;
  byStatus: Record<string, number>;
  /** Per operation (`METHOD /path`), the statuses it answered. */
  byOperation: Record<string, Record<string, number>>;
  findings: FuzzFinding[];
  /** Counts of each kind of finding (the list keeps the first few of each operation and status). */
  findingCounts: Record<FuzzFinding['kind'], number>;
  operations: number;
  seconds: number;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Schema = Record<string, any>;

interface Operation {
  key: string;
  method: string;
  path: string;
  parameters: { in: string; name: string; required: boolean; schema: Schema }[];
  body?: Schema;
  declared: Set<string>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** The operations of an OpenAPI document, with local `$ref`s resolved. */
export function operationsOf(document: Schema): Operation[] {
  const resolve = (schema: Schema | undefined, depth = 0): Schema => {
    if (!schema || depth > 20) return schema ?? {};
    if (typeof schema.$ref === 'string' && schema.$ref.startsWith('#/')) {
      const target = schema.$ref
        .slice(2)
        .split('/')
        .reduce((node: Schema | undefined, part: string) => node?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], document);
      return resolve(target, depth + 1);
    }
    return schema;
  };
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths as Record<string, Schema>)) {
    for (const method of METHODS) {
      const op = item[method] as Schema | undefined;
      if (!op) continue;
      const parameters = ((op.parameters ?? []) as Schema[]).map((p) => resolve(p)).map((p) => ({ in: p.in, name: p.name, required: p.required === true, schema: resolveDeep(resolve(p.schema), resolve) }));
      const content = op.requestBody?.content?.['application/json']?.schema as Schema | undefined;
      operations.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        parameters,
        ...(content ? { body: resolveDeep(resolve(content), resolve) } : {}),
        declared: new Set(Object.keys(op.responses ?? {})),
      });
    }
  }
  return operations;
}

function resolveDeep(schema: Schema, resolve: (s: Schema | undefined, depth?: number) => Schema, depth = 0): Schema {
  if (depth > 12 || typeof schema !== 'object' || schema === null) return schema;
  const out: Schema = {};
  for (const [k, v] of Object.entries(resolve(schema))) {
    if (k === 'properties' && v && typeof v === 'object') out[k] = Object.fromEntries(Object.entries(v as Schema).map(([name, s]) => [name, resolveDeep(s as Schema, resolve, depth + 1)]));
    else if ((k === 'items' || k === 'additionalProperties') && v && typeof v === 'object') out[k] = resolveDeep(v as Schema, resolve, depth + 1);
    else if ((k === 'anyOf' || k === 'oneOf' || k === 'allOf') && Array.isArray(v)) out[k] = v.map((s) => resolveDeep(s as Schema, resolve, depth + 1));
    else out[k] = v;
  }
  return out;
}

/**
 * valid: what the schema asks; boundary: its limits; edge: valid but for values the schema lets through
 * that an engine may not store (U+0000, the longest text, integers past 32 bits, years 0 and 9999);
 * hostile: anything, of any type.
 */
/** Whether a schema pattern is a YYYY-MM-DD date's. */
function isDatePattern(pattern: string | undefined): boolean {
  return pattern !== undefined && (pattern.includes('d{4}-') || pattern.includes('[0-9]{3}-[0-9]{2}-[0-9]{2}'));
}

type Mode = 'valid' | 'boundary' | 'edge' | 'hostile';

/** The generator of one run: seeded, so a finding can be replayed. */
class Generator {
  constructor(
    readonly random: () => number,
    readonly pools: { ids: string[]; cardNumbers: string[]; barcodes: string[] },
  ) {}

  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.random() * list.length)] as T;
  }

  chance(p: number): boolean {
    return this.random() < p;
  }

  uuid(): string {
    const hex = () => Math.floor(this.random() * 16).toString(16);
    const part = (n: number) => Array.from({ length: n }, hex).join('');
    return `${part(8)}-${part(4)}-4${part(3)}-a${part(3)}-${part(12)}`;
  }

  /** A hostile value of any type: what a schema should refuse, or the engine cannot store. */
  hostile(): unknown {
    return this.pick<() => unknown>([
      () => 'a\u0000b',
      () => '\u0000',
      () => 2 ** 31,
      () => 2 ** 31 - 1,
      () => -(2 ** 31) - 1,
      () => 1e21,
      () => -1e21,
      () => Number.MAX_SAFE_INTEGER + 2,
      () => 1.5,
      () => 0,
      () => -1,
      () => '0000-01-01',
      () => '9999-12-31',
      () => '10000-01-01',
      () => '0000-01-01T00:00:00Z',
      () => '9999-12-31T23:59:59-12:00',
      () => '2026-02-30',
      () => '2026-13-01T00:00:00Z',
      () => 'x'.repeat(20_001),
      () => 'é'.repeat(3000),
      () => '\u{1F4DA}\u202E\u0301\uFEFF',
      () => '\uD800',
      () => "' OR 1=1 --",
      () => '../../etc/passwd',
      () => '%00',
      () => '',
      () => ' ',
      () => true,
      () => null,
      () => [],
      () => ({}),
      () => [1, 'two', null],
      () => ({ nested: { deep: ['\u0000'] } }),
    ])();
  }

  /** A value of the schema's own type that only the storage rule can refuse. */
  extreme(schema: Schema): unknown {
    const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type;
    if (type === 'integer' || type === 'number') {
      const min = typeof schema.minimum === 'number' ? schema.minimum : -Infinity;
      const max = typeof schema.maximum === 'number' ? schema.maximum : Infinity;
      const candidates = [2 ** 31, 2 ** 31 - 1, 1e21, 2 ** 53, -(2 ** 31) - 1, -1e21].filter((v) => v >= min && v <= max);
      return candidates.length > 0 ? this.pick(candidates) : undefined;
    }
    if (type !== 'string' || schema.enum || schema.const !== undefined) return undefined;
    const pattern = schema.pattern as string | undefined;
    if (schema.format === 'date-time') return this.pick(['0000-01-01T00:00:00Z', '9999-12-31T23:59:59-12:00', '0001-01-01T00:00:00Z', '9999-12-31T23:59:59Z']);
    if (isDatePattern(pattern)) return this.pick(['0000-01-01', '9999-12-31', '0001-01-01', '0999-12-31']);
    if (pattern || schema.format) return undefined;
    const max = typeof schema.maxLength === 'number' ? schema.maxLength : 20_000;
    return this.pick([`a\u0000b`, '\u0000', `\u0000${'x'.repeat(Math.max(0, Math.min(max, 40) - 1))}`, 'x'.repeat(max), '\u{1F4DA}'.repeat(Math.floor(max / 2)), '\uD800x', 'é\u0301\u202E']);
  }

  string(schema: Schema, mode: Mode): string {
    if (Array.isArray(schema.enum)) return this.pick(schema.enum as string[]);
    if (schema.const !== undefined) return String(schema.const);
    const format = schema.format as string | undefined;
    const pattern = schema.pattern as string | undefined;
    if (format === 'uuid') return this.pools.ids.length > 0 && this.chance(0.7) ? this.pick(this.pools.ids) : this.uuid();
    if (format === 'date-time') {
      if (mode === 'boundary') return this.pick(['1000-01-01T00:00:00Z', '8999-12-31T23:59:59Z', '1970-01-01T00:00:00Z', '2026-12-31T23:59:59.999+14:00']);
      return new Date(Date.UTC(2026, Math.floor(this.random() * 12), 1 + Math.floor(this.random() * 28), 12)).toISOString();
    }
    if (format === 'email') return this.pick(['a@example.org', 'patron.fuzz@example.org', 'Ñandú@example.org']);
    if (format === 'uri') return this.pick(['https://example.org/', 'https://vendor.example.org/callback']);
    if (isDatePattern(pattern)) {
      if (mode === 'boundary') return this.pick(['1000-01-01', '8999-12-31', '2000-02-29', '1999-12-31']);
      return `20${String(10 + Math.floor(this.random() * 30))}-${String(1 + Math.floor(this.random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(this.random() * 28)).padStart(2, '0')}`;
    }
    const lower = /card/i.test(String(schema.description ?? '')) && this.pools.cardNumbers.length > 0;
    if (lower && this.chance(0.7)) return this.pick(this.pools.cardNumbers);
    if (/barcode/i.test(String(schema.description ?? '')) && this.pools.barcodes.length > 0 && this.chance(0.7)) return this.pick(this.pools.barcodes);
    const max = typeof schema.maxLength === 'number' ? schema.maxLength : 40;
    const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
    if (mode === 'boundary') {
      const n = this.pick([min, max, Math.min(max, min + 1)]);
      return this.fill(n, pattern);
    }
    return this.fill(Math.max(min, Math.min(max, 1 + Math.floor(this.random() * 12))), pattern);
  }

  /** A string of length n that the usual patterns (digits, codes, words) accept. */
  fill(n: number, pattern: string | undefined): string {
    if (pattern === '^[a-z]{2,3}$') return this.pick(['en', 'es', 'fr', 'xx']);
    const digits = pattern !== undefined && /^\^\\d|^\^\[0-9\]/.test(pattern);
    const lowerOnly = pattern !== undefined && pattern.includes('[a-z0-9]');
    const alphabet = digits ? '0123456789' : lowerOnly ? 'abcdefghijklmnopqrstuvwxyz0123456789' : 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ñé ';
    let out = '';
    for (let i = 0; i < n; i++) out += alphabet[Math.floor(this.random() * alphabet.length)];
    return out.length > 0 && !digits && !lowerOnly ? out.replace(/^ /, 'a').replace(/ $/, 'z') : out;
  }

  number(schema: Schema, mode: Mode, integer: boolean): number {
    const min = typeof schema.minimum === 'number' ? schema.minimum : typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum + 1 : 0;
    const max = typeof schema.maximum === 'number' ? schema.maximum : typeof schema.exclusiveMaximum === 'number' ? schema.exclusiveMaximum - 1 : min + 1000;
    if (mode === 'boundary') return this.pick([min, max, 2 ** 31 - 1, min + 1]);
    const value = min + this.random() * Math.min(max - min, 10_000);
    return integer ? Math.floor(value) : Math.round(value * 100) / 100;
  }

  value(schema: Schema | undefined, mode: Mode, depth = 0): unknown {
    if (!schema || depth > 8) return null;
    if (mode === 'hostile' && this.chance(0.25)) return this.hostile();
    if (mode === 'edge' && this.chance(0.5)) {
      const extreme = this.extreme(schema);
      if (extreme !== undefined) return extreme;
    }
    const variants = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
    if (variants && variants.length > 0) return this.value(this.pick(variants), mode, depth + 1);
    if (schema.allOf) return this.value(Object.assign({}, ...(schema.allOf as Schema[])), mode, depth + 1);
    if (schema.const !== undefined) return schema.const;
    if (Array.isArray(schema.enum)) return this.pick(schema.enum as unknown[]);
    const type = Array.isArray(schema.type) ? this.pick(schema.type as string[]) : schema.type;
    switch (type) {
      case 'string':
        return this.string(schema, mode);
      case 'integer':
        return this.number(schema, mode, true);
      case 'number':
        return this.number(schema, mode, false);
      case 'boolean':
        return this.chance(0.5);
      case 'null':
        return null;
      case 'array': {
            const n = mode === 'boundary' ? this.pick([0, 1, typeof schema.maxItems === 'number' ? Math.min(schema.maxItems, 50) : 3]) : Math.floor(this.random() * 3);
        return Array.from({ length: Math.max(n, typeof schema.minItems === 'number' ? schema.minItems : 0) }, () => this.value(schema.items as Schema, mode, depth + 1));
      }
      case 'object':
      default:
        return this.object(schema, mode, depth);
    }
  }

  object(schema: Schema, mode: Mode, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    const required = new Set((schema.required ?? []) as string[]);
    for (const [name, s] of Object.entries(properties)) {
      if (required.has(name)) {
        if (mode === 'hostile' && this.chance(0.08)) continue; // a missing field
      } else if (!this.chance(mode === 'valid' ? 0.5 : 0.7)) continue;
      out[name] = this.value(s, mode, depth + 1);
    }
    if (schema.additionalProperties && typeof schema.additionalProperties === 'object' && this.chance(0.5)) out[this.fill(6, undefined).trim() || 'k'] = this.value(schema.additionalProperties as Schema, mode, depth + 1);
    if (mode === 'hostile' && this.chance(0.1)) out[this.pick(['extra', '__proto__', 'constructor', 'a\u0000'])] = this.hostile();
    return out;
  }

  /** A path or query parameter as text (before encoding): what the schema asks, or not. */
  parameter(schema: Schema, mode: Mode): string {
    if (mode === 'edge' && this.chance(0.5)) {
      const extreme = this.extreme(schema);
      if (extreme !== undefined) return String(extreme);
    }
    if (mode === 'hostile' && this.chance(0.4)) return this.pick(['\u0000', 'x'.repeat(300), '0000-01-01', '9999-12-31', '99999999999999999999', '-1', '1e21', '..', '\u{1F4DA}', ' ', 'true', '[]']);
    const value = this.value(schema, mode === 'hostile' ? 'valid' : mode);
    return typeof value === 'string' ? value : JSON.stringify(value);
  }
}

/** Percent-encodes text; a lone surrogate (which has no UTF-8) goes as the bytes of one, which is not valid UTF-8. */
function encode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return `${encodeURIComponent(text.replace(/[\uD800-\uDFFF]/g, ''))}%ED%A0%80`;
  }
}

/** What one generated request is. */
interface Sent {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  contentType?: string;
}

function buildRequest(g: Generator, op: Operation, mode: Mode): Sent {
  let path = op.path;
  let rawEncoding = false;
  for (const p of op.parameters.filter((p) => p.in === 'path')) {
    const text = g.parameter(p.schema, mode);
    // Now and then a path segment that is not valid percent-encoding at all.
    const encoded = mode === 'hostile' && g.chance(0.05) ? (((rawEncoding = true), g.pick(['%', '%zz', '%C0%80', '%E0%A4%A']))) : encode(text);
    path = path.replace(`{${p.name}}`, encoded);
  }
  const query: string[] = [];
  for (const p of op.parameters.filter((p) => p.in === 'query')) {
    if (!p.required && !g.chance(0.6)) continue;
    if (p.required && mode === 'hostile' && g.chance(0.1)) continue;
    query.push(`${encodeURIComponent(p.name)}=${encode(g.parameter(p.schema, mode))}`);
  }
  if (mode === 'hostile' && g.chance(0.05)) query.push(g.pick(['q=%', 'x=%E0%A4%A', 'a%00=1', 'limit=1&limit=2']));
  if (query.length > 0) path += `?${query.join('&')}`;
  void rawEncoding;
  const sent: Sent = { method: op.method, path, headers: {} };
  if (op.body || (op.method !== 'GET' && op.method !== 'DELETE' && g.chance(0.1))) {
    const transport = mode === 'hostile' ? g.random() : 1;
    if (transport < 0.04) {
      sent.body = g.pick(['{', '{"a":', '[1,2', 'null', '"text"', '{"a":1}{', '\u0000', '{"a":"\\u0000"}', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}']);
      sent.contentType = 'application/json';
    } else if (transport < 0.07) {
      sent.body = JSON.stringify(g.value(op.body, 'valid'));
      sent.contentType = g.pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/json; charset=latin1', 'application/jsonx']);
    } else if (transport < 0.09) {
      sent.body = `{"a":"${'x'.repeat(70 * 1024)}"}`;
      sent.contentType = 'application/json';
    } else if (transport < 0.1) {
      sent.body = '';
      sent.contentType = 'application/json';
    } else {
      sent.body = JSON.stringify(op.body ? g.value(op.body, mode) : {});
      sent.contentType = 'application/json';
    }
  }
  if (sent.contentType) sent.headers['content-type'] = sent.contentType;
  return sent;
}

function isErrorShape(text: string): boolean {
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; problems?: unknown } };
    return typeof body.error?.code === 'string' && typeof body.error.message === 'string' && Array.isArray(body.error.problems);
  } catch {
    return false;
  }
}

/** Sends `options.requests` generated requests and reports what came back. */
export async function fuzz(options: FuzzOptions): Promise<FuzzReport> {
  const started = Date.now();
  const document = (await (await fetch(`${options.baseUrl}/openapi.json`)).json()) as Schema;
  const skip = new Set(options.skip ?? []);
  const operations = operationsOf(document).filter((o) => !skip.has(o.key));
  const g = new Generator(seeded(options.seed ?? 22), { ids: options.ids ?? [], cardNumbers: options.cardNumbers ?? [], barcodes: options.barcodes ?? [] });
  const sessions = new Map<string, { cookie: string; csrfToken: string } | undefined>();
  const refresh = async (identity: FuzzIdentity) => {
    sessions.set(identity.name, identity.login ? await identity.login() : undefined);
  };
  for (const identity of options.identities) await refresh(identity);

  const report: FuzzReport = { requests: 0, byStatus: {}, byOperation: {}, findings: [], findingCounts: { 'status-500': 0, 'undeclared-status': 0, 'not-error-shape': 0 }, operations: operations.length, seconds: 0 };
  const kept = new Map<string, number>();
  const note = (finding: FuzzFinding) => {
    report.findingCounts[finding.kind] += 1;
    const key = `${finding.kind} ${finding.operation} ${finding.status}`;
    const n = kept.get(key) ?? 0;
    kept.set(key, n + 1);
    if (n < 3) report.findings.push(finding);
  };

  // Who got past the session and permission checks of each operation: most requests go as one of them,
  // so the generated values reach the use cases and the database, not only the permission check.
  const admitted = new Map<string, Set<FuzzIdentity>>();
  let next = 0;
  const worker = async () => {
    while (next < options.requests) {
      next += 1;
      const op = g.pick(operations);
      const allowed = [...(admitted.get(op.key) ?? [])];
      const identity = allowed.length > 0 && g.chance(0.75) ? g.pick(allowed) : g.pick(options.identities);
      const roll = g.random();
      const mode: Mode = roll < 0.3 ? 'valid' : roll < 0.4 ? 'boundary' : roll < 0.75 ? 'edge' : 'hostile';
      const sent = buildRequest(g, op, mode);
      const session = sessions.get(identity.name);
      const headers = { ...sent.headers };
      if (session) {
        headers.cookie = session.cookie;
        if (op.method !== 'GET' && !(mode === 'hostile' && g.chance(0.05))) headers['x-csrf-token'] = session.csrfToken;
      }
      let status: number;
      let text: string;
      try {
        const response = await fetch(`${options.baseUrl}${sent.path}`, { method: sent.method, headers, ...(sent.body !== undefined ? { body: sent.body } : {}), redirect: 'manual' });
        status = response.status;
        text = await response.text();
      } catch (error) {
        status = 0;
        text = String(error);
      }
      report.requests += 1;
      if (status !== 401 && status !== 403 && status !== 0) {
        const set = admitted.get(op.key) ?? new Set<FuzzIdentity>();
        set.add(identity);
        admitted.set(op.key, set);
      }
      report.byStatus[status] = (report.byStatus[status] ?? 0) + 1;
      const perOp = (report.byOperation[op.key] ??= {});
      perOp[status] = (perOp[status] ?? 0) + 1;
      const finding = (kind: FuzzFinding['kind']) =>
        note({
          kind,
          operation: op.key,
          identity: identity.name,
          status,
          request: { method: sent.method, path: sent.path, ...(sent.contentType ? { contentType: sent.contentType } : {}), ...(sent.body !== undefined ? { body: sent.body.slice(0, 500) } : {}) },
          answer: text.slice(0, 500),
        });
      if (status >= 500 && status !== 503) finding('status-500');
      if (!op.declared.has(String(status))) finding('undeclared-status');
      if (status >= 400 && !isErrorShape(text)) finding('not-error-shape');
      // A request that ended the session (a card reported lost, an account locked): log in again.
      if (identity.login && status === 401 && text.includes('"UNAUTHENTICATED"')) await refresh(identity).catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  report.seconds = (Date.now() - started) / 1000;
  return report;
}

/** The report as lines of text: counts by status, then the findings. */
export function formatReport(label: string, report: FuzzReport): string {
  const lines = [`${label}: ${report.requests} requests to ${report.operations} operations in ${report.seconds.toFixed(1)} s`];
  for (const [status, n] of Object.entries(report.byStatus).sort(([a], [b]) => Number(a) - Number(b))) lines.push(`  ${status}  ${n}`);
  lines.push(`  500s: ${report.findingCounts['status-500']}; undeclared statuses: ${report.findingCounts['undeclared-status']}; answers not in the error shape: ${report.findingCounts['not-error-shape']}`);
  for (const f of report.findings.slice(0, 40)) lines.push(`  ${f.kind} ${f.status} ${f.operation} as ${f.identity}: ${f.request.method} ${f.request.path.slice(0, 120)} ${f.request.contentType ?? ''} ${(f.request.body ?? '').slice(0, 120)} → ${f.answer.slice(0, 160)}`);
  return lines.join('\n');
}

/** Slack's wire conventions shared by the method families: errors, typed arguments, cursors, timestamps. */
import type { IncomingMessage } from 'node:http';

/** Thrown by method handlers; becomes HTTP 200 `{ok:false,error}` as Slack does. */
export class SlackApiError extends Error {
  constructor(
    readonly code: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(code);
  }
}

/**
 * Request arguments with typed accessors. String-ish reads go to the raw value so a text that
 * happens to look like JSON (e.g. '[1,2]') is never mangled by the JSON-parsing done for `args`.
 */
export class Args {
  constructor(
    readonly parsed: Record<string, unknown>,
    private readonly raw: Record<string, string>,
  ) {}

  str(key: string): string | undefined {
    const v = this.raw[key];
    return v === undefined || v === '' ? undefined : v;
  }

  bool(key: string): boolean {
    const v = this.raw[key];
    return v === 'true' || v === '1';
  }

  num(key: string): number | undefined {
    const v = this.str(key);
    if (v === undefined) return undefined;
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }

  json(key: string): unknown {
    return this.parsed[key];
  }
}

export type Handler = (args: Args) => Record<string, unknown>;

const JSON_LIKE = /^\s*[[{]/;

export function parseFormValue(value: string): unknown {
  if (!JSON_LIKE.test(value)) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Slack ts -> integer microseconds (NaN when unparseable). Comparing strings would break on '9.x' vs '10.x'. */
export function tsMicros(ts: string): number {
  const [sec = '', frac = ''] = ts.split('.');
  if (!/^\d+$/.test(sec) || !/^\d*$/.test(frac)) return Number.NaN;
  return Number(sec) * 1_000_000 + Number(frac.padEnd(6, '0').slice(0, 6));
}

export function formatTs(micros: number): string {
  const sec = Math.floor(micros / 1_000_000);
  const frac = micros - sec * 1_000_000;
  return `${sec}.${String(frac).padStart(6, '0')}`;
}

/** Cursor = base64 offset; opaque to clients, like Slack's. */
export function paginate<T>(items: T[], args: Args, defaultLimit: number): { page: T[]; nextCursor: string } {
  const limit = Math.max(1, Math.min(args.num('limit') || defaultLimit, 1000));
  const cursor = args.str('cursor');
  let offset = 0;
  if (cursor !== undefined) {
    const decoded = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
    if (!decoded?.[1]) throw new SlackApiError('invalid_cursor');
    offset = Number(decoded[1]);
  }
  const page = items.slice(offset, offset + limit);
  const next = offset + limit;
  return { page, nextCursor: next < items.length ? Buffer.from(`offset:${next}`).toString('base64') : '' };
}

export function tzInfo(tz: string, at: Date): { offset: number; label: string } {
  try {
    const offsetName =
      new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' })
        .formatToParts(at)
        .find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
    const label =
      new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'long' })
        .formatToParts(at)
        .find((p) => p.type === 'timeZoneName')?.value ?? tz;
    const m = /GMT([+-])(\d{2}):(\d{2})/.exec(offsetName);
    const offset = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60) : 0;
    return { offset, label };
  } catch {
    return { offset: 0, label: tz };
  }
}

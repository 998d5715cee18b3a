import { readFileSync } from 'node:fs';
import { Ajv, type AnySchemaObject, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';

// Slack's app manifest JSON Schema (slackapi/manifest-schema, MIT; licence beside it), vendored so
// the repository stands alone.
const SCHEMA_DIR = new URL('../fixtures/slack-manifest-schema/', import.meta.url);
const MANIFEST_PATH = new URL('../../manifest.yml', import.meta.url);

const EVENTS_URL_SUFFIX = '/slack/events';

// Bot events we subscribe to and the scope Slack requires for each one.
const EVENT_SCOPES: Record<string, string | null> = {
  app_home_opened: null,
  'message.im': 'im:history',
  'message.mpim': 'mpim:history',
  reaction_added: 'reactions:read',
};

interface SlashCommand {
  command?: string;
  url?: string;
  description?: string;
  usage_hint?: string;
  should_escape?: boolean;
}

interface Manifest {
  display_information: { name: string; description?: string; long_description?: string; background_color?: string };
  features?: {
    bot_user?: { display_name: string; always_online?: boolean };
    app_home?: { home_tab_enabled?: boolean; messages_tab_enabled?: boolean; messages_tab_read_only_enabled?: boolean };
    slash_commands?: SlashCommand[];
  };
  oauth_config?: { scopes?: { bot?: string[] } };
  settings?: {
    event_subscriptions?: { request_url?: string; bot_events?: string[] };
    interactivity?: { is_enabled: boolean; request_url?: string };
    org_deploy_enabled?: boolean;
    socket_mode_enabled?: boolean;
    token_rotation_enabled?: boolean;
  };
}

function readJson(url: URL): AnySchemaObject {
  return JSON.parse(readFileSync(url, 'utf8')) as AnySchemaObject;
}

function isUri(value: string): boolean {
  try {
    return new URL(value).protocol.length > 0;
  } catch {
    return false;
  }
}

/** Every remote `$ref` in the top-level schema, e.g. https://raw.githubusercontent.com/…/manifest.schema.2.0.0.json */
function remoteRefs(schema: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) {
    for (const item of schema) remoteRefs(item, found);
  } else if (schema !== null && typeof schema === 'object') {
    for (const [key, value] of Object.entries(schema)) {
      if (key === '$ref' && typeof value === 'string' && /^https?:\/\//.test(value)) found.add(value);
      else remoteRefs(value, found);
    }
  }
  return found;
}

function buildValidator(): ValidateFunction {
  const top = readJson(new URL('manifest.schema.json', SCHEMA_DIR));
  const ajv = new Ajv({ strict: false, allErrors: true, formats: { uri: isUri } });
  const refs = [...remoteRefs(top)];
  // There is no network: register each versioned schema under the exact URL the top level refers to.
  expect(refs.map((r) => r.replace(/^.*\//, '')).sort()).toEqual(['manifest.schema.1.0.0.json', 'manifest.schema.2.0.0.json']);
  for (const ref of refs) {
    const file = new URL(`schemas/${ref.replace(/^.*\//, '')}`, SCHEMA_DIR);
    const schema = readJson(file);
    // The files carry no $id; give them one so their internal #/definitions refs resolve against it.
    ajv.addSchema({ ...schema, $id: ref }, ref);
  }
  return ajv.compile(top);
}

describe('manifest.yml', () => {
  let validate: ValidateFunction;
  let manifest: Manifest;

  beforeAll(() => {
    validate = buildValidator();
    manifest = parse(readFileSync(MANIFEST_PATH, 'utf8')) as Manifest;
  });

  it('validates against the Slack app manifest schema', () => {
    const ok = validate(manifest);
    if (!ok) console.log(JSON.stringify(validate.errors, null, 2));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('has display information within Slack limits (incl. the "regex" keyword Ajv ignores)', () => {
    const info = manifest.display_information;
    expect(info.name).toBe('Tandem');
    expect(info.description?.length ?? 0).toBeGreaterThan(0);
    expect(info.description?.length ?? 0).toBeLessThan(140);
    expect(info.long_description?.length ?? 0).toBeGreaterThanOrEqual(175);
    expect(info.long_description?.length ?? 0).toBeLessThanOrEqual(4000);
    expect(info.background_color).toMatch(/^#[0-9a-fA-F]{6}$/);
  });

  it('configures the bot user and App Home', () => {
    expect(manifest.features?.bot_user).toEqual({ display_name: 'tandem', always_online: true });
    expect(manifest.features?.app_home).toEqual({
      home_tab_enabled: true,
      messages_tab_enabled: true,
      messages_tab_read_only_enabled: false,
    });
  });

  it('declares /dtr and /tandem with should_escape so mentions arrive as user IDs', () => {
    const commands = manifest.features?.slash_commands ?? [];
    for (const name of ['/dtr', '/tandem']) {
      const cmd = commands.find((c) => c.command === name);
      expect(cmd, `${name} is declared`).toBeDefined();
      expect(cmd?.should_escape, `${name} should_escape`).toBe(true);
      expect(cmd?.url, `${name} url`).toMatch(/^https:\/\/.+\/slack\/events$/);
    }
    expect(commands.find((c) => c.command === '/dtr')?.usage_hint).toBe('kickoff | midmod | exit | show [@partner]');
  });

  it('has the scope each subscribed bot event requires', () => {
    const scopes = new Set(manifest.oauth_config?.scopes?.bot ?? []);
    const events = manifest.settings?.event_subscriptions?.bot_events ?? [];
    expect([...events].sort()).toEqual(Object.keys(EVENT_SCOPES).sort());
    for (const event of events) {
      const required = EVENT_SCOPES[event];
      expect(required, `known scope requirement for ${event}`).not.toBeUndefined();
      if (required) expect(scopes.has(required), `${event} needs ${required}`).toBe(true);
    }
    for (const scope of ['commands', 'chat:write', 'im:write', 'mpim:write', 'users:read', 'groups:read', 'files:write']) {
      expect(scopes.has(scope), scope).toBe(true);
    }
  });

  it('points events and interactivity at /slack/events over HTTP (not Socket Mode)', () => {
    const settings = manifest.settings;
    expect(settings?.event_subscriptions?.request_url?.endsWith(EVENTS_URL_SUFFIX)).toBe(true);
    expect(settings?.interactivity?.is_enabled).toBe(true);
    expect(settings?.interactivity?.request_url?.endsWith(EVENTS_URL_SUFFIX)).toBe(true);
    expect(settings?.socket_mode_enabled).toBe(false);
    expect(settings?.org_deploy_enabled).toBe(false);
    expect(settings?.token_rotation_enabled).toBe(false);
  });

  it('rejects a manifest with an invalid field (negative control for the validator)', () => {
    const broken = structuredClone(manifest);
    const first = broken.features?.slash_commands?.[0];
    if (!first) throw new Error('manifest has no slash command to break');
    delete first.command;
    expect(validate(broken)).toBe(false);
    expect(validate.errors?.some((e) => e.keyword === 'required' && e.params['missingProperty'] === 'command')).toBe(true);

    const unknownTop = { ...structuredClone(manifest), bogus_section: true };
    expect(validate(unknownTop)).toBe(false);
  });
});

import { readFileSync } from 'node:fs';
import { validate } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';

const DOCKERFILE = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8');
const DOCKERIGNORE = readFileSync(new URL('../../.dockerignore', import.meta.url), 'utf8');

const SEVERITY = ['', 'error', 'warning', 'info', 'hint'] as const;
const SECRET_NAME = /TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|PRIVATE_?KEY|CREDENTIAL/i;

/** Every dockerfile-utils diagnostic (errors, warnings, everything), formatted for printing. */
function lint(content: string): string[] {
  return validate(content).map((d) => `line ${d.range.start.line + 1}: ${SEVERITY[d.severity ?? 1] ?? d.severity} ${d.message}`);
}

interface Instruction {
  line: number;
  keyword: string;
  args: string;
}

/** Minimal parse: drops comments/blank lines, joins `\` continuations, splits keyword from arguments. */
function instructions(content: string): Instruction[] {
  const out: Instruction[] = [];
  let pending: { line: number; text: string } | null = null;
  content.split(/\r?\n/).forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed.startsWith('#') || (trimmed === '' && pending === null)) return;
    const continues = trimmed.endsWith('\\');
    const piece = continues ? trimmed.slice(0, -1).trim() : trimmed;
    pending = pending ? { line: pending.line, text: `${pending.text} ${piece}` } : { line: index + 1, text: piece };
    if (continues) return;
    const match = /^(\S+)\s*(.*)$/.exec(pending.text);
    if (match) out.push({ line: pending.line, keyword: (match[1] ?? '').toUpperCase(), args: match[2] ?? '' });
    pending = null;
  });
  return out;
}

/** Split into build stages, each starting with its FROM. */
function stages(list: Instruction[]): Instruction[][] {
  const result: Instruction[][] = [];
  for (const ins of list) {
    if (ins.keyword === 'FROM') result.push([ins]);
    else result.at(-1)?.push(ins);
  }
  return result;
}

function envNames(args: string): string[] {
  if (!args.includes('=')) return [args.split(/\s+/)[0] ?? ''];
  return [...args.matchAll(/(?:^|\s)([A-Za-z_][A-Za-z0-9_.-]*)=/g)].map((m) => m[1] ?? '');
}

/** The things a reviewer checks by eye, as a list of problems (empty = fine). */
function reviewProblems(content: string): string[] {
  const problems: string[] = [];
  const all = instructions(content);
  const byStage = stages(all);
  if (byStage.length < 2) problems.push(`expected a multi-stage build (>= 2 FROM), found ${byStage.length}`);
  const final = byStage.at(-1) ?? [];

  const user = final.filter((i) => i.keyword === 'USER').at(-1);
  const userName = user?.args.split(':')[0]?.trim();
  if (!userName || userName === 'root' || userName === '0') {
    problems.push(`final stage must switch to a non-root USER (found ${user ? user.args : 'none'})`);
  }

  const healthchecks = final.filter((i) => i.keyword === 'HEALTHCHECK');
  if (!healthchecks.some((h) => /\bCMD\b/.test(h.args) && h.args.includes('/healthz'))) {
    problems.push('final stage needs a HEALTHCHECK that probes /healthz');
  }

  const npmInstalls = final.filter((i) => i.keyword === 'RUN' && /\bnpm (ci|install|i)\b/.test(i.args));
  if (npmInstalls.length === 0) problems.push('final stage installs no dependencies');
  for (const run of npmInstalls) {
    if (!/--omit=dev\b/.test(run.args)) problems.push(`line ${run.line}: runtime install without --omit=dev: ${run.args}`);
  }

  for (const ins of all) {
    if (ins.keyword === 'ADD' && /(^|\s)(--\S+\s+)*https?:\/\//.test(ins.args)) {
      problems.push(`line ${ins.line}: ADD of a remote URL (${ins.args})`);
    }
    if (ins.keyword === 'ENV' || ins.keyword === 'ARG') {
      for (const name of envNames(ins.args)) {
        if (SECRET_NAME.test(name)) problems.push(`line ${ins.line}: secret-looking ${ins.keyword} ${name}`);
      }
    }
  }
  return problems;
}

describe('Dockerfile', () => {
  it('passes dockerfile-utils lint with no diagnostics at all (errors or warnings)', () => {
    const diagnostics = lint(DOCKERFILE);
    if (diagnostics.length > 0) console.log(`Dockerfile diagnostics:\n${diagnostics.join('\n')}`);
    expect(diagnostics).toEqual([]);
  });

  it('meets the review checklist: multi-stage, non-root, /healthz probe, prod-only deps, no remote ADD, no secrets', () => {
    expect(reviewProblems(DOCKERFILE)).toEqual([]);
  });

  it('builds on node:26-slim, runs the CLI, and declares port and data dir', () => {
    const list = instructions(DOCKERFILE);
    const froms = list.filter((i) => i.keyword === 'FROM').map((i) => i.args);
    expect(froms).toEqual(['node:26-slim AS build', 'node:26-slim']);
    const final = stages(list).at(-1) ?? [];
    const cmd = final.filter((i) => i.keyword === 'CMD').at(-1);
    expect(cmd && JSON.parse(cmd.args)).toEqual(['node', 'bin/tandem.js', 'start']);
    expect(final.some((i) => i.keyword === 'COPY' && i.args.startsWith('--from=build /app/dist'))).toBe(true);
    expect(final.some((i) => i.keyword === 'EXPOSE' && i.args === '3000')).toBe(true);
    expect(final.filter((i) => i.keyword === 'ENV').flatMap((i) => envNames(i.args))).toEqual(
      expect.arrayContaining(['NODE_ENV', 'PORT', 'DATA_DIR']),
    );
  });

  it('keeps local state and secrets out of the build context', () => {
    const entries = DOCKERIGNORE.split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    expect(entries).toEqual(
      expect.arrayContaining(['node_modules', 'dist', 'data', '.git', 'coverage', 'bench/out', '*.log', '.env']),
    );
  });

  describe('negative controls (the checks can fail)', () => {
    it('lint reports an invalid EXPOSE port', () => {
      expect(lint('FROM node:26-slim\nEXPOSE abc\n').join('\n')).toMatch(/Invalid containerPort: abc/);
    });

    it('lint reports an unknown instruction', () => {
      expect(lint('FROM node:26-slim\nFOO bar\n').join('\n')).toMatch(/Unknown instruction: FOO/);
    });

    it('the review checklist flags a single-stage, root, unprobed image with baked-in secrets', () => {
      const bad = [
        'FROM node:26-slim',
        'ADD https://example.com/tool.tgz /tmp/',
        'ENV SLACK_BOT_TOKEN=xoxb-123 PORT=3000',
        'ARG SLACK_SIGNING_SECRET',
        'RUN npm ci',
        'CMD ["node", "bin/tandem.js", "start"]',
      ].join('\n');
      const problems = reviewProblems(bad).join('\n');
      expect(problems).toMatch(/multi-stage/);
      expect(problems).toMatch(/non-root USER/);
      expect(problems).toMatch(/HEALTHCHECK/);
      expect(problems).toMatch(/without --omit=dev/);
      expect(problems).toMatch(/ADD of a remote URL/);
      expect(problems).toMatch(/ENV SLACK_BOT_TOKEN/);
      expect(problems).toMatch(/ARG SLACK_SIGNING_SECRET/);
      expect(problems).not.toMatch(/PORT/);
    });

    it('the review checklist rejects an explicit root user', () => {
      const rootUser = `${DOCKERFILE.replace(/^USER node$/m, 'USER root')}`;
      expect(rootUser).not.toBe(DOCKERFILE);
      expect(reviewProblems(rootUser).join('\n')).toMatch(/non-root USER \(found root\)/);
    });
  });
});

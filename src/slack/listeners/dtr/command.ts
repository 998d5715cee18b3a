import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { Milestone } from '../../../domain/vocabulary.js';
import { parseUserMention, tokenize } from '../../../domain/mentions.js';
import type { Services } from '../../../services/index.js';
import { dtrModal, dtrShowBlocks, milestoneTitles } from '../../../messages/dtr.js';
import { button, section, userAnswers } from '../../../messages/text.js';
import { dtrIds } from '../../../messages/ids.js';
import { answerAfterAck, onceForTrigger, openForm } from '../kit/respond.js';

const milestones = ['kickoff', 'midmod', 'exit'] as const;
const aliases: Record<string, Milestone> = {
  kickoff: 'kickoff',
  'kick-off': 'kickoff',
  midmod: 'midmod',
  'mid-mod': 'midmod',
  midmodule: 'midmod',
  exit: 'exit',
};
const usage = 'Usage: `/dtr kickoff | midmod | exit [@partner]`, or `/dtr show [kickoff|midmod|exit] [@partner]`.';

export type DtrCommand =
  | { kind: 'choose' }
  | { kind: 'open'; milestone: Milestone; partnerId?: string }
  | { kind: 'show'; milestone: Milestone; partnerId?: string };

export function parseDtrCommand(text: string): { ok: true; command: DtrCommand } | { ok: false; message: string } {
  const words = tokenize(text.slice(0, 500));
  if (words.length === 0) return { ok: true, command: { kind: 'choose' } };
  const [first = '', ...rest] = words;
  const show = first.toLowerCase() === 'show';
  const args = show ? rest : [first, ...rest];
  let milestone: Milestone | undefined;
  let partnerId: string | undefined;
  for (const a of args) {
    const m = aliases[a.toLowerCase()];
    const p = parseUserMention(a);
    if (m && !milestone) milestone = m;
    else if (p && !partnerId) partnerId = p;
    else return { ok: false, message: `I did not understand “${a.slice(0, 40)}”. ${usage}` };
  }
  if (!milestone)
    return show
      ? { ok: true, command: { kind: 'show', milestone: 'kickoff', ...(partnerId ? { partnerId } : {}) } }
      : { ok: false, message: usage };
  return { ok: true, command: { kind: show ? 'show' : 'open', milestone, ...(partnerId ? { partnerId } : {}) } };
}

const commandPayload = z.object({
  user_id: z.string().regex(/^[UW][A-Z0-9]+$/),
  text: z.string().max(4000).default(''),
  trigger_id: z.string().min(1),
});

/** Opens the DTR modal for `actor` right away: the trigger id is only good for three seconds. */
export async function openDtrModal(
  services: Services,
  client: WebClient,
  actor: string,
  triggerId: string,
  milestone: Milestone,
  partnerId?: string,
  pairingId?: number,
): Promise<string | null> {
  const p = await services.dtr.prepare(actor, milestone, partnerId, pairingId);
  if (!p.ok) return p.message;
  const view = dtrModal({
    set: p.set,
    role: p.role,
    meta: { m: milestone, p: p.pairingId, s: p.ref.source, v: p.ref.version },
    prefill: p.prefill,
    partnerChoices: p.choices,
    zone: p.zone,
  });
  return openForm(client, triggerId, { ok: true, view });
}

export function registerDtrCommand(app: App, services: Services): void {
  const log = services.logger.child({ component: 'dtr-command' });

  app.command('/dtr', async ({ command, ack, respond, client }) => {
    const payload = commandPayload.safeParse(command);
    if (!payload.success) {
      await ack({ response_type: 'ephemeral', text: 'That request was incomplete, so I ignored it. Please try again.' });
      return;
    }
    const parsed = parseDtrCommand(payload.data.text);
    if (!parsed.ok) {
      await ack({ response_type: 'ephemeral', text: parsed.message });
      return;
    }
    const cmd = parsed.command;
    if (cmd.kind === 'choose') {
      await ack({
        response_type: 'ephemeral',
        text: 'Which conversation?',
        blocks: [
          section('*Which DTR conversation do you want to record?*'),
          { type: 'actions', elements: milestones.map((m) => button(`${dtrIds.open}:${m}`, milestoneTitles[m], `0:${m}`)) },
        ],
      });
      return;
    }
    await ack();
    if (!(await onceForTrigger(services, log, payload.data.trigger_id))) return;
    const actor = payload.data.user_id;
    await answerAfterAck(respond, log, async () => {
      if (cmd.kind === 'open')
        return openDtrModal(services, client, actor, payload.data.trigger_id, cmd.milestone, cmd.partnerId);
      const r = await services.dtr.show(actor, cmd.milestone, cmd.partnerId);
      if (!r.ok) return r.message;
      return {
        text: `${milestoneTitles[cmd.milestone]} of <@${r.pairing.mentor_id}> and <@${r.pairing.mentee_id}>`,
        blocks: dtrShowBlocks({
          milestone: cmd.milestone,
          viewerIsMentor: r.viewerIsMentor,
          viewerId: actor,
          sides: r.sides.map((side) => ({ ...side, answers: userAnswers(side.answers) })),
        }),
      };
    });
  });
}

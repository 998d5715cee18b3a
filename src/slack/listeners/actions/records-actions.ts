import type { App, BlockButtonAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Services } from '../../../services/index.js';
import { sessionLogModal } from '../../blocks/session-log.js';
import { standupModal } from '../../blocks/standup.js';
import { sessionLogIds, standupIds } from '../../ids.js';
import { somethingWentWrong, tellClicker } from '../respond.js';

const idValue = z.string().regex(/^\d{1,9}$/);

export async function openSessionLogModal(services: Services, client: WebClient, actor: string, triggerId: string, opts: { logId?: number; pairingId?: number } = {}): Promise<string | null> {
  const form = await services.records.logForm(actor, opts.logId);
  if (!form.ok) return form.message;
  const names = new Map((await services.repos.people.findMany(form.mentees.map((m) => m.mentee_id))).map((p) => [p.slack_id, p.real_name || p.name]));
  const zone = (await services.people.find(actor))?.time_zone ?? 'UTC';
  const today = DateTime.fromJSDate(services.clock(), { zone }).toISODate() as string;
  await client.views.open({ trigger_id: triggerId, view: sessionLogModal({ mentees: form.mentees, menteeNames: names, existing: form.existing, today, preselect: opts.pairingId }) as never });
  return null;
}

export async function openStandupModal(services: Services, client: WebClient, actor: string, triggerId: string, standupId: number): Promise<string | null> {
  const r = await services.standups.forMentor(actor, standupId);
  if (!r.ok) return r.message;
  await client.views.open({ trigger_id: triggerId, view: standupModal({ standupId, page: 0, weekLabel: r.weekLabel, mentees: r.mentees, entries: r.entries, generalNote: r.standup.general_note }) as never });
  return null;
}

export function registerRecordsActions(app: App, services: Services): void {
  const log = services.logger.child({ component: 'records-actions' });
  const handle = (actionId: string, open: (actor: string, triggerId: string, client: WebClient, id: number) => Promise<string | null>) =>
    app.action<BlockButtonAction>(actionId, async ({ ack, body, action, client, respond }) => {
      await ack();
      const v = idValue.safeParse(action.value);
      if (!v.success) return;
      try {
        const problem = await open(body.user.id, body.trigger_id, client, Number(v.data));
        if (problem) await tellClicker({ body, respond, client, logger: log }, problem);
      } catch (err) {
        log.error({ err, actionId }, 'could not open the form');
        await tellClicker({ body, respond, client, logger: log }, somethingWentWrong);
      }
    });
  handle(standupIds.open, (actor, trigger, client, id) => openStandupModal(services, client, actor, trigger, id));
  handle(sessionLogIds.open, (actor, trigger, client, id) => openSessionLogModal(services, client, actor, trigger, { pairingId: id }));
  handle(sessionLogIds.edit, (actor, trigger, client, id) => openSessionLogModal(services, client, actor, trigger, { logId: id }));
}

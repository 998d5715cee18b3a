import type { PairingStatus } from '../domain/vocabulary.js';
import { counted, escapeMrkdwn } from './text.js';
import { weeklySlot } from './time.js';

/** A pairing as the staff list shows it. */
export type PairingListed = {
  mentorId: string;
  menteeId: string;
  status: PairingStatus;
  pausedUntil: string | null;
  meetingWeekday: number | null;
  meetingTime: string | null;
  /** The zone the slot was agreed in (the mentor's, from the kick-off). */
  meetingZone: string | null;
};

/** Longest list one ephemeral reply holds comfortably. */
const shownAtMost = 80;

/** `/tandem list`: a program's pairings, one line each (mentor → mentee, their meeting slot, paused or ended). */
export function pairingListText(programName: string, pairings: readonly PairingListed[]): string {
  if (pairings.length === 0)
    return `“${escapeMrkdwn(programName)}” has no pairings yet. Add one with \`/tandem pair @mentor @mentee\`.`;
  const line = (p: PairingListed) => {
    const slot =
      p.meetingWeekday && p.meetingTime ? ` · meets ${weeklySlot(p.meetingWeekday, p.meetingTime, p.meetingZone ?? 'UTC')}` : '';
    const status = p.status === 'active' ? '' : ` · _${p.status}${p.pausedUntil ? ` until ${p.pausedUntil}` : ''}_`;
    return `• <@${p.mentorId}> → <@${p.menteeId}>${slot}${status}`;
  };
  const shown = pairings.slice(0, shownAtMost);
  const more = pairings.length - shown.length;
  return [
    `*${escapeMrkdwn(programName)}* — ${counted(pairings.length, 'pairing')}`,
    ...shown.map(line),
    ...(more > 0 ? [`…and ${more} more.`] : []),
  ].join('\n');
}

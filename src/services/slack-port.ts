import type { HomeView, KnownBlock } from '@slack/types';
import type { SlackProfile } from '../domain/vocabulary.js';
/**
 * What the services need from Slack, and nothing more. The Web API implementation lives in
 * src/slack/web-api-port.ts; services never see Bolt or the WebClient.
 */
export type SlackUser = SlackProfile & { id: string };

export type ConversationInfo = {
  id: string;
  isPrivate: boolean;
  isIm: boolean;
  isMpim: boolean;
  isMember: boolean;
};

export type OutgoingMessage = {
  channel: string;
  text: string;
  blocks?: KnownBlock[] | undefined;
  threadTs?: string | undefined;
  metadata?: { eventType: string; payload: Record<string, string | number | boolean> } | undefined;
};

/** A message as the bot may see it for a double-check: ids and times only, the text is left at Slack. */
export type MessageRef = {
  ts: string;
  user: string | null;
  isBot: boolean;
  subtype: string | null;
  threadTs: string | null;
  reactions: { name: string; users: string[] }[];
};

export interface SlackPort {
  userInfo(userId: string): Promise<SlackUser>;
  /** Opens (or finds) the DM or group DM of the bot with these users; returns its id. */
  openConversation(userIds: readonly string[]): Promise<string>;
  conversationInfo(channel: string): Promise<ConversationInfo>;
  postMessage(message: OutgoingMessage): Promise<{ channel: string; ts: string }>;
  updateMessage(message: { channel: string; ts: string; text: string; blocks?: KnownBlock[] | undefined }): Promise<void>;
  /** Finds a message the bot posted with this metadata value, among the recent history (or in a thread). */
  findMessageByMetadata(
    channel: string,
    eventType: string,
    key: string,
    value: string | number,
    oldest: Date,
    threadTs?: string,
  ): Promise<string | null>;
  permalink(channel: string, ts: string): Promise<string | null>;
  /** Top-level messages after this ts (one page, oldest first), with their reactions. */
  messagesAfter(channel: string, oldestTs: string): Promise<MessageRef[]>;
  /** A thread: its parent and replies (conversations.replies), with their reactions. */
  threadMessages(channel: string, threadTs: string): Promise<MessageRef[]>;
  /** Every reaction on one message, with all who reacted (reactions.get, full). */
  reactionsOn(channel: string, ts: string): Promise<{ name: string; users: string[] }[]>;
  /** Publishes a person's App Home view (views.publish replaces it; safe to repeat). */
  publishHome(userId: string, view: HomeView): Promise<void>;
  /** Uploads a file into a conversation (files.uploadV2); safe to retry only when it failed before Slack stored it. */
  uploadFile(file: {
    channel: string;
    filename: string;
    title: string;
    content: string | Buffer;
    initialComment?: string;
  }): Promise<void>;
  /** Finds a message that shared a file of this name into the channel, among the recent history; returns its ts. */
  findFileShare(channel: string, filename: string, oldest: Date): Promise<string | null>;
}

export type SlackFailure =
  | { kind: 'rate_limited'; retryAfterMs: number; error: string }
  | { kind: 'transient'; error: string }
  | { kind: 'permanent'; error: string };

/** A Slack call that failed, already classified so callers can decide to wait, retry or stop. */
export class SlackCallError extends Error {
  override name = 'SlackCallError';
  constructor(
    readonly method: string,
    readonly failure: SlackFailure,
  ) {
    super(`${method} failed: ${failure.error}`);
  }
}

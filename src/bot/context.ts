/** The bot's context type and what every feature gets: the archive, the stores, the settings. */
import type { I18nFlavor } from "@grammyjs/i18n";
import type { Context, SessionFlavor, StorageAdapter } from "grammy";
// The bot sees the archive (answer layer), never the index or the corpus behind it.
import type { Answer, Archive, FollowUpResolver, Turn } from "../answer/index.js";
import type { Logger } from "../logger.js";
import type { AnswerMemory } from "./answer-memory.js";
import type { FeedbackStore } from "./feedback-store.js";
import type { RateCounter } from "./shared-stores.js";

/** Per chat: the last few questions (standalone forms), for follow-ups. */
export interface ChatSession {
  turns: Turn[];
}

export type BotContext = Context & I18nFlavor & SessionFlavor<ChatSession>;

export interface BotStats {
  startedAt: number;
  questions: number;
  abstained: number;
  totalMs: number;
}

/** Counts one answered question in the stats /stats shows. */
export function countAnswer(stats: BotStats, a: Pick<Answer, "abstained" | "timings">): void {
  stats.questions++;
  stats.totalMs += a.timings.total_ms;
  if (a.abstained) stats.abstained++;
}

export interface BotSettings {
  adminIds: number[];
  allowedUserIds: number[];
  allowedChatIds: number[];
  /** Questions per user per minute before the polite refusal. */
  rateLimitPerMinute: number;
  maxUploadBytes: number;
  /** Where to download uploaded documents from: `${apiRoot}/file/bot${token}/${file_path}`. */
  apiRoot: string;
  token: string;
  /** The installation's secret key (DATA_DIR/secret.key): keys the user pseudonyms in feedback. */
  secretKey: Uint8Array;
}

export interface BotDeps {
  /** Questions, articles, index facts and admin operations. */
  archive: Archive;
  feedback: FeedbackStore;
  memory: AnswerMemory;
  stats: BotStats;
  settings: BotSettings;
  log: Logger;
  /** Turns follow-ups into standalone questions (default: the rule without an LLM). */
  followUps?: FollowUpResolver;
  /** Stream LLM tokens into the reply by editing it (at most once a second). */
  streaming?: boolean;
  /** Where sessions and rate-limit counters live when replicas share them (default: this process's memory). */
  stores?: { sessions?: StorageAdapter<ChatSession>; rate?: RateCounter };
}

export const isAdmin = (deps: BotDeps, ctx: Context): boolean => ctx.from !== undefined && deps.settings.adminIds.includes(ctx.from.id);

/** An article's text (its first words make a card's headline when it has none), by the id a citation carries. */
export const articleLead =
  (deps: Pick<BotDeps, "archive">) =>
  (articleId: string): string | undefined =>
    deps.archive.article(deps.archive.articleKey(articleId))?.body;

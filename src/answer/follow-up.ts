/**
 * Follow-up questions (`那进口呢？` after `1-5月义乌外贸进出口总值是多少？`) become standalone
 * before retrieval. With an LLM: the follow-up prompt rewrites them. Without one — or when it
 * fails — a documented rule: a question asked within FOLLOW_UP_WINDOW_MS of the previous one
 * that starts with a linking word (那/那么/还有/另外/它/他/她/其/该/这/此…), ends with 呢, or has at
 * most one informative term, is extended with the previous question's terms it lacks.
 */
import { normalizeText, queryTerms } from "../search/index.js";
import type { LlmAnswerer } from "./llm.js";

export interface Turn {
  /** The standalone form of the question that was answered. */
  question: string;
  at: number;
}

export const FOLLOW_UP_WINDOW_MS = 10 * 60_000;
/** Turns kept per chat. */
export const MAX_TURNS = 3;

/** The history after a question was answered: the last MAX_TURNS questions. */
export const addTurn = (turns: Turn[], question: string, at = Date.now()): Turn[] => [...turns, { question, at }].slice(-MAX_TURNS);

const LINKING = /^(那么|那|还有|另外|以及|其中|它们|它|他们|他|她们|她|这些|这个|这|该|其|此|then|and|what about|how about)/iu;

export function looksLikeFollowUp(question: string): boolean {
  const q = normalizeText(question).replace(/[\s？?！!。，,]+/gu, "");
  if (!q) return false;
  return LINKING.test(q) || (/呢$/u.test(q) && q.length <= 16) || queryTerms(question).length <= 1;
}

/** The rule without an LLM: the follow-up plus the previous question's terms it does not have. */
export function carryOver(previous: string, question: string): string {
  const have = new Set(queryTerms(question));
  const norm = normalizeText(question);
  const extra = queryTerms(previous).filter((t) => !have.has(t) && !norm.includes(t));
  // drop sub-words of a carried word (search mode emits both 进出口 and 出口)
  const kept = extra.filter((t) => !extra.some((o) => o !== t && o.includes(t)));
  return kept.length ? `${question} ${kept.join(" ")}` : question;
}

export interface FollowUpResolver {
  /** The standalone question to answer, given the chat's previous turns (oldest first). */
  resolve(history: Turn[], question: string, now?: number): Promise<string>;
}

export function createFollowUpResolver(options: { llm?: LlmAnswerer; onError?: (err: unknown) => void } = {}): FollowUpResolver {
  return {
    async resolve(history, question, now = Date.now()) {
      const recent = history.filter((t) => now - t.at <= FOLLOW_UP_WINDOW_MS).slice(-MAX_TURNS);
      const last = recent.at(-1);
      if (!last || !looksLikeFollowUp(question)) return question;
      if (options.llm) {
        try {
          const rewritten = await options.llm.rewrite(
            recent.map((t) => t.question),
            question,
          );
          if (rewritten && rewritten.length <= 500) return rewritten;
        } catch (err) {
          options.onError?.(err);
        }
      }
      return carryOver(last.question, question);
    },
  };
}

/**
 * What buttons refer to: recent answers and article views by an unguessable random id (48 bits),
 * each bound to the chat and message it was sent with and to the user it was made for. A press
 * counts only on that message (a forged or replayed id on another message is refused), and a
 * view pages only for its owner. Bounded and in memory: after a restart old buttons say they
 * expired instead of acting on nothing.
 */
import { randomBytes } from "node:crypto";
import type { Answer } from "../answer/index.js";

export interface Remembered<T> {
  value: T;
  chatId: number;
  ownerId: number;
  /** Set once the message carrying the buttons is sent. */
  messageId?: number;
}

export interface Press {
  chatId: number;
  messageId: number;
  userId: number;
}

export type PressCheck<T> = { ok: true; entry: Remembered<T> } | { ok: false; why: "expired" | "elsewhere" | "not-owner" };

export interface TokenStore<T> {
  remember(value: T, where: { chatId: number; ownerId: number }): string;
  bind(id: string, messageId: number): void;
  /** The entry when `press` is on its message (and, with ownerOnly, by its owner). */
  check(id: string, press: Press, options?: { ownerOnly?: boolean }): PressCheck<T>;
  /** Forgets an id (a one-shot button, once used). */
  forget(id: string): void;
  /** The entry bound to a message (a reply to it continues it). */
  find(chatId: number, messageId: number): Remembered<T> | undefined;
}

export type AnswerMemory = TokenStore<Answer>;

/** Length of the ids (base64url of 6 random bytes). */
export const TOKEN_LENGTH = 8;

export function createTokenStore<T>(capacity = 2000): TokenStore<T> {
  const map = new Map<string, Remembered<T>>();
  const byMessage = new Map<string, string>();
  return {
    remember(value, where) {
      const id = randomBytes(6).toString("base64url");
      map.set(id, { value, ...where });
      if (map.size > capacity) map.delete(map.keys().next().value!);
      return id;
    },
    bind(id, messageId) {
      const e = map.get(id);
      if (!e) return;
      e.messageId = messageId;
      byMessage.set(`${e.chatId}:${messageId}`, id);
      if (byMessage.size > capacity) byMessage.delete(byMessage.keys().next().value!);
    },
    check(id, press, options = {}) {
      const entry = map.get(id);
      if (!entry) return { ok: false, why: "expired" };
      if (entry.chatId !== press.chatId || entry.messageId !== press.messageId) return { ok: false, why: "elsewhere" };
      if (options.ownerOnly && entry.ownerId !== press.userId) return { ok: false, why: "not-owner" };
      return { ok: true, entry };
    },
    forget: (id) => void map.delete(id),
    find(chatId, messageId) {
      const id = byMessage.get(`${chatId}:${messageId}`);
      return id === undefined ? undefined : map.get(id);
    },
  };
}

export const createAnswerMemory = (capacity = 2000): AnswerMemory => createTokenStore<Answer>(capacity);

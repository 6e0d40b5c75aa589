/**
 * What buttons refer to: recent answers and article views by an unguessable random id (48 bits),
 * each bound to the chat and message it was sent with and to the user it was made for. A press
 * counts only on that message (a forged or replayed id on another message is refused), and a
 * view pages only for its owner. Bounded; answers are also kept in DATA_DIR/answers.jsonl (0600:
 * it holds questions) so that their buttons (👍/👎, 更多, replies continuing them) work after a
 * restart. Other stores live in memory: after a restart their buttons say they expired.
 */
import { randomBytes } from "node:crypto";
import { appendFileSync, chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
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
  /** Binds an id to the message sent with it (a shared store resolves once other replicas can see it). */
  bind(id: string, messageId: number): void | Promise<void>;
  /** Brings an entry kept by another replica into this one (shared stores; nothing for local ones). */
  load?(key: { id: string } | { chatId: number; messageId: number }): Promise<void>;
  /** The entry when `press` is on its message (and, with ownerOnly, by its owner). */
  check(id: string, press: Press, options?: { ownerOnly?: boolean }): PressCheck<T>;
  /** Forgets an id (a one-shot button, once used). */
  forget(id: string): void;
  /** The entry bound to a message (a reply to it continues it). */
  find(chatId: number, messageId: number): Remembered<T> | undefined;
  get(id: string): Remembered<T> | undefined;
  /** Every bound entry, oldest first, with its id. */
  entries(): Array<[string, Remembered<T>]>;
  /** Puts back an entry kept from an earlier run. */
  restore(id: string, entry: Remembered<T>): void;
}

export type AnswerMemory = TokenStore<Answer>;

/** Length of the ids (base64url of 6 random bytes). */
export const TOKEN_LENGTH = 8;

export function createTokenStore<T>(capacity = 2000): TokenStore<T> {
  const map = new Map<string, Remembered<T>>();
  const byMessage = new Map<string, string>();
  const put = (id: string, entry: Remembered<T>) => {
    map.delete(id);
    map.set(id, entry);
    if (map.size > capacity) map.delete(map.keys().next().value!);
  };
  const index = (id: string, e: Remembered<T>) => {
    if (e.messageId === undefined) return;
    byMessage.set(`${e.chatId}:${e.messageId}`, id);
    if (byMessage.size > capacity) byMessage.delete(byMessage.keys().next().value!);
  };
  return {
    remember(value, where) {
      const id = randomBytes(6).toString("base64url");
      put(id, { value, ...where });
      return id;
    },
    bind(id, messageId) {
      const e = map.get(id);
      if (!e) return;
      e.messageId = messageId;
      index(id, e);
    },
    restore(id, entry) {
      put(id, entry);
      index(id, entry);
    },
    get: (id) => map.get(id),
    entries: () => [...map.entries()].filter(([, e]) => e.messageId !== undefined),
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

export const ANSWERS_FILE_MODE = 0o600;

/**
 * A token store kept in a JSON-lines file: every bound entry is appended, the file is read back on
 * start (a torn last line is skipped) and rewritten with the live entries once it holds twice the
 * capacity. A failed write (disk full) only loses persistence of that entry, never the answer.
 */
export function createPersistentTokenStore<T>(file: string, capacity = 2000, onError?: (err: unknown) => void): TokenStore<T> {
  const store = createTokenStore<T>(capacity);
  let lines = 0;
  try {
    for (const line of readFileSync(file, "utf8").split("\n")) {
      if (!line.trim()) continue;
      try {
        const { id, ...entry } = JSON.parse(line) as Remembered<T> & { id: string };
        store.restore(id, entry);
        lines++;
      } catch {
        // a torn line after a crash
      }
    }
  } catch {
    // no file yet
  }
  const write = (fn: () => void) => {
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      fn();
      chmodSync(file, ANSWERS_FILE_MODE);
    } catch (err) {
      onError?.(err);
    }
  };
  return {
    ...store,
    bind(id, messageId) {
      store.bind(id, messageId);
      const entry = store.get(id);
      if (!entry) return;
      if (++lines > 2 * capacity) {
        const live = store.entries();
        lines = live.length;
        write(() =>
          writeFileSync(file, live.map(([k, e]) => `${JSON.stringify({ id: k, ...e })}\n`).join(""), { mode: ANSWERS_FILE_MODE }),
        );
      } else write(() => appendFileSync(file, `${JSON.stringify({ id, ...entry })}\n`, { mode: ANSWERS_FILE_MODE }));
    },
  };
}

/** Recent answers by button id; kept in `file` across restarts when one is given. */
export const createAnswerMemory = (options: { capacity?: number; file?: string; onError?: (err: unknown) => void } = {}): AnswerMemory =>
  options.file
    ? createPersistentTokenStore<Answer>(options.file, options.capacity, options.onError)
    : createTokenStore<Answer>(options.capacity);

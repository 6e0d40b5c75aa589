/**
 * The webhook endpoint. Telegram sends each update once per POST and waits for the answer; an
 * update is acknowledged as soon as it is authenticated and well-formed, then handled in the
 * background, so a slow update (a reindex, a slow model) never times the request out and never
 * takes the process with it. Only POSTs to the webhook URL's path with the secret token that
 * setWebhook registered are accepted (compared in constant time); a malformed body gets 400.
 *
 * grammY's webhookCallback awaits the update before it answers (that is what lets it send a
 * webhook reply) and throws after 10 s: this server is the "respond first, work after" variant
 * its documentation recommends for long-running updates.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { Update } from "grammy/types";
import { type Logger, safeError } from "../logger.js";

/** Telegram's updates are small; anything larger is not one. */
export const MAX_UPDATE_BYTES = 1 << 20;
/** Update ids remembered to drop a redelivered update. */
const RECENT_UPDATES = 1000;

export interface WebhookServerOptions {
  path: string;
  secret: string;
  port: number;
  host?: string;
  log: Logger;
  handle: (update: Update) => Promise<void>;
}

const digest = (s: string) => createHash("sha256").update(s).digest();
const sameSecret = (given: string | undefined, secret: string) => given !== undefined && timingSafeEqual(digest(given), digest(secret));

const isUpdate = (u: unknown): u is Update =>
  typeof u === "object" && u !== null && !Array.isArray(u) && Number.isSafeInteger((u as { update_id?: unknown }).update_id);

export interface WebhookServer {
  close(): Promise<void>;
  /** Resolves when every update acknowledged so far has been handled. */
  drained(): Promise<void>;
}

export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const { log } = options;
  const recent = new Set<number>();
  const inFlight = new Set<Promise<void>>();
  const reply = (res: http.ServerResponse, status: number, body = "") => {
    res.writeHead(status, { "content-type": "text/plain" }).end(body);
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname !== options.path) return reply(res, 404);
    if (req.method !== "POST") return reply(res, 405);
    const given = req.headers["x-telegram-bot-api-secret-token"];
    if (!sameSecret(typeof given === "string" ? given : undefined, options.secret)) return reply(res, 401, "unauthorized");
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_UPDATE_BYTES) {
        reply(res, 413);
        req.destroy();
      } else chunks.push(c);
    });
    req.on("error", () => {});
    req.on("end", () => {
      if (res.headersSent) return;
      let update: unknown;
      try {
        update = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        return reply(res, 400, "malformed JSON");
      }
      if (!isUpdate(update)) return reply(res, 400, "not an update");
      reply(res, 200);
      if (recent.has(update.update_id)) return;
      recent.add(update.update_id);
      if (recent.size > RECENT_UPDATES) recent.delete(recent.values().next().value!);
      const task = options
        .handle(update)
        .catch((err: unknown) => log.error({ err: safeError(err), update: update.update_id }, "webhook update failed"));
      inFlight.add(task);
      void task.finally(() => inFlight.delete(task));
    });
  });
  server.on("clientError", (_err, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(options.port, options.host, resolve));
  return {
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    drained: async () => {
      while (inFlight.size) await Promise.allSettled([...inFlight]);
    },
  };
}

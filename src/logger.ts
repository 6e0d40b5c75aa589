import pino from "pino";

/**
 * Logs go to stderr so that stdout carries only results. The bot token is always redacted;
 * user text (questions, uploaded names) is logged at debug level only.
 */
export function createLogger(
  level = "info",
  destination: pino.DestinationStream = pino.destination({ fd: 2, sync: true }),
  /** Strings (the bot token) replaced by [redacted] wherever they appear in a log line. */
  secrets: string[] = [],
): pino.Logger {
  const hidden = secrets.filter((x) => x.length >= 4);
  const out: pino.DestinationStream = hidden.length
    ? { write: (line: string) => destination.write(hidden.reduce((l, x) => l.split(x).join("[redacted]"), line)) }
    : destination;
  return pino(
    {
      level,
      redact: { paths: ["token", "*.token", "config.TELEGRAM_BOT_TOKEN"], censor: "[redacted]" },
      base: undefined,
    },
    out,
  );
}

export type Logger = pino.Logger;

/**
 * An error as it may be logged above debug: its class, message and API error code, never the
 * request payload (grammY's GrammyError carries the message text it tried to send).
 */
export function safeError(err: unknown): { type: string; message: string; code?: number; method?: string } {
  const e = err as { name?: string; message?: string; error_code?: number; method?: string; error?: unknown };
  // BotError wraps the real error
  if (e?.name === "BotError" && e.error) return safeError(e.error);
  return {
    type: e?.name ?? typeof err,
    message: String(e?.message ?? err).slice(0, 300),
    ...(typeof e?.error_code === "number" ? { code: e.error_code } : {}),
    ...(typeof e?.method === "string" ? { method: e.method } : {}),
  };
}

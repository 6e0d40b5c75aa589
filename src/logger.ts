import pino from "pino";

/** Logs go to stderr so that stdout carries only results. The bot token is always redacted. */
export function createLogger(level = "info"): pino.Logger {
  return pino(
    {
      level,
      redact: { paths: ["token", "*.token", "config.TELEGRAM_BOT_TOKEN"], censor: "[redacted]" },
      base: undefined,
    },
    pino.destination({ fd: 2, sync: true }),
  );
}

export type Logger = pino.Logger;

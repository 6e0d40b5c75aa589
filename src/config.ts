/** Configuration from the environment (and `.env`), validated once at start-up. */
import { config as loadDotenv } from "dotenv";
import { z } from "zod";
import { DEFAULT_ABSTAIN_BELOW, DEFAULT_TOP_K } from "./answer/index.js";

const idList = z
  .string()
  .optional()
  .transform((s, ctx) => {
    const ids = (s ?? "").split(/[\s,]+/).filter(Boolean);
    for (const id of ids) if (!/^-?\d+$/.test(id)) ctx.addIssue({ code: "custom", message: `"${id}" is not a numeric Telegram id` });
    return ids.map(Number);
  });

const emptyAsUndefined = (v: unknown) => (v === "" ? undefined : v);

export const ConfigSchema = z
  .object({
    CORPUS_DIR: z.string().min(1).default("corpus"),
    DATA_DIR: z.string().min(1).default("data"),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    EMBEDDINGS: z.enum(["hash", "openai"]).default("hash"),
    EMBEDDINGS_BASE_URL: z.preprocess(emptyAsUndefined, z.string().url().optional()),
    EMBEDDINGS_MODEL: z.preprocess(emptyAsUndefined, z.string().optional()),
    EMBEDDINGS_API_KEY: z.preprocess(emptyAsUndefined, z.string().optional()),
    EMBEDDINGS_DIMENSIONS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(16384).optional()),
    HASH_DIMENSIONS: z.coerce.number().int().min(16).max(4096).default(128),
    TOP_K: z.coerce.number().int().min(1).max(10).default(DEFAULT_TOP_K),
    ABSTAIN_BELOW: z.preprocess(emptyAsUndefined, z.coerce.number().min(0).max(1).default(DEFAULT_ABSTAIN_BELOW)),
    TELEGRAM_BOT_TOKEN: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .regex(/^\d+:[\w-]+$/, "must look like 123456:ABC-DEF")
        .optional(),
    ),
    TELEGRAM_API_ROOT: z.preprocess(emptyAsUndefined, z.string().url().default("https://api.telegram.org")),
    ADMIN_USER_IDS: idList,
    ALLOWED_USER_IDS: idList,
    ALLOWED_CHAT_IDS: idList,
    WEBHOOK_URL: z.preprocess(emptyAsUndefined, z.string().url().optional()),
    WEBHOOK_SECRET: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .regex(/^[\w-]{1,256}$/, "1-256 characters of A-Z, a-z, 0-9, _ and -")
        .optional(),
    ),
    PORT: z.coerce.number().int().min(1).max(65535).default(8080),
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(20),
    MAX_UPLOAD_BYTES: z.coerce
      .number()
      .int()
      .min(1)
      .max(20 * 1024 * 1024)
      .default(5 * 1024 * 1024),
    LLM_BASE_URL: z.preprocess(emptyAsUndefined, z.string().url().optional()),
    LLM_API_KEY: z.preprocess(emptyAsUndefined, z.string().optional()),
    LLM_MODEL: z.preprocess(emptyAsUndefined, z.string().optional()),
    LLM_TIMEOUT_MS: z.coerce.number().int().min(100).default(20_000),
    LLM_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(1),
    PROMPTS_DIR: z.string().min(1).default("prompts"),
    DATABASE_URL: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
        .optional(),
    ),
    DATABASE_POOL_MAX: z.coerce.number().int().min(2).max(200).default(10),
    DATABASE_POLL_MS: z.coerce.number().int().min(100).default(5000),
    DATABASE_LEASE_MS: z.coerce.number().int().min(1000).default(30_000),
  })
  .superRefine((c, ctx) => {
    if (c.EMBEDDINGS === "openai" && (!c.EMBEDDINGS_BASE_URL || !c.EMBEDDINGS_MODEL)) {
      ctx.addIssue({ code: "custom", path: ["EMBEDDINGS"], message: "EMBEDDINGS=openai needs EMBEDDINGS_BASE_URL and EMBEDDINGS_MODEL" });
    }
    if (c.WEBHOOK_URL && !c.WEBHOOK_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["WEBHOOK_SECRET"],
        message: "WEBHOOK_URL is set: WEBHOOK_SECRET is needed too (without it anyone could post forged updates)",
      });
    }
    if (c.LLM_BASE_URL && !c.LLM_MODEL)
      ctx.addIssue({ code: "custom", path: ["LLM_MODEL"], message: "LLM_BASE_URL is set: LLM_MODEL is needed too" });
  });

export type Config = z.infer<typeof ConfigSchema>;

/** Reads and validates the configuration; throws one readable error listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Record<keyof Config, string>> = {}): Config {
  if (env === process.env) loadDotenv({ quiet: true });
  const parsed = ConfigSchema.safeParse({ ...env, ...overrides });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`invalid configuration:\n${problems}`);
  }
  return parsed.data;
}

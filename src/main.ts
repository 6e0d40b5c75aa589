/**
 * The only composition root: reads the configuration, prepares the index, and starts the
 * Telegram bot when TELEGRAM_BOT_TOKEN is set — otherwise a terminal chat over the same
 * answer service, on the bundled corpus.
 */
import {
  createActivityGauge,
  createEmbeddings,
  createPgPool,
  embeddingsConfigOf,
  type Library,
  openLibrary,
  openPgLibrary,
} from "./search/index.js";
import path from "node:path";
import { createAnswerService, createArchive, createFollowUpResolver, llmFromConfig } from "./answer/index.js";
import { createAnswerMemory, createBot, createFeedbackStore, createSharedStores, startBot } from "./bot/index.js";
import { runTerminalChat } from "./cli/index.js";
import { type Config, loadConfig } from "./config.js";
import { pgFaultCheckpoint } from "./faults.js";
import { stopWhenOrphaned } from "./process-watch.js";
import { loadSecretKey, sharedSecretKey } from "./secret-key.js";
import { createLogger, type Logger, safeError } from "./logger.js";

type Parts = Awaited<ReturnType<typeof openArchive>>;

/**
 * The library (the embedded index, built or checked first; or the generation Postgres serves when
 * DATABASE_URL is set), the answer service over it, and follow-ups.
 */
async function openArchive(config: Config, log: Logger) {
  const embeddings = await createEmbeddings(config);
  const onWarning = (w: { file: string; message: string }) => log.warn({ file: w.file }, w.message);
  // questions in flight: the bot's reindex (a worker thread) gives way to them
  const activity = createActivityGauge();
  const common = {
    corpusDir: config.CORPUS_DIR,
    dataDir: config.DATA_DIR,
    embeddings,
    embeddingsConfig: embeddingsConfigOf(config),
    activity,
    onBuild: (reason: string) => log.info({ reason }, "building the index"),
    onWarning,
    maxDocumentBytes: config.MAX_UPLOAD_BYTES,
  };
  const pool = config.DATABASE_URL ? createPgPool(config.DATABASE_URL, config.DATABASE_POOL_MAX) : null;
  let library: Library;
  if (pool) {
    pool.on("error", (err) => log.warn({ err: safeError(err) }, "database connection lost; reconnecting on the next query"));
    library = await openPgLibrary({
      ...common,
      pool,
      pollMs: config.DATABASE_POLL_MS,
      leaseMs: config.DATABASE_LEASE_MS,
      checkpoint: pgFaultCheckpoint(process.env.CITEBOT_FAULT),
      onGeneration: (generation) => log.info({ generation }, "serving index generation"),
      onError: (err) => log.warn({ err: safeError(err) }, "database"),
    });
  } else library = (await openLibrary(common)).library;
  const llm = await llmFromConfig(config);
  if (llm) log.info({ model: llm.model }, "LLM answers on (citations are checked; extractive on any failure)");
  // the retriever follows the library, so a reindex swaps the index under the running service
  const service = createAnswerService({
    retriever: library.retriever,
    topK: config.TOP_K,
    abstainBelow: config.ABSTAIN_BELOW,
    llm,
    activity,
  });
  const followUps = createFollowUpResolver({
    llm,
    onError: (err) => log.warn({ err: safeError(err) }, "follow-up rewrite failed; using the rule"),
  });
  return { library, service, llm, followUps, pool };
}

async function runTelegram(config: Config & { TELEGRAM_BOT_TOKEN: string }, log: Logger, parts: Parts): Promise<void> {
  const { service, library, followUps, llm, pool } = parts;
  const onStoreError = (err: unknown) => log.warn({ err: safeError(err) }, "could not keep an answer for after a restart");
  // with a database, replicas share sessions, answers behind buttons, feedback and rate limits
  const shared = pool ? await createSharedStores(pool, { onError: onStoreError }) : null;
  const bot = createBot({
    archive: createArchive({ service, library }),
    feedback: shared?.feedback ?? createFeedbackStore(path.join(config.DATA_DIR, "feedback.jsonl")),
    memory: shared?.memory ?? createAnswerMemory({ file: path.join(config.DATA_DIR, "answers.jsonl"), onError: onStoreError }),
    stores: shared ? { sessions: shared.sessions, rate: shared.rate } : undefined,
    stats: { startedAt: Date.now(), questions: 0, abstained: 0, totalMs: 0 },
    settings: {
      token: config.TELEGRAM_BOT_TOKEN,
      apiRoot: config.TELEGRAM_API_ROOT,
      adminIds: config.ADMIN_USER_IDS,
      allowedUserIds: config.ALLOWED_USER_IDS,
      allowedChatIds: config.ALLOWED_CHAT_IDS,
      rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
      maxUploadBytes: config.MAX_UPLOAD_BYTES,
      secretKey: pool ? await sharedSecretKey(pool, config.DATA_DIR) : await loadSecretKey(config.DATA_DIR),
    },
    log,
    followUps,
    streaming: !!llm,
  });
  const stop = await startBot(bot, {
    adminIds: config.ADMIN_USER_IDS,
    webhookUrl: config.WEBHOOK_URL,
    webhookSecret: config.WEBHOOK_SECRET,
    port: config.PORT,
    log,
  });
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    await stop();
    await library.close();
    await pool?.end();
    process.exit(0);
  };
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  // `npm start` killed (even with SIGKILL): stop with it rather than run on unsupervised
  stopWhenOrphaned(() => void shutdown("parent exited"));
}

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL, undefined, config.TELEGRAM_BOT_TOKEN ? [config.TELEGRAM_BOT_TOKEN] : []);
  const parts = await openArchive(config, log);
  if (config.TELEGRAM_BOT_TOKEN) return runTelegram({ ...config, TELEGRAM_BOT_TOKEN: config.TELEGRAM_BOT_TOKEN }, log, parts);
  stopWhenOrphaned(() => process.exit(0));
  process.stderr.write("TELEGRAM_BOT_TOKEN is not set: starting the terminal chat (type a question, Ctrl-D to quit).\n");
  const info = parts.library.info();
  await runTerminalChat({
    service: parts.service,
    followUps: parts.followUps,
    greeting: `citebot — ${info.articles} articles from ${info.files} files. 请提问：`,
  });
  await parts.library.close();
  await parts.pool?.end();
}

main().catch((err: unknown) => {
  process.stderr.write(`error: ${(err as Error).message}\n`);
  process.exitCode = 1;
});

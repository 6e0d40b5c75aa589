/**
 * The only composition root: reads the configuration, prepares the index, and starts the
 * Telegram bot when TELEGRAM_BOT_TOKEN is set — otherwise a terminal chat over the same
 * answer service, on the bundled corpus.
 */
import { createActivityGauge, createEmbeddings, openLibrary, embeddingsConfigOf, localRetriever } from "./search/index.js";
import path from "node:path";
import { createAnswerService, createArchive, createFollowUpResolver, llmFromConfig } from "./answer/index.js";
import { createAnswerMemory, createBot, createFeedbackStore, startBot } from "./bot/index.js";
import { runTerminalChat } from "./cli/index.js";
import { type Config, loadConfig } from "./config.js";
import { stopWhenOrphaned } from "./process-watch.js";
import { loadSecretKey } from "./secret-key.js";
import { createLogger, type Logger, safeError } from "./logger.js";

type Parts = Awaited<ReturnType<typeof openArchive>>;

/** The index (built or checked first), the library serving it, the answer service and follow-ups. */
async function openArchive(config: Config, log: Logger) {
  const embeddings = await createEmbeddings(config);
  const onWarning = (w: { file: string; message: string }) => log.warn({ file: w.file }, w.message);
  // questions in flight: the bot's reindex (a worker thread) gives way to them
  const activity = createActivityGauge();
  const { library } = await openLibrary({
    corpusDir: config.CORPUS_DIR,
    dataDir: config.DATA_DIR,
    embeddings,
    embeddingsConfig: embeddingsConfigOf(config),
    activity,
    onBuild: (reason) => log.info({ reason }, "building the index"),
    onWarning,
    maxDocumentBytes: config.MAX_UPLOAD_BYTES,
  });
  const index = library.current();
  const llm = await llmFromConfig(config);
  if (llm) log.info({ model: llm.model }, "LLM answers on (citations are checked; extractive on any failure)");
  // the retriever follows library.current(), so a reindex swaps the index under the running service
  const service = createAnswerService({
    retriever: localRetriever(() => library.current()),
    topK: config.TOP_K,
    abstainBelow: config.ABSTAIN_BELOW,
    llm,
    activity,
  });
  const followUps = createFollowUpResolver({
    llm,
    onError: (err) => log.warn({ err: safeError(err) }, "follow-up rewrite failed; using the rule"),
  });
  return { index, library, service, llm, followUps };
}

async function runTelegram(config: Config & { TELEGRAM_BOT_TOKEN: string }, log: Logger, parts: Parts): Promise<void> {
  const { service, library, followUps, llm } = parts;
  const bot = createBot({
    archive: createArchive({ service, library }),
    feedback: createFeedbackStore(path.join(config.DATA_DIR, "feedback.jsonl")),
    memory: createAnswerMemory({
      file: path.join(config.DATA_DIR, "answers.jsonl"),
      onError: (err) => log.warn({ err: safeError(err) }, "could not keep an answer for after a restart"),
    }),
    stats: { startedAt: Date.now(), questions: 0, abstained: 0, totalMs: 0 },
    settings: {
      token: config.TELEGRAM_BOT_TOKEN,
      apiRoot: config.TELEGRAM_API_ROOT,
      adminIds: config.ADMIN_USER_IDS,
      allowedUserIds: config.ALLOWED_USER_IDS,
      allowedChatIds: config.ALLOWED_CHAT_IDS,
      rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
      maxUploadBytes: config.MAX_UPLOAD_BYTES,
      secretKey: await loadSecretKey(config.DATA_DIR),
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
  const { counts } = parts.index.manifest;
  await runTerminalChat({
    service: parts.service,
    followUps: parts.followUps,
    greeting: `citebot — ${counts.articles} articles from ${counts.files} files. 请提问：`,
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`error: ${(err as Error).message}\n`);
  process.exitCode = 1;
});

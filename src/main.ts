/**
 * The only composition root: reads the configuration, prepares the index, and starts the
 * Telegram bot when TELEGRAM_BOT_TOKEN is set — otherwise a terminal chat over the same
 * answer service, on the bundled corpus.
 */
import { createAnswerService } from "./answer/answer-service.js";
import { runTerminalChat } from "./cli/terminal-chat.js";
import { loadConfig } from "./config.js";
import { createLogger } from "./logger.js";
import { createEmbeddings } from "./search/embeddings.js";
import { ensureIndex } from "./search/ensure-index.js";

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL);
  const { index } = await ensureIndex({
    corpusDir: config.CORPUS_DIR,
    dataDir: config.DATA_DIR,
    embeddings: createEmbeddings(config),
    onBuild: (reason) => log.info({ reason }, "building the index"),
    onWarning: (w) => log.warn({ file: w.file }, w.message),
  });
  const service = createAnswerService({ getIndex: () => index, topK: config.TOP_K, abstainBelow: config.ABSTAIN_BELOW });
  if (config.TELEGRAM_BOT_TOKEN) {
    log.error("the Telegram bot is not built yet (issue #4); starting the terminal chat instead");
  } else {
    process.stderr.write("TELEGRAM_BOT_TOKEN is not set: starting the terminal chat (type a question, Ctrl-D to quit).\n");
  }
  const { counts } = index.manifest;
  await runTerminalChat({ service, greeting: `citebot — ${counts.articles} articles from ${counts.files} files. 请提问：` });
}

main().catch((err: unknown) => {
  process.stderr.write(`error: ${(err as Error).message}\n`);
  process.exitCode = 1;
});

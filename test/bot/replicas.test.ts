/**
 * Two bot processes (`node src/main.ts`, webhook mode) sharing one Postgres — PGlite over the wire
 * protocol, or TEST_DATABASE_URL — behind a load balancer, through the telegram-test-api emulator.
 * The balancer is this test: it forwards each update the emulator delivers to the replica the test
 * picks, adding the secret header Telegram sends (the emulator does not send it).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { appendFileSync, mkdtempSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, waitFor } from "../helpers/bot-harness.js";
import { scratchCorpus } from "../helpers/index.js";
import { ROOT } from "../helpers/paths.js";
import { startTestPg, type TestPg } from "../helpers/pg-server.js";

const TOKEN = "424242:REPLICA-token";
const SECRET = "replica-secret";
const ADMIN = 77;
const USER = 55;

interface Replica {
  child: ChildProcess;
  port: number;
  log: () => string;
}

let db: TestPg;
let pool: pg.Pool;
let server: TelegramServer;
let balancer: http.Server;
let target: Replica | null = null;
const replicas: Record<string, Replica> = {};
const corpus = scratchCorpus();

async function startReplica(name: string, env: Record<string, string> = {}): Promise<Replica> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: server.config.apiURL,
      WEBHOOK_URL: `http://127.0.0.1:${(balancer.address() as { port: number }).port}/tg/hook`,
      WEBHOOK_SECRET: SECRET,
      PORT: String(port),
      DATABASE_URL: db.url,
      DATABASE_POLL_MS: "300",
      DATABASE_LEASE_MS: "2000",
      CORPUS_DIR: corpus.corpusDir,
      DATA_DIR: mkdtempSync(path.join(os.tmpdir(), `citebot-${name}-`)),
      ADMIN_USER_IDS: String(ADMIN),
      LOG_LEVEL: "info",
      ...env,
    },
  });
  let log = "";
  child.stderr!.on("data", (d: Buffer) => (log += d.toString()));
  child.stdout!.on("data", (d: Buffer) => (log += d.toString()));
  const replica = { child, port, log: () => log };
  await waitFor(() => log.includes("webhook server listening"), `replica ${name} to listen`, 90_000);
  replicas[name] = replica;
  return replica;
}

beforeAll(async () => {
  db = await startTestPg();
  pool = new pg.Pool({ connectionString: db.url });
  server = new TelegramServer({ port: await freePort(), host: "127.0.0.1" });
  await server.start();
  balancer = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (!target) return void res.writeHead(503).end();
    const r = await fetch(`http://127.0.0.1:${target.port}${req.url}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
      body: Buffer.concat(chunks),
    });
    res.writeHead(r.status).end(await r.text());
  });
  await new Promise<void>((r) => balancer.listen(0, "127.0.0.1", () => r()));
}, 60_000);

async function until(probe: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

afterAll(async () => {
  // REPLICA_LOGS=1: each replica's log, then what the user and the admin were sent
  if (process.env.REPLICA_LOGS) {
    for (const [n, r] of Object.entries(replicas)) process.stderr.write(`--- ${n}\n${r.log()}\n`);
    for (const chat of [USER, ADMIN]) for (const m of messagesTo(chat)) process.stderr.write(`=== to ${chat}\n${m.text}\n`);
  }
  for (const r of Object.values(replicas)) r.child.kill("SIGKILL");
  await server?.stop();
  balancer?.close();
  await pool?.end();
  await db?.stop();
});

type BotMessage = { message_id: number; text: string; reply_markup?: { inline_keyboard: { text: string; callback_data?: string }[][] } };
const messagesTo = (chat: number): BotMessage[] =>
  server.storage.botMessages
    .filter((u) => String(u.message.chat_id) === String(chat))
    .map((u) => ({ ...(u.message as unknown as BotMessage), message_id: (u as unknown as { messageId: number }).messageId }));

async function ask(via: Replica, chat: number, text: string): Promise<BotMessage> {
  target = via;
  const before = messagesTo(chat).length;
  const client = server.getClient(TOKEN, { userId: chat, chatId: chat, type: "private", firstName: "u" });
  await (text.startsWith("/") ? client.sendCommand(client.makeCommand(text)) : client.sendMessage(client.makeMessage(text)));
  return waitFor(() => messagesTo(chat)[before], `a reply to ${text}`, 30_000);
}

describe("two replicas on one Postgres", () => {
  it("share answers, votes, follow-ups and reindexes; a replica killed mid-reindex leaves the other serving", async () => {
    const a = await startReplica("a");
    const b = await startReplica("b");
    // A built the first generation; B found it fresh and serves it without building
    expect(a.log()).toContain("building the index");
    expect(b.log()).not.toContain("building the index");

    const first = await ask(a, USER, "义乌前11个月直播带货多少场？");
    expect(first.text).toContain("21.2万场");
    // 👍 on that answer, pressed through replica B, is stored once with its question (and B's second press changes nothing)
    const up = first.reply_markup!.inline_keyboard.flat().find((k) => k.text.startsWith("👍"))!;
    const client = server.getClient(TOKEN, { userId: USER, chatId: USER, type: "private", firstName: "u" });
    target = b;
    await client.sendCallback(client.makeCallbackQuery(up.callback_data!, { message: { message_id: first.message_id } }));
    const votes = async () =>
      (await pool.query("SELECT value FROM citebot_feedback")).rows.map((r) => r.value as { question: string; vote: string });
    await until(async () => (await votes()).length === 1, "the vote to be stored", 15_000);
    target = a;
    await client.sendCallback(client.makeCallbackQuery(up.callback_data!, { message: { message_id: first.message_id } }));
    await new Promise((r) => setTimeout(r, 1000));
    expect(await votes()).toEqual([expect.objectContaining({ question: "义乌前11个月直播带货多少场？", vote: "up" })]);

    // a follow-up sent to B carries the question A answered
    const followUp = await ask(b, USER, "它同比增长多少？");
    expect(followUp.text.split("\n")[0]).toContain("58.1%");

    // /reindex on A (a new article in the shared corpus) is seen by B without a restart
    appendFileSync(
      path.join(corpus.corpusDir, "003_5eb574128d76753f.txt"),
      "\n\n本报讯 义乌今年新开通了第七条国际货运班列，通往波兰罗兹。\n",
    );
    const seven = "义乌第七条国际货运班列通往哪里？";
    expect((await ask(b, USER, seven)).text).not.toContain("波兰罗兹");
    await ask(a, ADMIN, "/reindex");
    await waitFor(() => messagesTo(ADMIN).find((m) => m.text.startsWith("索引已更新")), "A's reindex to finish", 60_000);
    await waitFor(() => b.log().includes('"generation":2'), "B to follow generation 2", 10_000);
    expect((await ask(b, USER, seven)).text).toContain("波兰罗兹");

    // A is killed in the middle of its next reindex: B keeps serving generation 2
    a.child.kill("SIGKILL");
    const a2 = await startReplica("a2", { CITEBOT_FAULT: "pause@pg-rows:60000" });
    appendFileSync(path.join(corpus.corpusDir, "004_2c58187224ef0ee6.txt"), "\n\n本报讯 义乌首座跨境电商学院在稠江街道揭牌。\n");
    await ask(a2, ADMIN, "/reindex");
    await until(
      async () => (await pool.query("SELECT 1 FROM citebot_generations WHERE status = 'building'")).rowCount === 1,
      "A's half-built generation",
      60_000,
    );
    a2.child.kill("SIGKILL");
    const current = async () => Number((await pool.query("SELECT generation FROM citebot_current")).rows[0].generation);
    expect(await current()).toBe(2);
    expect((await ask(b, USER, seven)).text).toContain("波兰罗兹");
    expect((await ask(b, USER, "义乌首座跨境电商学院在哪里揭牌？")).text).not.toContain("稠江街道揭牌");
    // once the dead replica's lease runs out, B reindexes, dropping what A left half-built
    await new Promise((r) => setTimeout(r, 2100));
    await ask(b, ADMIN, "/reindex");
    await waitFor(() => messagesTo(ADMIN).filter((m) => m.text.startsWith("索引已更新")).length === 2, "B's reindex to finish", 60_000);
    expect(await current()).toBeGreaterThan(2);
    // its report counts what changed against the generation it replaced, not against its own DATA_DIR
    expect(messagesTo(ADMIN).filter((m) => m.text.startsWith("索引已更新"))[1]!.text).toContain("新增 0、修改 1、删除 0");
    expect((await pool.query("SELECT 1 FROM citebot_generations WHERE status = 'building'")).rowCount).toBe(0);
    expect((await ask(b, USER, "义乌首座跨境电商学院在哪里揭牌？")).text).toContain("稠江街道");
  }, 400_000);
});

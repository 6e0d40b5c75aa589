/** `npm start`, as a user runs it: a terminal chat without a token, the bot with one. */
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import { describe, expect, it } from "vitest";
import { parentOf } from "../src/process-watch.js";
import { freePort } from "./helpers/bot-harness.js";
import { ROOT } from "./helpers/paths.js";

const npm = process.platform === "win32" ? "npm.cmd" : "npm";

describe("npm start", () => {
  it("without a token opens a terminal chat that answers piped questions with citations and says when it finds nothing", async () => {
    const data = mkdtempSync(path.join(os.tmpdir(), "citebot-start-"));
    const env = { ...process.env, TELEGRAM_BOT_TOKEN: "", DATA_DIR: data, LOG_LEVEL: "warn" };
    const result = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
      const child = execFile(npm, ["start", "--silent"], { cwd: ROOT, env, timeout: 60_000 }, (err, stdout, stderr) =>
        err ? reject(err) : resolve({ stdout, stderr }),
      );
      child.stdin!.end("双十一期间义乌电商企业实现了多少网络零售额？\n特斯拉2021年在中国卖了多少辆车？\n");
    });
    expect(result.stderr).toMatch(/TELEGRAM_BOT_TOKEN is not set/);
    expect(result.stdout).toContain("162.23亿元");
    expect(result.stdout).toContain("[1] “双十一”义乌电商企业成交额再创新高");
    expect(result.stdout).toContain("没有找到");
  }, 60_000);

  // Spawned as `node --import tsx src/main.ts` (what `npm start` runs) so that SIGTERM reaches it directly.
  it("with a token runs the bot against TELEGRAM_API_ROOT, never logs the token, and stops cleanly on SIGTERM", async () => {
    const port = await freePort();
    const server = new TelegramServer({ port, host: "127.0.0.1" });
    await server.start();
    const token = "987654:SECRET-token-never-logged";
    const data = mkdtempSync(path.join(os.tmpdir(), "citebot-bot-"));
    const env = { ...process.env, TELEGRAM_BOT_TOKEN: token, TELEGRAM_API_ROOT: server.config.apiURL, DATA_DIR: data, LOG_LEVEL: "debug" };
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      const deadline = Date.now() + 60_000;
      while (!stderr.includes("long polling") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(stderr).toContain("long polling");
      const client = server.getClient(token, { userId: 55, chatId: 55, type: "private" });
      await client.sendMessage(client.makeMessage(`义乌前11个月直播带货多少场？`));
      let reply: { text?: string } | undefined;
      while (!reply && Date.now() < deadline) {
        reply = server.storage.botMessages.find((u) => String(u.message.chat_id) === "55")?.message as { text?: string } | undefined;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(reply?.text).toContain("21.2万场");
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(stderr).toContain("shutting down");
      expect(stderr).not.toContain("SECRET-token");
    } finally {
      child.kill("SIGKILL");
      await server.stop();
    }
  }, 90_000);

  it("killing npm itself (SIGKILL, which it cannot forward) takes the whole process tree down with it", async () => {
    const port = await freePort();
    const server = new TelegramServer({ port, host: "127.0.0.1" });
    await server.start();
    const data = mkdtempSync(path.join(os.tmpdir(), "citebot-orphan-"));
    const env = {
      ...process.env,
      TELEGRAM_BOT_TOKEN: "123:orphan-test",
      TELEGRAM_API_ROOT: server.config.apiURL,
      DATA_DIR: data,
      LOG_LEVEL: "info",
    };
    const npmProc = spawn(npm, ["start", "--silent"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    npmProc.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    npmProc.stderr!.on("data", (d: Buffer) => (out += d.toString()));
    let tree: number[] = [];
    try {
      const deadline = Date.now() + 60_000;
      while (!out.includes("long polling") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(out).toContain("long polling");
      tree = descendants(npmProc.pid!);
      expect(tree.length).toBeGreaterThan(0); // sh -c and node, polling
      npmProc.kill("SIGKILL");
      const until = Date.now() + 10_000;
      while (tree.some(alive) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      expect(tree.filter(alive)).toEqual([]);
      expect(out).toMatch(/shutting down/);
    } finally {
      for (const pid of tree.filter(alive)) process.kill(pid, "SIGKILL");
      await server.stop();
    }
  }, 90_000);
});

/** Pids below `root` (from /proc). */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
    const ppid = parentOf(Number(name));
    if (ppid !== null) children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
  }
  const out: number[] = [];
  const walk = (pid: number): void => {
    for (const c of children.get(pid) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(root);
  return out;
}

/** Running (a zombie waiting to be reaped by init counts as gone). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

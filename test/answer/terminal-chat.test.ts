import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/paths.js";

describe("npm start without a token", () => {
  it("opens a terminal chat that answers piped questions with citations and says when it finds nothing", async () => {
    const data = mkdtempSync(path.join(os.tmpdir(), "citebot-start-"));
    const env = { ...process.env, TELEGRAM_BOT_TOKEN: "", DATA_DIR: data, LOG_LEVEL: "warn" };
    const result = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
      const child = execFile(process.execPath, ["--import", "tsx", "src/main.ts"], { cwd: ROOT, env, timeout: 60_000 }, (err, stdout, stderr) =>
        err ? reject(err) : resolve({ stdout, stderr }),
      );
      child.stdin!.end("双十一期间义乌电商企业实现了多少网络零售额？\n特斯拉2021年在中国卖了多少辆车？\n");
    });
    expect(result.stderr).toMatch(/TELEGRAM_BOT_TOKEN is not set/);
    expect(result.stdout).toContain("162.23亿元");
    expect(result.stdout).toContain("[1] “双十一”义乌电商企业成交额再创新高");
    expect(result.stdout).toContain("没有找到");
  }, 60_000);
});

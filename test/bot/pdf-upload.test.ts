/**
 * An admin adds a PDF from Telegram, end to end: real bot → a proxy that plays the Bot API's file
 * service (getFile and the download endpoint, which the emulator lacks) → the telegram-test-api
 * emulator. The PDF is made here (two columns, headline in larger type); after ✅ it is indexed and
 * answers questions with its headline and page; a password-protected PDF is refused in words; a
 * page photo sent as a photo is read by OCR and answers too.
 */
import { TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBot } from "../../src/bot/create-bot.js";
import { startBot } from "../../src/bot/start-bot.js";
import { createLogger } from "../../src/logger.js";
import { type StubbedCall, TOKEN, createTestDeps, emulatorShim, freePort, waitFor } from "../helpers/bot-harness.js";
import { type FaultProxy, startFaultProxy } from "../helpers/fault-proxy.js";
import { makeEncryptedPdf, makePdf, renderPageImages } from "../helpers/pdf-pages.js";

const ADMIN = 9301;
let server: TelegramServer;
let proxy: FaultProxy;
let stop: () => Promise<void>;
let corpusDir: string;
const stubbed: StubbedCall[] = [];

const ARTICLE = {
  title: "青川县建成12座口袋公园",
  kicker: "家门口添绿",
  byline: "本报记者 闻溪",
  paragraphs: [
    "本报讯 记者从青川县住建局获悉，今年县城新建的12座口袋公园已全部建成开放，总面积3.6万平方米，步行5分钟可达的居民小区增加到41个。",
    "这些公园利用边角地和拆违空地建设，每座都设有健身器材和儿童游乐区。县住建局副局长季南风介绍，明年还将在3个乡镇推广这一做法。",
  ],
};
const PHOTO = {
  title: "青川图书馆新增24小时自助借阅点",
  byline: "记者 桑榆",
  paragraphs: ["青川县图书馆在城东社区新设的24小时自助借阅点本周投入使用，首批上架图书3200册，市民刷身份证即可借还。"],
};
const OTHER = {
  title: "青川高铁站新增两趟始发列车",
  byline: "记者 柳岸",
  paragraphs: ["从下月起，青川高铁站每天新增两趟始发至省城的列车，发车时间分别为早上7点05分和晚上6点40分，全程约1小时20分钟。"],
};

beforeAll(async () => {
  server = new TelegramServer({ port: await freePort(), host: "127.0.0.1", storeTimeout: 600 });
  await server.start();
  const pdf = await makePdf([{ columns: 2, rows: [[{ span: 2, article: ARTICLE }], [{ span: 2, article: OTHER }]] }]);
  const [photo] = renderPageImages([{ columns: 2, rows: [[{ span: 2, article: PHOTO }]] }], 150);
  proxy = await startFaultProxy(server.config.apiURL, {
    files: { "pdf-1": pdf, "pdf-locked": await makeEncryptedPdf(), "photo-1": photo! },
  });
  const deps = await createTestDeps({ apiRoot: proxy.url, adminIds: [ADMIN], maxUploadBytes: 5 << 20 });
  corpusDir = deps.corpusDir;
  const log = createLogger("silent");
  stop = await startBot(createBot({ ...deps, log }, { transformers: [emulatorShim(stubbed)] }), { port: 0, log, adminIds: [ADMIN] });
}, 60_000);
afterAll(async () => {
  await stop?.();
  await proxy?.close();
  await server?.stop();
});

const client = () => server.getClient(TOKEN, { userId: ADMIN, chatId: ADMIN, type: "private", firstName: "a", userName: "a" });
type Sent = {
  text: string;
  reply_markup?: { inline_keyboard: Array<Array<{ text: string; callback_data?: string }>> };
  message_id: number;
};
const messages = (): Sent[] =>
  server.storage.botMessages
    .filter((u: { message: { chat_id: unknown } }) => String(u.message.chat_id) === String(ADMIN))
    .map((u: { message: unknown; messageId: number }) => ({ ...(u.message as Sent), message_id: u.messageId }));

/** Sends a PDF as a document (or, without a name, a photo) and presses ✅; returns the status message's final text. */
async function upload(fileId: string, name: string | null, done: RegExp): Promise<string> {
  const c = client();
  const before = messages().length;
  const sent = name
    ? { document: { file_id: fileId, file_unique_id: fileId, file_name: name, mime_type: "application/pdf", file_size: 4000 } }
    : { photo: [{ file_id: fileId, file_unique_id: fileId, width: 1240, height: 800, file_size: 4000 }] };
  await c.sendMessage(c.makeMessage("", { ...sent, text: undefined }) as never);
  const ask = await waitFor(() => messages()[before], "the confirmation question");
  expect(ask.text).toMatch(
    name ? `要把 ${name}（4,000 字节）加入资料库并重建索引吗？` : /^要把 upload-\d{8}-photo-1\.jpg（4,000 字节）加入资料库并重建索引吗？$/,
  );
  const yes = ask.reply_markup!.inline_keyboard.flat().find((b) => b.text === "✅ 加入")!;
  await c.sendCallback(c.makeCallbackQuery(yes.callback_data!, { message: { message_id: ask.message_id } }));
  return waitFor(() => (done.test(messages()[before]!.text) ? messages()[before]!.text : undefined), "the upload's outcome", 30_000);
}

async function ask(question: string): Promise<string> {
  const c = client();
  const before = messages().length;
  await c.sendMessage(c.makeMessage(question));
  await waitFor(() => messages()[before], "a reply");
  return waitFor(() => (/\[1\]/.test(messages()[before]!.text) ? messages()[before]!.text : undefined), "the answer");
}

describe("an admin adds a PDF from Telegram", () => {
  it("a PDF with a text layer becomes searchable: the answer cites its headline and page", async () => {
    const status = await upload("pdf-1", "青川晚报.pdf", /索引已更新|失败|无法/);
    expect(status).toContain("+青川晚报.pdf");
    const text = await ask("青川县新建的口袋公园总面积是多少？");
    expect(text.startsWith("答：3.6万平方米")).toBe(true); // the figure after the asked word, not 新建的12座
    expect(text).toContain("青川县建成12座口袋公园");
    expect(text).toContain("第1版");
    // 原文 1: the article's text, then its clipping cut from the rendered PDF page
    const answer = messages().at(-1)!;
    const source = answer.reply_markup!.inline_keyboard.flat().find((b) => b.text === "原文 1")!;
    const c = client();
    await c.sendCallback(c.makeCallbackQuery(source.callback_data!, { message: { message_id: answer.message_id } }));
    const photo = await waitFor(() => stubbed.find((s) => s.method === "sendPhoto"), "the PDF clipping", 20_000);
    expect(photo.payload.caption).toBe("原版剪报（PDF 版面，黄框为引用的段落）");
    stubbed.length = 0;
  }, 60_000);

  it("a password-protected PDF is refused in words, and nothing is added", async () => {
    const status = await upload("pdf-locked", "加密.pdf", /PDF/);
    expect(status).toBe("这个 PDF 有密码保护，无法读取。");
    const { existsSync } = await import("node:fs");
    expect(existsSync(`${corpusDir}/加密.pdf`)).toBe(false);
  }, 60_000);

  it("a page photo sent as a photo is read by OCR and answers, its card from the photo", async () => {
    const status = await upload("photo-1", null, /索引已更新|失败|无法/);
    expect(status).toMatch(/\+upload-\d{8}-photo-1\.jpg/);
    const text = await ask("青川城东社区的自助借阅点首批上架了多少册图书？");
    expect(text).toContain("3200册");
    expect(text).toContain("青川图书馆新增24小时自助借阅点");
    // 原文 1: the article's text, then the clipping cut from the photo with the quoted lines marked
    const answer = messages().at(-1)!;
    const source = answer.reply_markup!.inline_keyboard.flat().find((b) => b.text === "原文 1")!;
    const c = client();
    await c.sendCallback(c.makeCallbackQuery(source.callback_data!, { message: { message_id: answer.message_id } }));
    const photo = await waitFor(() => stubbed.find((s) => s.method === "sendPhoto"), "the clipping", 20_000);
    expect(photo.payload.caption).toBe("原版剪报（黄框为引用的段落；文字由 OCR 识别）");
    const file = photo.payload.photo as { fileData: Uint8Array | (() => unknown) };
    const { default: sharp } = await import("sharp");
    const data = file.fileData instanceof Uint8Array ? file.fileData : Buffer.alloc(0);
    const meta = await sharp(data).metadata();
    // a clipping, not the page: narrower than the 1240-pixel page, as tall as a headline and a few lines
    expect(meta.format).toBe("png");
    expect(meta.width!).toBeLessThan(1240);
    expect(meta.height!).toBeGreaterThan(60);
  }, 60_000);
});

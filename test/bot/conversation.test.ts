/** Conversation (issue #14, point 3): small talk, /new, reply threads in groups, remarks on answers. */
import { describe, expect, it } from "vitest";
import { createUnitBot, textMessage } from "../helpers/bot-unit.js";

const sent = (calls: Array<{ method: string; payload: Record<string, any> }>) =>
  calls.filter((c) => c.method === "sendMessage").map((c) => c.payload);
const sentTexts = (calls: Array<{ method: string; payload: Record<string, any> }>) =>
  calls.filter((c) => c.method === "sendMessage").map((c) => c.payload.text as string);

/** A group message from `userId` replying to the bot's message `replyTo`. */
function groupReply(text: string, userId: number, chatId: number, replyTo: number) {
  const m = textMessage(text, { userId, chatType: "supergroup", chatId });
  (m.message as any).reply_to_message = {
    message_id: replyTo,
    date: 0,
    chat: { id: chatId, type: "supergroup", title: "群" },
    from: { id: 777, is_bot: true, first_name: "citebot" },
  };
  return m;
}

describe("conversation", () => {
  it("greetings and thanks get one line, not an archive search", async () => {
    const u = await createUnitBot();
    const [hello] = sentTexts(await u.send(textMessage("你好")));
    expect(hello).toMatch(/^你好！直接问我关于资料库的问题就行，比如“.+？”$/);
    const thanks = await u.send(textMessage("谢谢！"));
    expect(sentTexts(thanks)).toEqual(["不客气！还有问题随时问我。"]);
    expect(thanks.some((c) => c.payload.reply_markup)).toBe(false);
    expect(sentTexts(await u.send(textMessage("🙏")))).toEqual(["不客气！还有问题随时问我。"]);
  });

  it("/new starts afresh: a follow-up no longer carries the previous question", async () => {
    const u = await createUnitBot();
    await u.send(textMessage("义乌前11个月直播带货多少场？", { userId: 9 }));
    const [carried] = sentTexts(await u.send(textMessage("它同比增长多少？", { userId: 9 })));
    expect(carried!.split("\n")[0]).toContain("58.1%");
    expect(sentTexts(await u.send(textMessage("/new", { userId: 9 })))[0]).toMatch(/重新开始/);
    const [fresh] = sentTexts(await u.send(textMessage("它同比增长多少？", { userId: 9 })));
    expect(fresh!.split("\n")[0]).not.toContain("58.1%");
  });

  it("in a group, a reply to an answer continues that answer, not another member's question", async () => {
    const GROUP = -2001;
    const u = await createUnitBot();
    const first = (
      await u.send(textMessage("/ask 1-5月义乌外贸进出口总值是多少？", { userId: 1, chatType: "supergroup", chatId: GROUP }))
    ).find((c) => c.method === "sendMessage")!;
    await u.send(textMessage("/ask 义乌女子足球小将在哪里训练？", { userId: 2, chatType: "supergroup", chatId: GROUP }));
    // member 3 replies to member 1's answer
    const [followUp] = sentTexts(await u.send(groupReply("那进口呢？", 3, GROUP, first.result.message_id)));
    expect(followUp).toContain("进口153.1");
  });

  it("in a group, a remark replying to an answer (好的，收到) is left alone", async () => {
    const GROUP = -2002;
    const u = await createUnitBot();
    const first = (
      await u.send(textMessage("/ask 义乌前11个月直播带货多少场？", { userId: 1, chatType: "supergroup", chatId: GROUP }))
    ).find((c) => c.method === "sendMessage")!;
    expect(sentTexts(await u.send(groupReply("好的，我知道了，回头再看", 1, GROUP, first.result.message_id)))).toEqual([]);
    expect(sentTexts(await u.send(groupReply("谢谢", 1, GROUP, first.result.message_id)))).toEqual(["不客气！还有问题随时问我。"]);
    // a question in reply is answered
    expect(sentTexts(await u.send(groupReply("零售额是多少？", 1, GROUP, first.result.message_id)))[0]).toContain("答：");
  });
});

describe("inputs", () => {
  const media = (extra: Record<string, unknown>, userId = 5) => ({
    message: {
      message_id: 900 + userId,
      date: 0,
      chat: { id: userId, type: "private", first_name: "u" },
      from: { id: userId, is_bot: false, first_name: "u", language_code: "zh-hans" },
      ...extra,
    } as never,
  });

  it("/start notfound (the inline button's deep link) says so and offers examples", async () => {
    const u = await createUnitBot();
    const start = { ...textMessage("/start notfound") };
    const [reply] = sent(await u.send(start));
    expect(reply!.text).toMatch(/^刚才的问题在资料库中没有找到答案/);
    expect(reply!.reply_markup.inline_keyboard.flat().length).toBeGreaterThan(0);
  });

  it("a photo's caption is answered as a question; a sticker or voice gets a one-line hint", async () => {
    const u = await createUnitBot();
    const photo = [{ file_id: "p", file_unique_id: "p", width: 10, height: 10 }];
    const [answer] = sentTexts(await u.send(media({ photo, caption: "义乌前11个月直播带货多少场？" })));
    expect(answer).toContain("21.2万场");
    const hint = "我只能回答文字问题：请直接发文字（照片可以把问题写在说明里）。";
    expect(sentTexts(await u.send(media({ photo }, 6)))).toEqual([hint]);
    expect(
      sentTexts(
        await u.send(
          media(
            { sticker: { file_id: "s", file_unique_id: "s", type: "regular", width: 1, height: 1, is_animated: false, is_video: false } },
            7,
          ),
        ),
      ),
    ).toEqual([hint]);
    expect(sentTexts(await u.send(media({ voice: { file_id: "v", file_unique_id: "v", duration: 1 } }, 8)))).toEqual([hint]);
  });

  it("an English question the Chinese archive cannot answer gets, in English, a note and a Chinese example; labels are spaced", async () => {
    const u = await createUnitBot();
    const [note] = sentTexts(await u.send(textMessage("Who is the mayor of Yiwu?", { lang: "en" })));
    expect(note).toMatch(/^The archive holds Chinese articles, .* for example: “.*\p{Script=Han}.*”$/u);
    const [zh] = sentTexts(await u.send(textMessage("Who is the mayor of Yiwu?")));
    expect(zh).toMatch(/^资料库里的文章是中文的/);
    const [answer] = sentTexts(await u.send(textMessage("义乌前11个月直播带货多少场？", { lang: "en" })));
    expect(answer).toMatch(/^Answer: \S/);
  });
});

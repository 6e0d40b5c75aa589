/**
 * Inline keyboards and their callback data (≤ 64 bytes), one typed codec per button kind:
 *   s:KEY:START:END   send the article KEY with the excerpt [START, END) marked (anyone; rate-limited)
 *   p:VIEW:PAGE       turn the article view VIEW to PAGE (its owner, on its own message)
 *   f:u|d:ANSWER      👍 / 👎 on a remembered answer (on its own message; one vote per user)
 *   l:PAGE            page of the /sources list (admins)
 *   u:y|n:UPLOAD      add / discard a document an admin sent (that admin, on its own message)
 *   m:ANSWER          show the answer's excerpts whole (更多), on its own message
 *   r:w|s|i:ANSWER    why 👎: wrong answer, unrelated sources, incomplete (optional, after 👎)
 *   x:y|n:REMOVAL     delete / keep a document an admin asked to /remove (that admin, on its own message)
 *   q:N               ask example question N of /start (anyone)
 * VIEW, ANSWER and UPLOAD are random ids bound server-side to their chat, message and user.
 */
import { InlineKeyboard } from "grammy";
import type { Answer } from "../answer/index.js";
import { articleCards } from "./answer-card.js";
import type { Translate } from "./format.js";

export interface CallbackCodec<T> {
  /** For bot.callbackQuery(): matches this kind's data. */
  pattern: RegExp;
  encode(value: T): string;
  decode(match: RegExpMatchArray): T;
}

const codec = <T>(pattern: RegExp, encode: (v: T) => string, decode: (m: RegExpMatchArray) => T): CallbackCodec<T> => ({
  pattern,
  encode,
  decode,
});

export const SourceData = codec<{ key: string; start: number; end: number }>(
  /^s:([\w-]{12}):(\d{1,7}):(\d{1,7})$/,
  (v) => `s:${v.key}:${v.start}:${v.end}`,
  (m) => ({ key: m[1]!, start: Number(m[2]), end: Number(m[3]) }),
);
export const PageData = codec<{ view: string; page: number }>(
  /^p:([\w-]{8}):(\d{1,4})$/,
  (v) => `p:${v.view}:${v.page}`,
  (m) => ({ view: m[1]!, page: Number(m[2]) }),
);
export const FeedbackData = codec<{ vote: "up" | "down"; answer: string }>(
  /^f:([ud]):([\w-]{8})$/,
  (v) => `f:${v.vote === "up" ? "u" : "d"}:${v.answer}`,
  (m) => ({ vote: m[1] === "u" ? "up" : "down", answer: m[2]! }),
);
export const SourcesPageData = codec<{ page: number }>(
  /^l:(\d{1,5})$/,
  (v) => `l:${v.page}`,
  (m) => ({ page: Number(m[1]) }),
);
export const UploadData = codec<{ add: boolean; upload: string }>(
  /^u:([yn]):([\w-]{8})$/,
  (v) => `u:${v.add ? "y" : "n"}:${v.upload}`,
  (m) => ({ add: m[1] === "y", upload: m[2]! }),
);

export const MoreData = codec<{ answer: string }>(
  /^m:([\w-]{8})$/,
  (v) => `m:${v.answer}`,
  (m) => ({ answer: m[1]! }),
);

export const FEEDBACK_REASONS = ["wrong", "source", "incomplete"] as const;
export type FeedbackReason = (typeof FEEDBACK_REASONS)[number];

export const ReasonData = codec<{ reason: FeedbackReason; answer: string }>(
  /^r:([wsi]):([\w-]{8})$/,
  (v) => `r:${v.reason[0]}:${v.answer}`,
  (m) => ({ reason: FEEDBACK_REASONS.find((r) => r[0] === m[1])!, answer: m[2]! }),
);

export const RemoveData = codec<{ remove: boolean; removal: string }>(
  /^x:([yn]):([\w-]{8})$/,
  (v) => `x:${v.remove ? "y" : "n"}:${v.removal}`,
  (m) => ({ remove: m[1] === "y", removal: m[2]! }),
);

export const ExampleData = codec<{ example: number }>(
  /^q:(\d{1,2})$/,
  (v) => `q:${v.example}`,
  (m) => ({ example: Number(m[1]) }),
);

/** The optional reasons offered after 👎, as one keyboard row. */
export const reasonRow = (answerId: string, t: Translate) =>
  FEEDBACK_REASONS.map((reason) => ({ text: t(`reason-${reason}`), callback_data: ReasonData.encode({ reason, answer: answerId }) }));

/** ✅ / ✖ under a confirmation (uploads, removals), with the confirming label given. */
export function confirmKeyboard(confirm: { text: string; data: string }, cancel: { text: string; data: string }): InlineKeyboard {
  return new InlineKeyboard().text(confirm.text, confirm.data).text(cancel.text, cancel.data);
}

/** 原文 N for each cited article (its first excerpt marked), 更多 when the excerpts were shortened, then 👍 👎. */
export function answerKeyboard(
  answer: Answer,
  answerId: string,
  keyOf: (articleId: string) => string,
  t: Translate,
  more = false,
): InlineKeyboard {
  const kb = new InlineKeyboard();
  for (const card of articleCards(answer.citations)) {
    const c = card.citations[0]!;
    kb.text(t("source-button", { n: card.n }), SourceData.encode({ key: keyOf(c.articleId), start: c.start, end: c.end }));
  }
  if (more) kb.text(t("more-button"), MoreData.encode({ answer: answerId }));
  return kb
    .row()
    .text("👍", FeedbackData.encode({ vote: "up", answer: answerId }))
    .text("👎", FeedbackData.encode({ vote: "down", answer: answerId }));
}

export function pagerKeyboard(page: number, pages: number, data: (page: number) => string, t: Translate): InlineKeyboard | undefined {
  if (pages <= 1) return undefined;
  const kb = new InlineKeyboard();
  if (page > 0) kb.text(t("page-prev"), data(page - 1));
  if (page + 1 < pages) kb.text(t("page-next"), data(page + 1));
  return kb;
}

export const uploadKeyboard = (upload: string, t: Translate, replace = false): InlineKeyboard =>
  confirmKeyboard(
    { text: t(replace ? "upload-confirm-replace" : "upload-confirm"), data: UploadData.encode({ add: true, upload }) },
    { text: t("upload-cancel"), data: UploadData.encode({ add: false, upload }) },
  );

export const removeKeyboard = (removal: string, t: Translate): InlineKeyboard =>
  confirmKeyboard(
    { text: t("remove-confirm"), data: RemoveData.encode({ remove: true, removal }) },
    { text: t("upload-cancel"), data: RemoveData.encode({ remove: false, removal }) },
  );

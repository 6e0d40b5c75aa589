/** Downloading a document a user sent, from the Bot API's file endpoint, with a size limit. */
import { DocumentRejectedError } from "../errors.js";
import type { BotContext, BotSettings } from "./context.js";

/** Downloads a document from the Bot API file endpoint, refusing more than `limit` bytes. */
export async function downloadDocument(
  ctx: BotContext,
  settings: Pick<BotSettings, "apiRoot" | "token">,
  fileId: string,
  limit: number,
): Promise<Uint8Array> {
  const file = await ctx.api.getFile(fileId);
  if (!file.file_path) throw new Error("the Bot API gave no file path");
  // The URL holds the token: it is never logged or shown.
  const res = await fetch(`${settings.apiRoot}/file/bot${settings.token}/${file.file_path}`);
  if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > limit) throw new DocumentRejectedError("size", `more than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

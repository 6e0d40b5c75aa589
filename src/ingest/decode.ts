import chardet from "chardet";
import iconv from "iconv-lite";

export type DecodeResult =
  | { ok: true; text: string; encoding: string; warning?: string }
  | { ok: false; reason: "empty" | "binary" | "undecodable"; message: string };

const UTF8_BOM = [0xef, 0xbb, 0xbf];

function startsWith(buf: Uint8Array, bytes: number[]): boolean {
  return bytes.every((b, i) => buf[i] === b);
}

const isControl = (b: number) => b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c;

/** Share of bytes that are C0 control characters other than tab, CR, LF, FF (in the first 8 KB, or the whole buffer). */
function controlRatio(buf: Uint8Array, n = Math.min(buf.length, 8192)): number {
  let bad = 0;
  for (let i = 0; i < n; i++) if (isControl(buf[i]!)) bad++;
  return n === 0 ? 0 : bad / n;
}

/** Control characters left in decoded text (stray NULs in a text file) become spaces: same length, so offsets hold. */
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000e-\u001f\u007f]/g;

/**
 * A UTF-8 file with a few lines in GB18030 (pasted from an old file): lines that are valid UTF-8
 * stay so, the others are decoded as GB18030 — when most non-ASCII lines are UTF-8.
 */
function decodeMixedLines(buf: Uint8Array): { text: string; legacyLines: number } | null {
  const strict = new TextDecoder("utf-8", { fatal: true });
  const parts: string[] = [];
  let utf8Lines = 0;
  let legacyLines = 0;
  let start = 0;
  for (let i = 0; i <= buf.length; i++) {
    if (i < buf.length && buf[i] !== 0x0a) continue;
    const line = buf.subarray(start, Math.min(i + 1, buf.length));
    start = i + 1;
    try {
      parts.push(strict.decode(line));
      if (line.some((b) => b >= 0x80)) utf8Lines++;
    } catch {
      parts.push(iconv.decode(Buffer.from(line), "gb18030"));
      legacyLines++;
    }
  }
  return legacyLines > 0 && utf8Lines >= legacyLines ? { text: parts.join(""), legacyLines } : null;
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Decodes a text file of unknown encoding: UTF-8 (with or without BOM), UTF-16 with BOM,
 * GB18030/GBK/GB2312 and Big5 (detected with chardet, decoded with iconv-lite).
 * Empty and binary files are rejected with a reason instead of producing garbage.
 */
export function decodeText(buf: Uint8Array): DecodeResult {
  if (buf.length === 0) return { ok: false, reason: "empty", message: "file is empty" };
  if (startsWith(buf, UTF8_BOM)) return finish(new TextDecoder("utf-8").decode(buf.subarray(3)), "utf-8-bom");
  if (startsWith(buf, [0xff, 0xfe])) return finish(iconv.decode(Buffer.from(buf.subarray(2)), "utf-16le"), "utf-16le");
  if (startsWith(buf, [0xfe, 0xff])) return finish(iconv.decode(Buffer.from(buf.subarray(2)), "utf-16be"), "utf-16be");
  if (controlRatio(buf) > 0.01 || controlRatio(buf, buf.length) > 0.01) {
    // UTF-16 without BOM shows as many NULs: accept it only when chardet is sure.
    const guess = chardet.detect(buf);
    if (guess && /^UTF-16/i.test(guess)) {
      const text = iconv.decode(Buffer.from(buf), guess.toLowerCase());
      if (!/[\u0000-\u0008\u000e-\u001f]/.test(text)) return finish(text, guess.toLowerCase());
    }
    return { ok: false, reason: "binary", message: "looks like a binary file (control bytes), skipped" };
  }
  try {
    return finish(new TextDecoder("utf-8", { fatal: true }).decode(buf), "utf-8");
  } catch {
    /* not UTF-8: mixed lines, or detect below */
  }
  const mixed = decodeMixedLines(buf);
  if (mixed)
    return finish(mixed.text, "utf-8", `mixed encodings: ${mixed.legacyLines} line(s) are not UTF-8 and were read as GB18030; check them`);
  const candidates = chardet.analyse(buf).map((c) => c.name.toLowerCase());
  const cjk = candidates.find((c) => /gb|big5|euc|shift_jis/.test(c));
  const encoding = cjk === "gb2312" || cjk === "gbk" || cjk === undefined ? "gb18030" : cjk;
  if (!iconv.encodingExists(encoding)) {
    return { ok: false, reason: "undecodable", message: `unsupported encoding ${encoding}` };
  }
  const text = iconv.decode(Buffer.from(buf), encoding);
  const replacement = (text.match(/\uFFFD/g) ?? []).length;
  if (replacement > Math.max(3, text.length * 0.01)) {
    return { ok: false, reason: "undecodable", message: `cannot decode as UTF-8 or ${encoding}` };
  }
  return finish(text, encoding);
}

function finish(raw: string, encoding: string, warning?: string): DecodeResult {
  // Line endings are kept as they are so that offsets index the decoded text exactly.
  const text = stripBom(raw).replace(CONTROL_CHARS, " ");
  if (text.trim().length === 0) return { ok: false, reason: "empty", message: "file holds no text" };
  return { ok: true, text, encoding, ...(warning ? { warning } : {}) };
}

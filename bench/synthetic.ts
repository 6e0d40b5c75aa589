/**
 * Synthetic corpora of a given number of chunks, built from the CMRC 2018 trial sentences and
 * reproducible from a fixed seed: the 256 original contexts, plus documents made of sentences
 * drawn at random (mulberry32) from all contexts, 6–14 sentences each, titled by a random
 * context title and a serial number. Documents are written as Markdown (`# title`), 1,000 per
 * directory, until the text adds up to the requested number of ~206-character chunks.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

/** The seeded PRNG the eval sets use too (mulberry32). */
export { seededRandom as mulberry32 } from "../src/eval/index.js";
import { seededRandom as mulberry32 } from "../src/eval/index.js";

export interface Context {
  title: string;
  context: string;
}

/** Average characters per chunk measured on the CMRC trial set (2.3 M characters made 11,151 chunks). */
export const CHARS_PER_CHUNK = 206;

/** Corpus path of the n-th synthetic document (the first ones are the original contexts, in order). */
export const syntheticPath = (n: number): string =>
  `d${String(Math.floor(n / 1000)).padStart(4, "0")}/doc-${String(n).padStart(6, "0")}.md`;

export function writeSyntheticCorpus(
  contexts: Context[],
  targetChunks: number,
  dir: string,
  seed = 42,
): { documents: number; chars: number } {
  const random = mulberry32(seed);
  const sentences = contexts.flatMap((c) => c.context.match(/[^。！？]+[。！？]?/gu) ?? []).filter((s) => s.trim().length >= 4);
  let chars = 0;
  let documents = 0;
  const write = (title: string, body: string) => {
    if (documents % 1000 === 0) mkdirSync(path.join(dir, path.dirname(syntheticPath(documents))), { recursive: true });
    writeFileSync(path.join(dir, syntheticPath(documents)), `# ${title}\n\n${body}\n`);
    documents++;
    chars += body.length;
  };
  for (const c of contexts) write(c.title, c.context);
  while (chars < targetChunks * CHARS_PER_CHUNK) {
    const n = 6 + Math.floor(random() * 9);
    const body = Array.from({ length: n }, () => sentences[Math.floor(random() * sentences.length)]!).join("");
    write(`${contexts[Math.floor(random() * contexts.length)]!.title} ${documents}`, body);
  }
  return { documents, chars };
}

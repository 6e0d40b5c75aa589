/** Evaluation sets: the project's JSON Lines format and SQuAD-style files (CMRC 2018). */
import { promises as fs } from "node:fs";
import path from "node:path";
import { z } from "zod";

export const QaItemSchema = z.object({
  id: z.string(),
  question: z.string(),
  answers: z.array(z.string()).default([]),
  sources: z.array(z.string()).default([]),
  title: z.string().nullable().optional(),
  answerable: z.boolean().default(true),
});
export type QaItem = z.infer<typeof QaItemSchema>;

export async function readQaJsonl(file: string): Promise<QaItem[]> {
  const text = await fs.readFile(file, "utf8");
  return text
    .split(/\r?\n/)
    .filter((l) => l.trim())
    .map((l, i) => {
      const parsed = QaItemSchema.safeParse(JSON.parse(l));
      if (!parsed.success) throw new Error(`${file}:${i + 1}: ${parsed.error.issues[0]?.message}`);
      return parsed.data;
    });
}

const SquadSchema = z.object({
  data: z.array(
    z.object({
      title: z.string().default(""),
      paragraphs: z.array(
        z.object({
          context: z.string(),
          qas: z.array(
            z.object({
              id: z.union([z.string(), z.number()]).transform(String),
              question: z.string(),
              answers: z.array(z.object({ text: z.string() })),
            }),
          ),
        }),
      ),
    }),
  ),
});

/** A small deterministic PRNG (mulberry32): the same seed removes the same passages everywhere. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SquadOptions {
  /** Share of contexts left out of the corpus (an abstention set): their questions become unanswerable. */
  removeShare?: number;
  /** Seed choosing the removed contexts. */
  seed?: number;
}

const squash = (t: string) => t.normalize("NFKC").replace(/\s+/g, "").toLowerCase();

/**
 * Writes a SQuAD-style file's contexts as a corpus (one Markdown document per context,
 * titled by its article title) and returns its questions, each sourced to its own context.
 * With `removeShare`, that share of contexts (chosen by `seed`) is left out: their questions are
 * unanswerable, except those whose answer still occurs in a context that stays (dropped, since
 * the archive may then rightly answer them); the other paragraphs of their articles stay, so
 * near-topic passages remain.
 */
export async function squadToCorpus(file: string, corpusDir: string, options: SquadOptions = {}): Promise<QaItem[]> {
  const squad = SquadSchema.parse(JSON.parse(await fs.readFile(file, "utf8")));
  await fs.mkdir(corpusDir, { recursive: true });
  const contexts = squad.data.flatMap((doc) => doc.paragraphs.map((p) => ({ doc, p })));
  const removed = new Set<number>();
  if (options.removeShare) {
    const rnd = seededRandom(options.seed ?? 2020);
    const order = contexts.map((_, i) => ({ i, r: rnd() })).sort((a, b) => a.r - b.r);
    for (const { i } of order.slice(0, Math.round(options.removeShare * contexts.length))) removed.add(i);
  }
  const kept = contexts.filter((_, i) => !removed.has(i)).map(({ p }) => squash(p.context));
  const items: QaItem[] = [];
  for (const [n, { doc, p }] of contexts.entries()) {
    const name = `ctx-${String(n).padStart(5, "0")}.md`;
    const gone = removed.has(n);
    if (!gone) await fs.writeFile(path.join(corpusDir, name), `# ${doc.title || name}\n\n${p.context.trim()}\n`);
    for (const qa of p.qas) {
      const answers = [...new Set(qa.answers.map((a) => a.text))];
      if (gone && answers.some((a) => squash(a) && kept.some((k) => k.includes(squash(a))))) continue;
      items.push({
        id: qa.id,
        question: qa.question,
        answers: gone ? [] : answers,
        sources: gone ? [] : [name],
        title: gone ? null : doc.title || null,
        answerable: !gone,
      });
    }
  }
  return items;
}

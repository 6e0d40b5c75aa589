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

/**
 * Writes a SQuAD-style file's contexts as a corpus (one Markdown document per context,
 * titled by its article title) and returns its questions, each sourced to its own context.
 */
export async function squadToCorpus(file: string, corpusDir: string): Promise<QaItem[]> {
  const squad = SquadSchema.parse(JSON.parse(await fs.readFile(file, "utf8")));
  await fs.mkdir(corpusDir, { recursive: true });
  const items: QaItem[] = [];
  let n = 0;
  for (const doc of squad.data) {
    for (const p of doc.paragraphs) {
      const name = `ctx-${String(n++).padStart(5, "0")}.md`;
      await fs.writeFile(path.join(corpusDir, name), `# ${doc.title || name}\n\n${p.context.trim()}\n`);
      for (const qa of p.qas) {
        items.push({
          id: qa.id,
          question: qa.question,
          answers: [...new Set(qa.answers.map((a) => a.text))],
          sources: [name],
          title: doc.title || null,
          answerable: true,
        });
      }
    }
  }
  return items;
}

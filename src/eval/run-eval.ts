/** Runs an evaluation set through the answer service and computes the quality figures. */
import { type Answer, type AnswerService, answerKind } from "../answer/index.js";
import { sourceText, splitPageSource } from "../ingest/index.js";
import type { QaItem } from "./eval-sets.js";

/** The eval sets' matching rule: NFKC, whitespace removed, lower case. */
export const normalizeForMatch = (t: string | null | undefined): string => (t ?? "").normalize("NFKC").replace(/\s+/g, "").toLowerCase();

export interface EvalRow {
  item: QaItem;
  answer: Answer;
  /** 1-based rank of the first citation from a right source, 0 when none. */
  sourceRank: number;
  answerInTopK: boolean;
  answerInShort: boolean;
  titleRight: boolean | null;
  /** The citation that holds the answer carries the right headline (null where not judged). */
  titleRightOnAnswer: boolean | null;
  verbatim: boolean;
}

export interface EvalSummary {
  questions: number;
  answerable: number;
  unanswerable: number;
  hit1: number;
  hit5: number;
  mrr10: number;
  answerInTopK: number;
  answerInShort: number;
  titleRight: number;
  titleRightOnAnswer: number;
  titleJudged: number;
  abstainedUnanswerable: number;
  falseAbstentions: number;
  verbatim: number;
  msPerQuestion: number;
  k: number;
}

/** Is every "…"-separated part of the excerpt, whitespace removed, in the source? */
export function isVerbatim(excerpt: string, source: string): boolean {
  const src = source.replace(/\s+/g, "");
  return excerpt
    .split("…")
    .map((p) => p.replace(/\s+/g, ""))
    .filter(Boolean)
    .every((p) => src.includes(p));
}

export async function runEval(
  service: AnswerService,
  items: QaItem[],
  corpusDir: string,
  k = 3,
  onRow?: (row: EvalRow) => void,
  /** Where the index build keeps OCR text (DATA_DIR/ocr-cache), so page images are not read again. */
  ocrCacheDir?: string,
): Promise<{ rows: EvalRow[]; summary: EvalSummary }> {
  const sourceCache = new Map<string, string>();
  const readSource = async (rel: string): Promise<string> => {
    let text = sourceCache.get(rel);
    if (text === undefined) {
      // a PDF page quotes its text layer, a page image its OCR text
      text = await sourceText(corpusDir, rel, ocrCacheDir).catch(() => "");
      sourceCache.set(rel, text);
    }
    return text;
  };
  const rows: EvalRow[] = [];
  let totalMs = 0;
  for (const item of items) {
    const t0 = performance.now();
    const answer = await service.ask(item.question, { topK: 10 });
    totalMs += performance.now() - t0;
    const gold = item.answers.map(normalizeForMatch).filter(Boolean);
    const top = answer.citations.slice(0, k);
    // a question naming a PDF file is right on any of its pages
    const right = (c: { source: string }) => item.sources.includes(c.source) || item.sources.includes(splitPageSource(c.source).file);
    const rank = answer.citations.findIndex(right) + 1;
    const firstRight = answer.citations.find(right);
    let verbatim = true;
    for (const c of top) if (!isVerbatim(c.excerpt, await readSource(c.source))) verbatim = false;
    const holder = top.find((c) => gold.some((g) => normalizeForMatch(c.excerpt).includes(g)));
    const judgeTitle = item.answerable && item.title;
    const row: EvalRow = {
      item,
      answer,
      sourceRank: rank,
      answerInTopK: gold.some((g) => top.some((c) => normalizeForMatch(c.excerpt).includes(g))),
      answerInShort: !answer.abstained && gold.some((g) => normalizeForMatch(answer.answer).includes(g)),
      titleRight: judgeTitle ? rank === 1 && normalizeForMatch(firstRight?.title) === normalizeForMatch(item.title) : null,
      titleRightOnAnswer: judgeTitle ? !!holder && normalizeForMatch(holder.title) === normalizeForMatch(item.title) : null,
      verbatim,
    };
    rows.push(row);
    onRow?.(row);
  }
  const ans = rows.filter((r) => r.item.answerable);
  const un = rows.filter((r) => !r.item.answerable);
  const share = (xs: EvalRow[], f: (r: EvalRow) => boolean) => (xs.length ? xs.filter(f).length / xs.length : 0);
  const judged = ans.filter((r) => r.titleRight !== null);
  return {
    rows,
    summary: {
      questions: rows.length,
      answerable: ans.length,
      unanswerable: un.length,
      hit1: share(ans, (r) => r.sourceRank === 1),
      hit5: share(ans, (r) => r.sourceRank >= 1 && r.sourceRank <= 5),
      mrr10: ans.length ? ans.reduce((s, r) => s + (r.sourceRank >= 1 && r.sourceRank <= 10 ? 1 / r.sourceRank : 0), 0) / ans.length : 0,
      answerInTopK: share(ans, (r) => r.answerInTopK),
      answerInShort: share(ans, (r) => r.answerInShort),
      titleRight: share(judged, (r) => r.titleRight === true),
      titleRightOnAnswer: share(judged, (r) => r.titleRightOnAnswer === true),
      titleJudged: judged.length,
      abstainedUnanswerable: share(un, (r) => r.answer.abstained),
      falseAbstentions: ans.filter((r) => r.answer.abstained).length,
      verbatim: share(
        rows.filter((r) => !r.answer.abstained),
        (r) => r.verbatim,
      ),
      msPerQuestion: rows.length ? totalMs / rows.length : 0,
      k,
    },
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

/** Answer-line accuracy per kind of question (number, time, place, person, other). */
function byKind(rows: EvalRow[]): string[] {
  const kinds = new Map<string, { n: number; ok: number }>();
  for (const r of rows.filter((x) => x.item.answerable)) {
    const k = answerKind(r.item.question);
    const e = kinds.get(k) ?? { n: 0, ok: 0 };
    e.n++;
    if (r.answerInShort) e.ok++;
    kinds.set(k, e);
  }
  return [...kinds.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, e]) => `| ${k} | ${e.n} | ${pct(e.ok / e.n)} |`);
}

export function formatReport(name: string, { rows, summary: s }: { rows: EvalRow[]; summary: EvalSummary }): string {
  const lines = [
    `## ${name}`,
    "",
    "| metric | value |",
    "| --- | --- |",
    `| questions (answerable / unanswerable) | ${s.questions} (${s.answerable} / ${s.unanswerable}) |`,
    `| Hit@1 (first citation from a right source) | ${pct(s.hit1)} |`,
    `| Hit@5 | ${pct(s.hit5)} |`,
    `| MRR@10 | ${s.mrr10.toFixed(3)} |`,
    `| answer in top-${s.k} excerpts | ${pct(s.answerInTopK)} |`,
    `| answer in short answer | ${pct(s.answerInShort)} |`,
    `| right headline on the first citation (where named, ${s.titleJudged}) | ${pct(s.titleRight)} |`,
    `| right headline on the citation holding the answer | ${pct(s.titleRightOnAnswer)} |`,
    `| abstained on unanswerable | ${pct(s.abstainedUnanswerable)} |`,
    `| false abstentions | ${s.falseAbstentions} |`,
    `| verbatim excerpts | ${pct(s.verbatim)} |`,
    `| ms per question | ${s.msPerQuestion.toFixed(2)} |`,
    "",
    "Answer line holds the gold answer, by the kind of answer asked for:",
    "",
    "| kind | questions | answer line |",
    "| --- | --- | --- |",
    ...byKind(rows),
  ];
  const misses = rows.filter((r) =>
    r.item.answerable ? !r.answerInTopK || r.sourceRank !== 1 || r.answer.abstained : !r.answer.abstained,
  );
  if (misses.length) {
    lines.push("", `### Misses (${misses.length})`, "");
    for (const r of misses.slice(0, 200)) {
      const c = r.answer.citations[0];
      lines.push(
        `- \`${r.item.id}\` ${r.item.question} — gold: ${r.item.answers.join(" / ") || "(abstain)"}; ` +
          (r.answer.abstained
            ? `abstained (coverage ${r.answer.coverage})`
            : `rank ${r.sourceRank || "-"}, top: ${c?.source} «${(c?.excerpt ?? "").slice(0, 60).replace(/\n/g, " ")}…»`),
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

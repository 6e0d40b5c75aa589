/** Plain-text rendering of an answer, for the terminal (the bot renders its own HTML). */
import type { Answer, Citation } from "./types.js";

export function citationHeading(c: Citation, untitled = "无标题"): string {
  const parts = [c.title ?? untitled];
  if (c.byline) parts.push(c.byline);
  const where = [
    c.meta.publication,
    c.meta.date,
    c.meta.page ? `第${c.meta.page}版`.replace(/^第(第.*)版版$/, "$1版") : undefined,
    c.source,
  ].filter(Boolean);
  parts.push(where.join(" · "));
  return parts.join(" — ");
}

export function formatAnswerText(a: Answer): string {
  if (a.abstained) return a.answer;
  const label =
    a.mode === "llm"
      ? `答（${a.llm?.model ?? "LLM"} 生成，引文已核对）：`
      : a.llm
        ? `答（原文摘录；LLM 未采用：${a.llm.fallback}）：`
        : "答：";
  const lines = [`${label}${a.answer}`, ""];
  for (const c of a.citations) {
    lines.push(`[${c.n}] ${citationHeading(c)}`);
    lines.push(`    「${c.excerpt.replace(/\n/g, " ")}」`);
  }
  return lines.join("\n");
}

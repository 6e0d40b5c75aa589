/**
 * Questions in a language the archive does not hold (it is Chinese): with an LLM configured, the
 * question is translated into Chinese and answered from the archive as usual; the answer line is
 * translated back into the asker's language and kept only when every number in it is written as
 * the Chinese answer writes it (the prompt asks for numbers copied verbatim). Citations stay
 * verbatim Chinese. Without an LLM, or when translating fails, the question is answered as asked.
 */
import { round } from "./citation-choice.js";
import type { LlmAnswerer } from "./llm.js";
import type { Answer } from "./types.js";

/** A question with Latin words and no Chinese characters. */
export const isForeignQuestion = (q: string): boolean => !/\p{Script=Han}/u.test(q) && /[A-Za-z]{2,}.*[A-Za-z]{2,}/.test(q);

export const TO_CHINESE = "简体中文 (Simplified Chinese), as a question to a Chinese newspaper archive";
const backTo = (question: string) => `the language this question is written in: "${question.replace(/[{}]/g, "")}"`;

/** Every number (digits, with a decimal part) of the translation occurs in the Chinese answer. */
export function numbersKept(translated: string, chinese: string): boolean {
  const source = new Set(chinese.match(/\d+(?:\.\d+)?/g) ?? []);
  return (translated.match(/\d+(?:\.\d+)?/g) ?? []).every((n) => source.has(n));
}

/** Answers `question` through a translation; `ask` answers a Chinese question. */
export async function askThroughTranslation(llm: LlmAnswerer, question: string, ask: (zh: string) => Promise<Answer>): Promise<Answer> {
  const t0 = performance.now();
  const since = () => round(performance.now() - t0);
  let zh: string;
  try {
    zh = (await llm.translate(question, TO_CHINESE)).split("\n")[0]!.trim();
  } catch {
    return ask(question);
  }
  if (!/\p{Script=Han}/u.test(zh)) return ask(question);
  const a = await ask(zh);
  const translation: NonNullable<Answer["translation"]> = { model: llm.model, question: zh };
  if (!a.abstained) {
    try {
      const back = (await llm.translate(a.answer, backTo(question))).replace(/\s*\n\s*/g, " ").trim();
      if (back && numbersKept(back, a.answer)) translation.answer = back;
      else translation.dropped = "ungrounded";
    } catch {
      translation.dropped = "error";
    }
  }
  return { ...a, question, translation, timings: { ...a.timings, total_ms: since() } };
}

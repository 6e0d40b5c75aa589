/**
 * Optional LLM answers over any OpenAI-compatible chat endpoint (LangChain ChatOpenAI), from the
 * retrieved passages, with prompts kept as files in prompts/. What the model writes is never
 * shown unchecked: see grounding.ts.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { ChatPromptTemplate, PromptTemplate } from "@langchain/core/prompts";
import { ChatOpenAI } from "@langchain/openai";
import type { Citation } from "./types.js";

export interface LlmAnswerer {
  readonly model: string;
  /** The model's raw answer to the question from the numbered passages (streamed through onToken). */
  answer(question: string, passages: Citation[], options?: { onToken?: (token: string) => void }): Promise<string>;
  /** A standalone form of a follow-up question, given the previous questions. */
  rewrite(history: string[], question: string): Promise<string>;
  /** `text` in the `target` language (a description such as "简体中文"). */
  translate(text: string, target: string): Promise<string>;
}

export interface ChatModelConfig {
  baseUrl: string;
  model: string;
  apiKey?: string;
  timeoutMs: number;
  maxRetries: number;
}

export function createChatModel(config: ChatModelConfig): ChatOpenAI {
  return new ChatOpenAI({
    model: config.model,
    apiKey: config.apiKey || "not-needed",
    configuration: { baseURL: config.baseUrl },
    temperature: 0,
    timeout: config.timeoutMs,
    maxRetries: config.maxRetries,
    // many OpenAI-compatible servers reject stream_options
    streamUsage: false,
  });
}

export interface Prompts {
  system: string;
  answer: string;
  followup: string;
  translate: string;
}

/** The prompts bundled with citebot (a custom PROMPTS_DIR without translate.txt falls back to this one). */
export const BUNDLED_PROMPTS_DIR = fileURLToPath(new URL("../../prompts", import.meta.url));

export async function loadPrompts(dir: string): Promise<Prompts> {
  const read = (name: string) => fs.readFile(path.join(dir, name), "utf8");
  const [system, answer, followup] = await Promise.all([read("system.txt"), read("answer.txt"), read("followup.txt")]);
  const translate = await read("translate.txt").catch(() => fs.readFile(path.join(BUNDLED_PROMPTS_DIR, "translate.txt"), "utf8"));
  return { system, answer, followup, translate };
}

export const formatPassages = (passages: Citation[], untitled = "无标题"): string =>
  passages
    .map((p) => `[${p.n}] ${p.title ?? untitled}${p.byline ? ` — ${p.byline}` : ""}\n${p.excerpt.replace(/\s*\n\s*/g, " ")}`)
    .join("\n\n");

const text = (content: unknown): string =>
  typeof content === "string"
    ? content
    : Array.isArray(content)
      ? content.map((c) => (typeof c === "string" ? c : ((c as { text?: string }).text ?? ""))).join("")
      : "";

export function createLlmAnswerer(options: { chat: BaseChatModel; prompts: Prompts; model: string; timeoutMs: number }): LlmAnswerer {
  const answerPrompt = ChatPromptTemplate.fromMessages([
    ["system", options.prompts.system],
    ["human", options.prompts.answer],
  ]);
  const followupPrompt = PromptTemplate.fromTemplate(options.prompts.followup);
  const translatePrompt = PromptTemplate.fromTemplate(options.prompts.translate);
  return {
    model: options.model,
    async answer(question, passages, { onToken } = {}) {
      const messages = await answerPrompt.formatMessages({ question, passages: formatPassages(passages) });
      const signal = AbortSignal.timeout(options.timeoutMs);
      if (!onToken) return text((await options.chat.invoke(messages, { signal })).content);
      let out = "";
      for await (const chunk of await options.chat.stream(messages, { signal })) {
        const t = text(chunk.content);
        if (t) {
          out += t;
          onToken(t);
        }
      }
      return out;
    },
    async rewrite(history, question) {
      const prompt = await followupPrompt.format({ history: history.map((h, i) => `${i + 1}. ${h}`).join("\n"), question });
      const reply = await options.chat.invoke(prompt, { signal: AbortSignal.timeout(options.timeoutMs) });
      return text(reply.content).trim().split("\n")[0]!.trim();
    },
    async translate(source, target) {
      const prompt = await translatePrompt.format({ text: source, target });
      const reply = await options.chat.invoke(prompt, { signal: AbortSignal.timeout(options.timeoutMs) });
      return text(reply.content).trim();
    },
  };
}

export interface LlmConfig {
  LLM_BASE_URL?: string;
  LLM_API_KEY?: string;
  LLM_MODEL?: string;
  LLM_TIMEOUT_MS: number;
  LLM_MAX_RETRIES: number;
  PROMPTS_DIR: string;
}

/** The configured LLM answerer, or undefined when LLM_BASE_URL is not set (extractive only). */
export async function llmFromConfig(config: LlmConfig): Promise<LlmAnswerer | undefined> {
  if (!config.LLM_BASE_URL || !config.LLM_MODEL) return undefined;
  const chat = createChatModel({
    baseUrl: config.LLM_BASE_URL,
    model: config.LLM_MODEL,
    apiKey: config.LLM_API_KEY,
    timeoutMs: config.LLM_TIMEOUT_MS,
    maxRetries: config.LLM_MAX_RETRIES,
  });
  return createLlmAnswerer({
    chat,
    prompts: await loadPrompts(config.PROMPTS_DIR),
    model: config.LLM_MODEL,
    timeoutMs: config.LLM_TIMEOUT_MS,
  });
}

/** Public face of `answer`: the answer service, the archive front ends see, answers and their parts. */
export * from "./answer-service.js";
export * from "./archive.js";
export * from "./follow-up.js";
export * from "./format-text.js";
export { highlightRanges } from "./highlight.js";
export { answerKind, escapeRegExp } from "./scoring.js";
export { createLru, type Lru } from "./lru.js";
export * from "./llm.js";
export * from "./types.js";
export { isForeignQuestion } from "./translation.js";

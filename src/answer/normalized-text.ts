/**
 * Normalised forms of what the answer layer compares with the question, computed once per object
 * (the index is immutable): headlines, passages and sentences, and a hit's sentences on demand.
 */
import type { Article, Chunk } from "../ingest/index.js";
import { chunkTitle, normalizeText, type ScoredChunk } from "../search/index.js";
import type { articleSentences } from "./excerpt.js";
import type { PassageSentences } from "./features.js";

/** `make(key, …)` computed once per key object (the first call's other arguments decide it). */
function perObject<K extends object, A extends unknown[]>(make: (key: K, ...rest: A) => string): (key: K, ...rest: A) => string {
  const cache = new WeakMap<K, string>();
  return (key, ...rest) => {
    let v = cache.get(key);
    if (v === undefined) cache.set(key, (v = make(key, ...rest)));
    return v;
  };
}

/**
 * Normalised (NFKC, lower case, simplified) forms of passages, headlines and sentences, computed
 * once per object: the index is immutable, and normalising is most of the cost of re-ranking.
 * Normalising never joins across a line break or a space (NFKC starts afresh at both, OpenCC's
 * dictionary keys hold neither), so a whole made of parts is the parts' normal forms joined.
 */
export const normalized = (() => {
  const sentences = new WeakMap<Article, string[]>();
  const headline = perObject((a: Article) => normalizeText(a.title ?? ""));
  const chunk = perObject((c: Chunk) => normalizeText(c.text));
  return {
    title: perObject((a: Article) => normalizeText(chunkTitle(a))),
    chunk,
    /** The headline as printed (no kicker). */
    headline,
    /** The headline and its kicker. */
    headlineAndKicker: perObject((a: Article) => `${headline(a)} ${normalizeText(a.kicker ?? "")}`),
    /** The headline without a trailing bracketed qualifier. */
    headlineCore: perObject((a: Article) =>
      headline(a)
        .replace(/\s*[（(][^（()）]*[)）]\s*$/u, "")
        .trim(),
    ),
    /** The headline, a line break and the passage (keyed by the passage). */
    headlineAndPassage: perObject((c: Chunk, a: Article) => `${headline(a)}\n${chunk(c)}`),
    sentence(a: Article, i: number, text: string): string {
      let list = sentences.get(a);
      if (!list) sentences.set(a, (list = []));
      return (list[i] ??= normalizeText(text));
    },
  };
})();

/** A hit's sentences normalised on demand, and the clause groups (sentences joined by ；) around one. */
export function passageSentences(hit: ScoredChunk, sentences: ReturnType<typeof articleSentences>): PassageSentences {
  const { article } = hit;
  const raw = (i: number) => article.body.slice(sentences[i]!.start, sentences[i]!.end);
  const norm = (i: number) => (i >= 0 && sentences[i] ? normalized.sentence(article, i, raw(i)) : "");
  const joined = (i: number) => i >= 0 && i < sentences.length && /[；;]["”’」』）)]*\s*$/u.test(raw(i));
  return {
    norm,
    clauseGroup(s) {
      let [a, b] = [s, s];
      while (joined(a - 1)) a--;
      while (joined(b)) b++;
      return Array.from({ length: b - a + 1 }, (_, k) => norm(a + k)).join("");
    },
  };
}

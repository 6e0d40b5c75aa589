/**
 * Normalised forms of what the answer layer compares with the question, computed once per object
 * (the index is immutable): headlines, passages and sentences, and a hit's sentences on demand.
 */
import type { Article, Chunk } from "../ingest/index.js";
import { chunkTitle, normalizeText, type ScoredChunk } from "../search/index.js";
import type { articleSentences } from "./excerpt.js";
import type { PassageSentences } from "./features.js";

/**
 * Normalised (NFKC, lower case, simplified) forms of passages, headlines and sentences, computed
 * once per object: the index is immutable, and normalising is most of the cost of re-ranking.
 */
export const normalized = (() => {
  const texts = new WeakMap<object, string>();
  const cores = new WeakMap<Article, string>();
  const headlines = new WeakMap<Article, string>();
  const passages = new WeakMap<Chunk, string>();
  const kicked = new WeakMap<Article, string>();
  const sentences = new WeakMap<Article, string[]>();
  const once = (key: object, make: () => string) => {
    let v = texts.get(key);
    if (v === undefined) texts.set(key, (v = normalizeText(make())));
    return v;
  };
  return {
    title: (a: Article) => once(a, () => chunkTitle(a)),
    chunk: (c: Chunk) => once(c, () => c.text),
    /** The headline as printed (no kicker). */
    headline(a: Article): string {
      let v = headlines.get(a);
      if (v === undefined) headlines.set(a, (v = normalizeText(a.title ?? "")));
      return v;
    },
    /** The headline and its kicker (normalising never joins across the space, see below). */
    headlineAndKicker(a: Article): string {
      let v = kicked.get(a);
      if (v === undefined) kicked.set(a, (v = `${this.headline(a)} ${normalizeText(a.kicker ?? "")}`));
      return v;
    },
    /** The headline without a trailing bracketed qualifier. */
    headlineCore(a: Article): string {
      let v = cores.get(a);
      if (v === undefined)
        cores.set(
          a,
          (v = this.headline(a)
            .replace(/\s*[（(][^（()）]*[)）]\s*$/u, "")
            .trim()),
        );
      return v;
    },
    /**
     * The headline, a line break and the passage. Normalising never joins across a line break or a
     * space (NFKC starts afresh at both, OpenCC's dictionary keys hold neither), so the parts'
     * normal forms, each computed once, make the whole's.
     */
    headlineAndPassage(a: Article, c: Chunk): string {
      let v = passages.get(c);
      if (v === undefined) passages.set(c, (v = `${this.headline(a)}\n${this.chunk(c)}`));
      return v;
    },
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

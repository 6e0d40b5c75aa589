/** Articles from drafted paragraph groups: bodies joined with source offsets, ids, the page note. */
import { createHash } from "node:crypto";
import { type Para, plainText, repair } from "./layout.js";
import { MappedTextBuilder } from "./text.js";
import type { Article, DocMeta } from "./types.js";

/** What the segmenter drafted for one article. */
export interface ArticleDraft {
  title: string | null;
  kicker: string | null;
  subtitle: string | null;
  byline: Para | null;
  body: Para[];
}

export interface AssembleOptions {
  source: string;
  meta?: DocMeta;
  /** Title of the first article when the page states none (Markdown front matter, sidecar). */
  defaultTitle?: string | null;
  /** How a byline paragraph reads in the citation. */
  bylineText: (p: Para) => string;
}

/** The credit a news opener carries in brackets (`本报讯（记者 何冰）…`, `新华社北京12月2日电（记者 魏晓东）` → `记者 …`), for an article without a byline. */
function openerCredit(p: Para | undefined): string | null {
  if (!p) return null;
  const m = /^(?:本报讯|[^，。（(]{2,24}?电)\s*[（(]\s*((?:记者|通讯员|实习生|全媒体记者|本报记者)[^（）()]{1,30}?)\s*[）)]/u.exec(
    p.lines.map((l) => l.text).join(""),
  );
  return m ? m[1]!.replace(/\s+/g, " ").trim() : null;
}

export function stableId(source: string, ordinal: number, body: string): string {
  return createHash("sha1")
    .update(`${source}\n${ordinal}\n${body.slice(0, 64)}`)
    .digest("hex")
    .slice(0, 12);
}

/** Joins paragraphs with "\n"; where the source has other text between two of them, marks a cut. */
export function buildBody(paras: Para[], src: string): Pick<Article, "body" | "spans" | "cuts"> {
  const b = new MappedTextBuilder();
  let prevEnd = -1;
  paras.forEach((p, i) => {
    if (i > 0) {
      if (/\S/.test(src.slice(prevEnd, p.lines[0]!.start))) b.cut();
      b.push("\n", null);
    }
    // (lines of one paragraph can have other text between them too: a byline set inside a sentence cut by a column break)
    p.lines.forEach((line, k) => {
      const before = p.lines[k - 1];
      if (before && /\S/.test(src.slice(before.start + before.text.length, line.start))) b.cut();
      repair([line], b);
    });
    const last = p.lines[p.lines.length - 1]!;
    prevEnd = last.start + last.text.length;
  });
  return { body: b.toString(), spans: b.spans, cuts: b.cuts };
}

function article(
  kind: Article["kind"],
  ordinal: number,
  paras: Para[],
  text: string,
  options: AssembleOptions,
  head: Omit<ArticleDraft, "body" | "byline"> & { byline: string | null },
): Article {
  const { body, spans, cuts } = buildBody(paras, text);
  return {
    id: stableId(options.source, ordinal, body),
    source: options.source,
    kind,
    ordinal,
    ...head,
    body,
    spans,
    cuts,
    meta: options.meta ?? {},
  };
}

/** The page's articles in order, then at most one note holding its furniture (in source order). */
export function assembleArticles(drafts: ArticleDraft[], notes: Para[], text: string, options: AssembleOptions): Article[] {
  const articles: Article[] = [];
  for (const d of drafts) {
    if (d.body.length === 0) {
      if (d.byline) notes.push(d.byline);
      continue;
    }
    const title = d.title ?? (articles.length === 0 ? (options.defaultTitle ?? null) : null);
    const byline = d.byline ? options.bylineText(d.byline) : openerCredit(d.body[0]);
    articles.push(article("article", articles.length, d.body, text, options, { title, kicker: d.kicker, subtitle: d.subtitle, byline }));
  }
  const noteParas = notes.filter((p) => /[\p{Script=Han}A-Za-z0-9]/u.test(plainText(p)));
  if (noteParas.length > 0) {
    const sorted = [...noteParas].sort((a, b) => a.lines[0]!.start - b.lines[0]!.start);
    articles.push(article("note", articles.length, sorted, text, options, { title: null, kicker: null, subtitle: null, byline: null }));
  }
  return articles;
}

import { parse as parseYaml } from "yaml";
import { z } from "zod";
import type { DocMeta } from "./types.js";

const scalar = z.union([z.string(), z.number(), z.date()]).transform((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v)));

/** Known metadata fields; others are ignored. */
export const DocMetaSchema = z
  .object({
    publication: scalar.optional(),
    date: scalar.optional(),
    page: scalar.optional(),
    url: scalar.optional(),
    title: scalar.optional(),
  })
  .partial();

export interface FrontMatter {
  meta: DocMeta;
  title: string | null;
  /** The document with the front matter blanked out (same length, so offsets stay valid). */
  text: string;
}

const FRONT_MATTER = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/** Reads YAML front matter at the top of a Markdown document. Invalid YAML is reported, not fatal. */
export function readFrontMatter(text: string): FrontMatter & { error?: string } {
  const m = FRONT_MATTER.exec(text);
  if (!m) return { meta: {}, title: null, text };
  const blanked = m[0].replace(/[^\n]/g, " ") + text.slice(m[0].length);
  try {
    const parsed = DocMetaSchema.safeParse(parseYaml(m[1]!) ?? {});
    if (!parsed.success) return { meta: {}, title: null, text: blanked, error: "front matter fields must be text" };
    const { title, ...meta } = parsed.data;
    return { meta: stripUndefined(meta), title: title ?? null, text: blanked };
  } catch (err) {
    return { meta: {}, title: null, text: blanked, error: `invalid YAML front matter: ${(err as Error).message.split("\n")[0]}` };
  }
}

/** Parses a NAME.meta.json sidecar. */
export function parseSidecar(json: string): { meta: DocMeta; title: string | null } {
  const parsed = DocMetaSchema.parse(JSON.parse(json));
  const { title, ...meta } = parsed;
  return { meta: stripUndefined(meta), title: title ?? null };
}

function stripUndefined(meta: Record<string, string | undefined>): DocMeta {
  return Object.fromEntries(Object.entries(meta).filter(([, v]) => v !== undefined)) as DocMeta;
}

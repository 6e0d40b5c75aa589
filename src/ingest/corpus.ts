/**
 * Reads a corpus directory: every .txt and .md file below it, decoded, with its metadata,
 * segmented into articles. One bad file yields a warning naming it and never stops the others.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { decodeText } from "./decode.js";
import { sha256 } from "./hash.js";

export { sha256 };
import { documentDate, normalizeDate } from "./dates.js";
import { parseSidecar, readFrontMatter } from "./metadata.js";
import { IMAGE_EXTENSIONS, imageArticles, pdfArticles } from "./pdf-articles.js";

export { IMAGE_EXTENSIONS };
import { segmentPage } from "./segment.js";
import type { Article, DocMeta, IngestWarning } from "./types.js";

export const DOCUMENT_EXTENSIONS = [".txt", ".md", ".markdown", ".pdf", ...IMAGE_EXTENSIONS];
/** Files larger than this are skipped with a warning (a page of text is a few kilobytes). */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;
/** PDFs (e-editions carry their images) may be this large. */
export const MAX_PDF_BYTES = 100 * 1024 * 1024;
const isPdf = (name: string) => /\.pdf$/i.test(name);
const isImage = (name: string) => IMAGE_EXTENSIONS.includes(path.extname(name).toLowerCase());

export interface CorpusFile {
  /** Path relative to the corpus directory, forward slashes. */
  path: string;
  size: number;
  mtimeMs: number;
  /** Its `NAME.meta.json` / `NAME.txt.meta.json` sidecar, when the directory has one (relative path). */
  sidecar?: string;
  /** The sidecar's size and modification time, so that editing it alone makes the index stale. */
  sidecarStat?: { size: number; mtimeMs: number };
}

export interface LoadedFile extends CorpusFile {
  hash: string;
  encoding: string;
  articles: Article[];
}

export const isDocument = (name: string): boolean =>
  DOCUMENT_EXTENSIONS.includes(path.extname(name).toLowerCase()) && !name.endsWith(".meta.json");

/** Is `real` (a resolved path) the directory `root` or inside it? */
export const isInside = (root: string, real: string): boolean =>
  real === root || real.startsWith(root.endsWith(path.sep) ? root : root + path.sep);

/**
 * Lists the documents below dir (recursively, hidden entries skipped). Symbolic links are
 * followed only while they stay inside the corpus (realpath containment, as git and ripgrep do):
 * a link to /etc/passwd or to a directory elsewhere is skipped with a warning, never indexed.
 */
export async function listCorpus(dir: string, warn: (w: IngestWarning) => void = () => {}): Promise<CorpusFile[]> {
  const root = path.resolve(dir);
  let realRoot: string;
  try {
    realRoot = await fs.realpath(root);
  } catch {
    realRoot = root;
  }
  const outside = (abs: string) => warn({ file: rel(abs), message: "skipped: symbolic link to a place outside the corpus directory" });
  const seen = new Set<string>();
  const out: CorpusFile[] = [];
  async function walk(abs: string): Promise<void> {
    let real: string;
    try {
      real = await fs.realpath(abs);
    } catch (err) {
      warn({ file: rel(abs), message: `skipped: ${describeFsError(err)}` });
      return;
    }
    if (!isInside(realRoot, real)) return outside(abs);
    if (seen.has(real)) {
      warn({ file: rel(abs), message: "skipped: symbolic link back to a directory already scanned (a loop or a duplicate)" });
      return;
    }
    seen.add(real);
    let entries: import("node:fs").Dirent[];
    try {
      entries = await fs.readdir(abs, { withFileTypes: true });
    } catch (err) {
      warn({ file: rel(abs) || ".", message: `directory skipped: ${describeFsError(err)}` });
      return;
    }
    const visible = entries.filter((e) => !e.name.startsWith(".")).sort((a, b) => a.name.localeCompare(b.name));
    const names = new Set(visible.map((e) => e.name));
    // stat the whole directory at once (the file system works in parallel), then walk it in order
    const stats = await Promise.all(
      visible.map((e) =>
        fs.stat(path.join(abs, e.name)).then(
          (st) => ({ st }),
          (err: unknown) => ({ err }),
        ),
      ),
    );
    for (const [i, e] of visible.entries()) {
      const child = path.join(abs, e.name);
      const r = stats[i]!;
      if ("err" in r) {
        warn({ file: rel(child), message: `skipped: ${describeFsError(r.err)}` });
        continue;
      }
      if (r.st.isDirectory()) await walk(child);
      else if (r.st.isFile() && isDocument(e.name)) {
        if (e.isSymbolicLink() && !isInside(realRoot, await fs.realpath(child).catch(() => ""))) {
          outside(child);
          continue;
        }
        const ext = path.extname(e.name);
        const sidecar = [`${e.name.slice(0, -ext.length)}.meta.json`, `${e.name}.meta.json`].find((n) => names.has(n));
        const sidecarSt = sidecar ? stats[visible.findIndex((v) => v.name === sidecar)] : undefined;
        out.push({
          path: rel(child),
          size: r.st.size,
          mtimeMs: r.st.mtimeMs,
          ...(sidecar ? { sidecar: rel(path.join(abs, sidecar)) } : {}),
          ...(sidecarSt && "st" in sidecarSt ? { sidecarStat: { size: sidecarSt.st.size, mtimeMs: sidecarSt.st.mtimeMs } } : {}),
        });
      }
    }
  }
  const rel = (abs: string) => path.relative(root, abs).split(path.sep).join("/");
  await walk(root);
  return out;
}

const FS_ERRORS: Record<string, string> = {
  ENOENT: "it disappeared before it could be read",
  EACCES: "permission denied",
  EPERM: "permission denied",
  ELOOP: "symbolic link loop",
  EISDIR: "it is a directory",
  EMFILE: "too many open files",
  EIO: "input/output error",
};

/** A file-system error as a reader would put it ("permission denied (EACCES)"). */
export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code ? `${FS_ERRORS[code] ?? "cannot be read"} (${code})` : (err as Error).message;
}

async function readSidecar(dir: string, file: CorpusFile): Promise<{ meta: DocMeta; title: string | null } | null> {
  if (!file.sidecar) return null;
  let raw: string;
  try {
    const real = await fs.realpath(path.join(dir, file.sidecar));
    if (!isInside(await fs.realpath(dir), real)) return null;
    raw = await fs.readFile(real, "utf8");
  } catch {
    return null;
  }
  return parseSidecar(raw);
}

/** Reads, decodes and segments one file; returns null (after a warning) when it cannot be used. */
export async function loadFile(
  dir: string,
  file: CorpusFile,
  warn: (w: IngestWarning) => void,
  /** Where OCR results are kept by content hash (a reindex does not read an image twice). */
  options: { ocrCacheDir?: string } = {},
): Promise<LoadedFile | null> {
  const abs = path.join(dir, file.path);
  try {
    const limit = isPdf(file.path) || isImage(file.path) ? MAX_PDF_BYTES : MAX_FILE_BYTES;
    if (file.size > limit) {
      warn({ file: file.path, message: `skipped: ${(file.size / 1048576).toFixed(1)} MB is over the ${limit / 1048576} MB limit` });
      return null;
    }
    // the link could have been changed since the listing: check where it points right before reading
    const [realRoot, real] = await Promise.all([fs.realpath(dir), fs.realpath(abs)]);
    if (!isInside(realRoot, real)) {
      warn({ file: file.path, message: "skipped: symbolic link to a place outside the corpus directory" });
      return null;
    }
    const buf = await fs.readFile(real);
    if (isPdf(file.path) || isImage(file.path)) {
      const sidecar = await readSidecar(dir, file).catch(() => null);
      const hash = sha256(buf);
      const articles = isPdf(file.path)
        ? await pdfArticles(buf, file.path, sidecar?.meta ?? {}, warn, options.ocrCacheDir)
        : await imageArticles(real, hash, file.path, sidecar?.meta ?? {}, warn, options.ocrCacheDir);
      return articles.length ? { ...file, size: buf.length, hash, encoding: isPdf(file.path) ? "pdf" : "ocr", articles } : null;
    }
    const decoded = decodeText(buf);
    if (!decoded.ok) {
      warn({ file: file.path, message: `skipped: ${decoded.message}` });
      return null;
    }
    if (decoded.warning) warn({ file: file.path, message: decoded.warning });
    let text = decoded.text;
    let meta: DocMeta = {};
    let defaultTitle: string | null = null;
    try {
      const sidecar = await readSidecar(dir, file);
      if (sidecar) ({ meta, title: defaultTitle } = sidecar);
    } catch (err) {
      warn({ file: file.path, message: `ignored its .meta.json: ${(err as Error).message.split("\n")[0]}` });
    }
    if (/\.(md|markdown)$/i.test(file.path)) {
      const fm = readFrontMatter(text);
      if (fm.error) warn({ file: file.path, message: fm.error });
      text = fm.text;
      meta = { ...meta, ...fm.meta };
      defaultTitle = fm.title ?? defaultTitle;
    }
    // a date the metadata spells in a way we cannot read stays as written, and counts as undated
    const dated = meta.date && !normalizeDate(meta.date) ? null : documentDate(file.path, text, meta.date);
    if (dated) meta = { ...meta, date: dated.date, date_source: dated.source };
    const articles = segmentPage(text, { source: file.path, meta, defaultTitle });
    if (articles.length === 0) {
      warn({ file: file.path, message: "skipped: no text found" });
      return null;
    }
    return { ...file, size: buf.length, hash: sha256(buf), encoding: decoded.encoding, articles };
  } catch (err) {
    warn({ file: file.path, message: `skipped: ${describeFsError(err)}` });
    return null;
  }
}

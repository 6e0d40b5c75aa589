/** Documents admins add to or remove from the corpus: sanitised names inside the corpus dir, checked content, atomic writes. */
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { DocumentRejectedError } from "../errors.js";
import { DOCUMENT_EXTENSIONS, decodeText, IMAGE_EXTENSIONS, PdfError, readPdf } from "../ingest/index.js";

/**
 * A safe corpus file name from a user-supplied one: the last path component only, no leading
 * dots, letters/digits/`._-` and spaces kept, anything else `_`; it must end in a document
 * extension. Returns null when nothing usable is left.
 */
export function sanitizeFileName(name: string): string | null {
  const base = name.normalize("NFKC").split(/[/\\]/).pop() ?? "";
  const cleaned = base
    .replace(/[^\p{L}\p{N}._ -]/gu, "_")
    .replace(/\s+/g, " ")
    .replace(/^[.\s_-]+/, "")
    .trim();
  if (!cleaned || !/[\p{L}\p{N}]/u.test(cleaned.replace(/\.[^.]*$/, ""))) return null;
  return fitNameBytes(cleaned, MAX_NAME_BYTES);
}

/** File systems allow 255 bytes per name; leave room for the temporary prefix used while writing. */
export const MAX_NAME_BYTES = 200;

/** Shortens the stem (whole characters) so that the UTF-8 name fits in `max` bytes; the extension stays. */
function fitNameBytes(name: string, max: number): string {
  if (Buffer.byteLength(name) <= max) return name;
  const ext = path.extname(name).slice(0, 16);
  const stem = Array.from(name.slice(0, name.length - path.extname(name).length));
  while (stem.length && Buffer.byteLength(stem.join("") + ext) > max) stem.pop();
  return stem.join("").trim() + ext;
}

/** Refuses what would not index: undecodable text; PDFs that are broken, encrypted or have no text layer; unreadable images. */
async function checkContent(file: string, data: Uint8Array): Promise<void> {
  if (IMAGE_EXTENSIONS.includes(path.extname(file).toLowerCase())) {
    const { default: sharp } = await import("sharp");
    const meta = await sharp(data)
      .metadata()
      .catch(() => null);
    if (!meta?.width || !meta.height) throw new DocumentRejectedError("image-broken", `${file}: not a readable image`);
    return;
  }
  if (!/\.pdf$/i.test(file)) {
    const decoded = decodeText(data);
    if (!decoded.ok) throw new DocumentRejectedError(decoded.reason, `${file}: ${decoded.message}`);
    return;
  }
  let pages: Awaited<ReturnType<typeof readPdf>>;
  try {
    pages = await readPdf(data);
  } catch (err) {
    if (!(err instanceof PdfError)) throw err;
    throw new DocumentRejectedError(err.reason === "encrypted" ? "pdf-encrypted" : "pdf-broken", `${file}: ${err.message}`, { cause: err });
  }
  if (pages.some((p) => p.chars > 0 && !p.garbled)) return;
  // pages without text are read by OCR from their image: one of them must give one
  const [first] = pages.length ? await readPdf(data, { scans: true, pages: [pages[0]!.number] }) : [];
  if (!first?.scan) throw new DocumentRejectedError("pdf-no-text", `${file}: no page has a readable text layer or a page image to read`);
}

export interface CorpusDocuments {
  /** Validates and writes a document into the corpus (no reindex). Returns its corpus path. */
  addDocument(fileName: string, data: Uint8Array): Promise<{ file: string; replaced: boolean }>;
  /** Deletes a document of the corpus (no reindex). */
  removeDocument(fileName: string): Promise<{ file: string }>;
  /** The corpus name a user-supplied name maps to, and whether a file has it (DocumentRejectedError for unusable names). */
  findDocument(fileName: string): Promise<{ file: string; exists: boolean }>;
}

export function createCorpusDocuments(corpusDir: string, maxBytes: number): CorpusDocuments {
  const resolveInCorpus = (fileName: string): { file: string; abs: string } => {
    const file = sanitizeFileName(fileName);
    if (!file) throw new DocumentRejectedError("name", `"${fileName}" is not a usable file name`);
    if (!DOCUMENT_EXTENSIONS.includes(path.extname(file).toLowerCase())) {
      throw new DocumentRejectedError("type", `only ${DOCUMENT_EXTENSIONS.join(", ")} documents are accepted`);
    }
    const root = path.resolve(corpusDir);
    const abs = path.resolve(root, file);
    if (path.dirname(abs) !== root) throw new DocumentRejectedError("name", `"${fileName}" would leave the corpus directory`);
    return { file, abs };
  };

  const exists = (abs: string) =>
    fs.stat(abs).then(
      (st) => st.isFile(),
      () => false,
    );

  return {
    async findDocument(fileName) {
      const { file, abs } = resolveInCorpus(fileName);
      return { file, exists: await exists(abs) };
    },
    async addDocument(fileName, data) {
      const { file, abs } = resolveInCorpus(fileName);
      if (data.length > maxBytes) throw new DocumentRejectedError("size", `${file} is ${data.length} bytes; the limit is ${maxBytes}`);
      await checkContent(file, data);
      const replaced = await exists(abs);
      await fs.mkdir(path.dirname(abs), { recursive: true });
      // Hidden temporary name: a concurrent corpus scan skips it; rename is atomic.
      const tmp = path.join(path.dirname(abs), `.upload-${randomBytes(4).toString("hex")}.tmp`);
      try {
        await fs.writeFile(tmp, data);
        await fs.rename(tmp, abs);
      } catch (err) {
        await fs.rm(tmp, { force: true }).catch(() => {});
        throw err;
      }
      return { file, replaced };
    },
    async removeDocument(fileName) {
      const { file, abs } = resolveInCorpus(fileName);
      try {
        await fs.unlink(abs);
      } catch (err) {
        throw new DocumentRejectedError("missing", `${file} is not in the corpus`, { cause: err });
      }
      return { file };
    },
  };
}

/** The article being built by the page segmenter, and the options of a page's segmentation. */
import type { Para } from "./layout.js";
import type { DocMeta } from "./types.js";

export interface SegmentOptions {
  /** Path relative to the corpus directory. */
  source: string;
  meta?: DocMeta;
  /** Title to use when the document itself names none (e.g. from front matter). */
  defaultTitle?: string | null;
  /** Type size of each physical line, where the input has it (PDF, OCR). */
  lineSizes?: number[];
}

export interface Draft {
  title: string | null;
  kicker: string | null;
  subtitle: string | null;
  byline: Para | null;
  body: Para[];
  /** Saw a jump line (下转…) after the body. */
  jumped: boolean;
  /** A closing byline or headline ended the body: the next text starts a new article. */
  closed: boolean;
  fromMarkdown: boolean;
  /** The brief's marker its headline carried (`▶`): a heading with the same one is the next brief. */
  mark: string | null;
  /** Headed by a notice's title (`遗失声明`): set as one block, it ends at the next blank line. */
  notice: boolean;
}

export const newDraft = (init: Partial<Draft> = {}): Draft => ({
  title: null,
  kicker: null,
  subtitle: null,
  byline: null,
  body: [],
  jumped: false,
  closed: false,
  fromMarkdown: false,
  mark: null,
  notice: false,
  ...init,
});

/** Public face of `ingest`: text files → articles → chunks. */
export * from "./chunk.js";
export * from "./corpus.js";
export * from "./decode.js";
export * from "./types.js";
export * from "./dates.js";
export { pageSource, pdfPageText, sourceText, splitPageSource } from "./pdf-articles.js";
export { looksLikePdf, PdfError, readPdf } from "./pdf.js";
export { clippingImage } from "./clipping.js";

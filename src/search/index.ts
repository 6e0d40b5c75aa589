/**
 * Public face of `search`: the index lifecycle (build, load, check, freshness), the library that
 * serves it and runs admin operations, embeddings, the retrieval interface and its local hybrid
 * implementation, and the text normalisation that answers share with the index.
 */
export * from "./corpus-documents.js";
export * from "./embeddings.js";
export * from "./ensure-index.js";
export type { IdentifiedEmbeddings } from "./hash-embeddings.js";
export { HashEmbeddings } from "./hash-embeddings.js";
export * from "./fusion.js";
export * from "./hybrid-retriever.js";
export * from "./index-store.js";
export * from "./library.js";
export { createPgPool, openPgLibrary, type PgLibraryOptions, reindexPostgres } from "./pg-library.js";
export { PG_CHECKPOINTS, type PgCheckpoint } from "./pg-publish.js";
export * from "./retrieval.js";
export { claimTokens, normalizeText, queryTerms, wordBoundaries } from "./text-normalize.js";
export { type ActivityGauge, createActivityGauge } from "./yield-point.js";

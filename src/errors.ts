/** Small typed errors that wrap their cause (in the style of grammY's GrammyError). */
export class CitebotError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The data directory holds no index yet. */
export class IndexMissingError extends CitebotError {}

/** The index on disk was built with another embedding (or format) than the one configured. */
export class IndexMismatchError extends CitebotError {}

/** Another process holds the index lock. */
export class IndexBusyError extends CitebotError {}

/** Building an index failed; the previous index (if any) still serves. */
export class IndexBuildError extends CitebotError {}

/** Why an uploaded or removed document was refused; `reason` is stable for user-facing messages. */
export type DocumentRejection =
  | "name"
  | "type"
  | "size"
  | "empty"
  | "binary"
  | "undecodable"
  | "missing"
  | "pdf-broken"
  | "pdf-encrypted"
  | "pdf-no-text"
  | "image-broken";

/** A document was not added to (or removed from) the corpus. */
export class DocumentRejectedError extends CitebotError {
  constructor(
    readonly reason: DocumentRejection,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

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

/** Content hashes: the identity of a file's bytes (index freshness, the OCR cache). */
import { createHash } from "node:crypto";

export const sha256 = (data: Uint8Array | string): string => createHash("sha256").update(data).digest("hex");

import { HashEmbeddings, type IdentifiedEmbeddings } from "./hash-embeddings.js";

export interface EmbeddingsConfig {
  EMBEDDINGS: "hash";
  HASH_DIMENSIONS: number;
}

/** The embedding chosen in config (`EMBEDDINGS=hash` is the offline default). */
export function createEmbeddings(config: EmbeddingsConfig): IdentifiedEmbeddings {
  switch (config.EMBEDDINGS) {
    case "hash":
      return new HashEmbeddings({ dimensions: config.HASH_DIMENSIONS });
  }
}

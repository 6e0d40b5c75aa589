import { HashEmbeddings, type IdentifiedEmbeddings } from "./hash-embeddings.js";
import { OpenAiCompatibleEmbeddings } from "./openai-embeddings.js";

export interface EmbeddingsConfig {
  EMBEDDINGS: "hash" | "openai";
  HASH_DIMENSIONS: number;
  EMBEDDINGS_BASE_URL?: string;
  EMBEDDINGS_MODEL?: string;
  EMBEDDINGS_API_KEY?: string;
  EMBEDDINGS_DIMENSIONS?: number;
}

/** The embedding chosen in config (`EMBEDDINGS=hash` is the offline default). */
export async function createEmbeddings(config: EmbeddingsConfig): Promise<IdentifiedEmbeddings> {
  switch (config.EMBEDDINGS) {
    case "hash":
      return new HashEmbeddings({ dimensions: config.HASH_DIMENSIONS });
    case "openai":
      return OpenAiCompatibleEmbeddings.create({
        baseUrl: config.EMBEDDINGS_BASE_URL!,
        model: config.EMBEDDINGS_MODEL!,
        apiKey: config.EMBEDDINGS_API_KEY,
        dimensions: config.EMBEDDINGS_DIMENSIONS,
      });
  }
}

/** Only the embedding settings of a configuration (what a build worker needs; no other secrets). */
export const embeddingsConfigOf = (c: EmbeddingsConfig): EmbeddingsConfig => ({
  EMBEDDINGS: c.EMBEDDINGS,
  HASH_DIMENSIONS: c.HASH_DIMENSIONS,
  EMBEDDINGS_BASE_URL: c.EMBEDDINGS_BASE_URL,
  EMBEDDINGS_MODEL: c.EMBEDDINGS_MODEL,
  EMBEDDINGS_API_KEY: c.EMBEDDINGS_API_KEY,
  EMBEDDINGS_DIMENSIONS: c.EMBEDDINGS_DIMENSIONS,
});

/**
 * Neural embeddings from any OpenAI-compatible /v1/embeddings endpoint (Ollama, vLLM, TEI,
 * llama.cpp server, a hosted API) through LangChain's OpenAIEmbeddings: batched, with retries
 * and a timeout. The id records the model and dimension, so an index built with another one is
 * refused until a reindex.
 */
import { Embeddings } from "@langchain/core/embeddings";
import { OpenAIEmbeddings } from "@langchain/openai";
import { CitebotError } from "../errors.js";
import type { IdentifiedEmbeddings } from "./hash-embeddings.js";

export interface OpenAiEmbeddingsConfig {
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** Known dimension; probed with one request when absent. */
  dimensions?: number;
  batchSize?: number;
  timeoutMs?: number;
  maxRetries?: number;
}

export class OpenAiCompatibleEmbeddings extends Embeddings implements IdentifiedEmbeddings {
  readonly id: string;

  private constructor(
    private readonly client: OpenAIEmbeddings,
    readonly model: string,
    readonly dimensions: number,
  ) {
    super({});
    this.id = `openai:${model}:d${dimensions}`;
  }

  static async create(config: OpenAiEmbeddingsConfig): Promise<OpenAiCompatibleEmbeddings> {
    const client = new OpenAIEmbeddings({
      model: config.model,
      apiKey: config.apiKey || "not-needed",
      configuration: { baseURL: config.baseUrl },
      batchSize: config.batchSize ?? 64,
      maxRetries: config.maxRetries ?? 3,
      timeout: config.timeoutMs ?? 60_000,
    });
    let dimensions = config.dimensions;
    if (!dimensions) {
      try {
        dimensions = (await client.embedQuery("维度")).length;
      } catch (err) {
        throw new CitebotError(
          `cannot reach the embeddings endpoint ${config.baseUrl} (model ${config.model}): ${(err as Error).message}`,
          { cause: err },
        );
      }
    }
    return new OpenAiCompatibleEmbeddings(client, config.model, dimensions);
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    return this.check(await this.client.embedDocuments(texts));
  }

  async embedQuery(text: string): Promise<number[]> {
    return this.check([await this.client.embedQuery(text)])[0]!;
  }

  private check(vectors: number[][]): number[][] {
    for (const v of vectors) {
      if (v.length !== this.dimensions)
        throw new CitebotError(
          `the embeddings endpoint returned ${v.length} dimensions; the index uses ${this.dimensions}: reindex (npm run index)`,
        );
    }
    return vectors;
  }
}

/**
 * A local OpenAI-compatible HTTP stub on 127.0.0.1: /v1/chat/completions (plain and streamed
 * as server-sent events) and /v1/embeddings (float or base64, as the openai SDK asks). Tests
 * script the chat behaviour per request.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export type ChatBehaviour = { reply: string } | { status: number } | { hang: true };

export interface ChatRequest {
  model: string;
  stream: boolean;
  messages: Array<{ role: string; content: string }>;
}

export interface OpenAiStub {
  baseUrl: string;
  chat: ChatRequest[];
  embeddingCalls: number;
  /** Decides each chat completion. */
  onChat: (req: ChatRequest) => ChatBehaviour;
  close(): Promise<void>;
}

export async function startOpenAiStub(options: { embed?: (text: string) => number[] } = {}): Promise<OpenAiStub> {
  const sockets = new Set<import("node:net").Socket>();
  const stub: OpenAiStub = {
    baseUrl: "",
    chat: [],
    embeddingCalls: 0,
    onChat: () => ({ reply: "" }),
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString() || "{}");
    const json = (status: number, obj: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(obj));

    if (req.url?.endsWith("/embeddings")) {
      stub.embeddingCalls++;
      const inputs: string[] = Array.isArray(body.input) ? body.input : [body.input];
      const data = inputs.map((text, index) => {
        const v = options.embed ? options.embed(String(text)) : [1, 0, 0, 0];
        const embedding = body.encoding_format === "base64" ? Buffer.from(new Float32Array(v).buffer).toString("base64") : v;
        return { object: "embedding", index, embedding };
      });
      return json(200, { object: "list", data, model: body.model, usage: { prompt_tokens: 1, total_tokens: 1 } });
    }

    if (req.url?.endsWith("/chat/completions")) {
      const request: ChatRequest = { model: body.model, stream: !!body.stream, messages: body.messages };
      stub.chat.push(request);
      const b = stub.onChat(request);
      if ("hang" in b) return; // never answers
      if ("status" in b) return json(b.status, { error: { message: "stub failure", type: "server_error" } });
      const id = `chatcmpl-${stub.chat.length}`;
      if (!request.stream) {
        return json(200, {
          id,
          object: "chat.completion",
          created: 0,
          model: body.model,
          choices: [{ index: 0, message: { role: "assistant", content: b.reply }, finish_reason: "stop" }],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        });
      }
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
      const pieces = Array.from(b.reply.matchAll(/[\s\S]{1,6}/gu), (m) => m[0]);
      for (const [i, piece] of pieces.entries()) {
        res.write(
          `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created: 0, model: body.model, choices: [{ index: 0, delta: i === 0 ? { role: "assistant", content: piece } : { content: piece }, finish_reason: null }] })}\n\n`,
        );
        await new Promise((r) => setTimeout(r, 5));
      }
      res.write(
        `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created: 0, model: body.model, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] })}\n\n`,
      );
      return res.end("data: [DONE]\n\n");
    }
    json(404, { error: { message: `no route ${req.url}` } });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  stub.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return stub;
}

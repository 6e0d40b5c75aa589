/**
 * A small fault-injecting Bot API proxy on 127.0.0.1, in front of the telegram-test-api emulator.
 * It adds what the emulator lacks for these tests: real getUpdates offset semantics (updates are
 * re-delivered until a later offset confirms them, as Telegram does), and scripted faults per
 * method: 429 with retry_after, 500, a dropped connection, or a slow answer. With `files`, it also
 * plays the Bot API's file service the emulator lacks: getFile for those file ids and the download
 * endpoint `/file/bot<token>/<file_path>`.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export type Fault = { kind: "429"; retryAfter: number } | { kind: "500" } | { kind: "drop" } | { kind: "slow"; ms: number };

export interface FaultProxy {
  url: string;
  /** Faults applied, in order, to the next calls of `method`. */
  inject(method: string, ...faults: Fault[]): void;
  /** Calls seen per method (faulted ones included). */
  calls: Map<string, number>;
  close(): Promise<void>;
}

interface Update {
  update_id: number;
}

export async function startFaultProxy(upstream: string, options: { files?: Record<string, Uint8Array> } = {}): Promise<FaultProxy> {
  const files = options.files ?? {};
  const faults = new Map<string, Fault[]>();
  const calls = new Map<string, number>();
  const pending = new Map<string, Update[]>(); // per token: fetched from the emulator, not yet confirmed

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const m = /^\/bot([^/]+)\/(\w+)/.exec(req.url ?? "");
    const method = m?.[2] ?? "";
    calls.set(method, (calls.get(method) ?? 0) + 1);
    const fault = faults.get(method)?.shift();
    const reply = (status: number, json: unknown) =>
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(json));
    if (fault?.kind === "429")
      return reply(429, {
        ok: false,
        error_code: 429,
        description: `Too Many Requests: retry after ${fault.retryAfter}`,
        parameters: { retry_after: fault.retryAfter },
      });
    if (fault?.kind === "500") return reply(500, { ok: false, error_code: 500, description: "Internal Server Error" });
    if (fault?.kind === "drop") return req.socket.destroy();
    if (fault?.kind === "slow") await new Promise((r) => setTimeout(r, fault.ms));

    const download = /^\/file\/bot[^/]+\/documents\/(.+)$/.exec(req.url ?? "");
    if (download) {
      const data = files[decodeURIComponent(download[1]!)];
      return data ? res.writeHead(200, { "content-type": "application/octet-stream" }).end(Buffer.from(data)) : reply(404, { ok: false });
    }
    if (m && method === "getFile") {
      const id = (body.length ? (JSON.parse(body.toString()) as { file_id?: string }) : {}).file_id ?? "";
      if (!files[id]) return reply(400, { ok: false, error_code: 400, description: "Bad Request: invalid file_id" });
      return reply(200, {
        ok: true,
        result: { file_id: id, file_unique_id: id, file_size: files[id]!.length, file_path: `documents/${encodeURIComponent(id)}` },
      });
    }
    if (m && method === "getUpdates") {
      const token = m[1]!;
      const params = body.length ? (JSON.parse(body.toString()) as { offset?: number }) : {};
      const fresh = (await (await fetch(`${upstream}/bot${token}/getUpdates`, { method: "POST" })).json()) as { result: Update[] };
      const queue = [...(pending.get(token) ?? []), ...fresh.result].filter((u) => u.update_id >= (params.offset ?? 0));
      pending.set(token, queue);
      return reply(200, { ok: true, result: queue.slice(0, 100) });
    }
    const r = await fetch(`${upstream}${req.url}`, {
      method: req.method,
      headers: { "content-type": req.headers["content-type"] ?? "application/json" },
      body: req.method === "GET" ? undefined : body,
    });
    res
      .writeHead(r.status, { "content-type": r.headers.get("content-type") ?? "application/json" })
      .end(Buffer.from(await r.arrayBuffer()));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    inject: (method, ...f) => faults.set(method, [...(faults.get(method) ?? []), ...f]),
    calls,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

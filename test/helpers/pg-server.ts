/**
 * A Postgres for tests: a real server when TEST_DATABASE_URL is set (each call gets its own schema,
 * dropped at stop), else PGlite with pgvector served over the Postgres wire protocol by
 * pglite-socket — the same `pg` client code talks to both.
 */
import { randomBytes } from "node:crypto";
import net from "node:net";
import pg from "pg";

export interface TestPg {
  url: string;
  /** "server" (TEST_DATABASE_URL) or "pglite". */
  kind: "server" | "pglite";
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startTestPg(): Promise<TestPg> {
  const server = process.env.TEST_DATABASE_URL;
  if (server) {
    const schema = `citebot_test_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    await admin.query("CREATE EXTENSION IF NOT EXISTS vector");
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    const url = new URL(server);
    url.searchParams.set("options", `-c search_path=${schema},public`);
    return {
      url: url.toString(),
      kind: "server",
      stop: async () => {
        const c = new pg.Client({ connectionString: server });
        await c.connect();
        await c.query(`DROP SCHEMA ${schema} CASCADE`);
        await c.end();
      },
    };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const { vector } = await import("@electric-sql/pglite-pgvector");
  const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket");
  const db = await PGlite.create({ extensions: { vector } });
  const port = await freePort();
  const socket = new PGLiteSocketServer({ db, port, host: "127.0.0.1", maxConnections: 32 });
  await socket.start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    kind: "pglite",
    stop: async () => {
      await socket.stop();
      await db.close();
    },
  };
}

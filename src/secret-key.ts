/**
 * The installation's secret key (32 random bytes in DATA_DIR/secret.key, mode 0600, made on first
 * start): keys the HMAC that pseudonymises user ids in feedback, so a stored id cannot be
 * reversed by hashing every possible Telegram id.
 */
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";

export const SECRET_KEY_FILE = "secret.key";

export async function loadSecretKey(dataDir: string): Promise<Buffer> {
  const file = path.join(dataDir, SECRET_KEY_FILE);
  await fs.mkdir(dataDir, { recursive: true });
  try {
    const fh = await fs.open(file, "wx", 0o600);
    try {
      await fh.writeFile(randomBytes(32));
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  const key = await fs.readFile(file);
  if (key.length < 32)
    throw new Error(`${file} is damaged (${key.length} bytes); delete it to make a new one (feedback pseudonyms change)`);
  await fs.chmod(file, 0o600);
  return key;
}

/**
 * With DATABASE_URL, replicas share one key, kept in the database: the first replica to start
 * offers its own (so pseudonyms made before the move stay the same), the others take that one.
 */
export async function sharedSecretKey(
  db: { query(text: string, params?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }> },
  dataDir: string,
): Promise<Buffer> {
  const own = await loadSecretKey(dataDir);
  await db.query("INSERT INTO citebot_secrets (name, value) VALUES ('user-key', $1) ON CONFLICT (name) DO NOTHING", [own]);
  const { rows } = await db.query("SELECT value FROM citebot_secrets WHERE name = 'user-key'");
  return rows[0]!.value as Buffer;
}

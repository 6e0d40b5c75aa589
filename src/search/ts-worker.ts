/**
 * Starts a worker thread on a module of this package. Run from source (tsx, vitest) the module
 * is TypeScript, which a worker cannot load by itself: a two-line bootstrap registers tsx's
 * loader in the worker first (tsx is a dependency; nothing is compiled ahead of time).
 */
import { Worker, type WorkerOptions } from "node:worker_threads";

export function startWorker(moduleUrl: URL, options: WorkerOptions = {}): Worker {
  if (!moduleUrl.pathname.endsWith(".ts")) return new Worker(moduleUrl, options);
  const bootstrap = `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(moduleUrl.href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}

/** The URL of a sibling module, with this file's extension (.ts from source, .js when built). */
export const siblingModule = (base: string, name: string): URL => new URL(`./${name}${base.endsWith(".ts") ? ".ts" : ".js"}`, base);

import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/load/**/*.test.ts"],
    testTimeout: 120_000,
    // measurements: one file at a time, so that they do not compete for the two cores
    fileParallelism: false,
    hookTimeout: 60_000,
    // the memory check compares heaps after a full collection
    execArgv: ["--expose-gc"],
  },
});

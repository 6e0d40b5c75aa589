import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/load/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // the memory check compares heaps after a full collection
    execArgv: ["--expose-gc"],
  },
});

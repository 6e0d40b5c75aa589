import { defineConfig } from "vitest/config";

// `npm test` runs everything but the load test, which `npm run test:load` runs on its own.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/load/**", "node_modules/**"],
  },
});

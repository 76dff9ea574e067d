import path from "node:path";
import { defineConfig } from "vitest/config";

const alias = { "@": path.resolve(__dirname) };

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["server/**/*.test.ts", "components/**/*.test.ts"],
          exclude: ["**/*.integration.test.ts", "node_modules/**"],
          environment: "node",
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["server/**/*.integration.test.ts"],
          globalSetup: ["server/testing/integration-setup.ts"],
          environment: "node",
          testTimeout: 300_000,
          hookTimeout: 300_000,
          // Each file provisions real containers; two at a time keeps a 2-core machine responsive.
          maxWorkers: 2,
          fileParallelism: true,
        },
      },
    ],
  },
});

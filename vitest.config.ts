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
          // Each file provisions real containers and some measure failover timing: one file at a time, so a
          // 2-core machine is not what a fault test measures.
          fileParallelism: false,
        },
      },
    ],
  },
});

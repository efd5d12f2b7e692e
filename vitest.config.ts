import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.test.ts", "actions/*/test/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/dist/**"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Every emulator API response in a test file is validated against the real Pulp spec.
    setupFiles: ["test/setup/emulator-audit.ts"],
    // System programs (scripts/system-packages.txt): installed when root on Debian, else named.
    globalSetup: ["test/setup/system-packages.ts"],
    // Two cores: system tests start servers and tools; keep the pool small.
    maxWorkers: 2,
  },
});

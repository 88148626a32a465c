import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    name: "cli",
    maxWorkers: 2,
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000
  }
})

import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    name: "core",
    maxWorkers: 2,
    // the test files share nothing but read-only modules: a worker keeps the modules it has
    // loaded (effect, the sources) from one file to the next instead of importing them again
    isolate: false,
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000
  }
})

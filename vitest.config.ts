import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    projects: ["packages/*"],
    // vitest's default in a run is one worker per CPU but one, which is a single worker on the
    // 2-core machines here; most test files wait on child processes and servers, so two keep
    // both cores busy (measured: the suite ran 899 s of wall time for 853 s of file time)
    maxWorkers: 2
  }
})

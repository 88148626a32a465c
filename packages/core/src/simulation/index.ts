/** Seeded, realistic simulated answers for demos and benchmarks, marked as simulated everywhere. */
export { type SimulatedWaveCounts, simulateSurvey, type SimulateOptions, type SimulationSummary } from "./Simulate.js"

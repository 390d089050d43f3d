// Sample packet data shared by the protocol tests.
import type { Activation, Anomaly, Measurement } from "../src/packets";

export const sampleMeasurement: Measurement = {
  pod: "IT002E61899978",
  timestampMs: Date.UTC(2021, 5, 23, 10, 30),
  sequence: 42,
  activePowerW: 2_278_545,
  reactivePowerVar: -1_103_000,
  importedEnergyWh: 987_654_321,
  exportedEnergyWh: 12_345,
  meterStatus: 0,
};

export const sampleAnomaly: Anomaly = {
  pod: "IT002E61899978",
  timestampMs: Date.UTC(2021, 5, 23, 10, 31),
  sequence: 43,
  anomaly: "meter-unreachable",
  detail: "Modbus TCP timeout after 3 retries",
};

export const sampleActivation: Activation = {
  pod: "IT002E61899978",
  timestampMs: Date.UTC(2021, 5, 23, 10, 16),
  sequence: 44,
  setpointId: `0x${"ab".repeat(32)}`,
  dsoSentMs: Date.UTC(2021, 5, 23, 10, 15),
  nodeReceivedMs: Date.UTC(2021, 5, 23, 10, 15, 1),
  emsReceivedMs: Date.UTC(2021, 5, 23, 10, 15, 2),
  outcome: "forwarded",
};

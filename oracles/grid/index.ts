// Public API of the grid engine: network model, importers, Newton–Raphson power flow (single and 96-slot
// batch), sensitivities, PoD → PoM mapping, forecasts, and the synthetic Rome and Tor di Valle networks.
export * from "./errors";
export {
  networkSchema,
  parseNetwork,
  type Bus,
  type Feeder,
  type Generator,
  type Line,
  type Load,
  type Network,
  type NetworkInput,
  type PrimarySubstation,
  type Slack,
  type Switch,
  type Transformer,
} from "./model";
export { validateNetwork } from "./validate";
export { compileNetwork, type CompiledNetwork } from "./compile";
export {
  caseState,
  elementPowers,
  solveBatch,
  solveCompiled,
  solvePowerFlow,
  type BranchResult,
  type BusResult,
  type ConvergenceReport,
  type PowerFlowOptions,
  type PowerFlowResult,
  type PowerFlowTotals,
  type SlotInjections,
  type Violation,
  type VoltageLimits,
  type VoltageState,
} from "./powerflow";
export {
  computeSensitivities,
  type InjectionSensitivity,
  type SensitivityReport,
  type SensitivityRequest,
} from "./sensitivities";
export { locateBuses, mapPodsToPoms, type PodLocation } from "./mapping";
export { solveRadialSweep, type SweepOptions, type SweepResult } from "./sweep";
export { parseMatpowerCase } from "./importers/matpower";
export { parsePandapowerJson, type PandapowerOptions } from "./importers/pandapower";
export { runMatlabCase, type MatlabCase, type Matrix } from "./importers/matlab";
export {
  applyParameters,
  calibrateNetwork,
  modelHash,
  parseScadaCsv,
  type CalibrationParameter,
  type CalibrationResult,
  type Measurement,
  type Residual,
} from "./calibration";
export { loadCaseFile, parseCase } from "./importers/load";
export {
  dayTypeOf,
  easterSunday,
  forecastLoad,
  forecastLoadsKw,
  isItalianHoliday,
  SLOTS_PER_DAY,
  typicalProfile,
  type CustomerKind,
  type DayType,
} from "./forecast/profiles";
export { clearSkyIrradiance, mape, pvForecast, romeUtcOffsetHours, type PvOptions } from "./forecast/pv";
export {
  AREA_STATION,
  buildRomeNetwork,
  CABLE_TYPES,
  cableLine,
  seededRandom,
  type RomeOptions,
} from "./synthetic/rome";
export {
  buildTorDiValleNetwork,
  torDiValleCalibrationProblem,
  MOSTACCIANO_CONGESTED_BRANCH,
  NANCHINO_LIMITED_BRANCH,
  TOR_DI_VALLE_POM,
  TOR_DI_VALLE_PODS,
  torDiValleNetworkInput,
} from "./synthetic/torDiValle";

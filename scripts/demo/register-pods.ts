// Puts the scenario's PoDs on chain as their actors would: each aggregator registers its PoDs, the DSO oracle maps
// them to their PoM, the DSO confirms their flexibility (static traffic light). Idempotent: registered PoDs are skipped.
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { contractAddress, podIdToBytes32, pomIdToBytes32, type Deployment } from "../../protocol";
import { namedAccounts } from "../deploy/context";
import type { Scenario } from "./scenario";

const POD_STATUS_REGISTERED = 1n;
const VOLTAGE_LEVEL_MV = 1;
const COS_PHI_SCALE = 1000;

export async function registerScenarioPods(
  hre: HardhatRuntimeEnvironment,
  deployment: Deployment,
  scenario: Scenario,
): Promise<{ registered: string[]; skipped: string[] }> {
  const accounts = await namedAccounts(hre);
  const registryAddress = contractAddress(deployment, "PodRegistry");
  const registry = await hre.ethers.getContractAt("PodRegistry", registryAddress);
  const registered: string[] = [];
  const skipped: string[] = [];
  for (const pod of scenario.pods) {
    const podId = podIdToBytes32(pod.pod);
    const current = await registry.flexibilityOf(podId);
    if (current.status === POD_STATUS_REGISTERED) {
      skipped.push(pod.pod);
      continue;
    }
    const aggregator = accounts.aggregators[pod.aggregator];
    if (!aggregator) throw new Error(`scenario PoD ${pod.pod}: no local account for aggregator ${pod.aggregator}`);
    const data = {
      voltageLevel: VOLTAGE_LEVEL_MV,
      contractualPowerWithdrawnKw: Math.round(pod.contractualPowerWithdrawn),
      contractualPowerInjectedKw: Math.round(pod.contractualPowerInjected),
      cosPhiMilli: Math.round(pod.cosPhi * COS_PHI_SCALE),
      maxUpKw: Math.round(pod.maxUp),
      maxDownKw: Math.round(pod.maxDown),
      remunerationScheme: hre.ethers.ZeroAddress,
    };
    await (await registry.connect(aggregator).registerPod(podId, data)).wait();
    await (await registry.connect(accounts.dso).confirmQualification(podId)).wait();
    registered.push(pod.pod);
  }
  const toMap = scenario.pods.map((p) => p.pod);
  const poms = toMap.map(() => pomIdToBytes32(scenario.pom));
  await (await registry.connect(accounts.dsoOracle).mapPodsToPoms(toMap.map(podIdToBytes32), poms)).wait();
  return { registered, skipped };
}

// The contract between the launcher (`npm start`) and the services it runs.
import type { JsonRpcProvider } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { Deployment, FlexGridConfig, Logger } from "../../protocol";

export interface StackContext {
  config: FlexGridConfig;
  /** JSON-RPC endpoint of the chain every service uses. */
  rpcUrl: string;
  /** Hardhat runtime connected to that chain, for start-up work (deploy, demo data). */
  hre: HardhatRuntimeEnvironment;
  /**
   * The provider for services that poll or post for as long as the stack runs (scripts/stack/provider.ts). Not
   * Hardhat's: its HTTP client reports a socket the node closed while idle as an uncaught error.
   */
  provider: JsonRpcProvider;
  deployment: Deployment;
  /** Set by the service that runs the broker (embedded aedes) unless MQTT_URL points to a real one. */
  mqttUrl?: string;
  /** PostgreSQL URL when DATABASE_URL is set; services fall back to PGlite under dataDir otherwise. */
  databaseUrl?: string;
  /** Where embedded stores and keys live (FLEXGRID_DATA_DIR, `.flexgrid/` by default). */
  dataDir: string;
  log: Logger;
}

export interface RunningService {
  name: string;
  url?: string;
  details?: string;
  stop(): Promise<void>;
}

export interface StackService {
  name: string;
  start(ctx: StackContext): Promise<RunningService>;
}

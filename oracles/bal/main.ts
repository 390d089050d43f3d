// The BAL as a process: `node bin/run.js oracles/bal/main.ts` with the environment of envOptions.ts; contract
// addresses come from the address book deployments/<NETWORK>.json. Stops cleanly on SIGINT/SIGTERM.
import { startBalService } from "./balService";
import { balOptionsFromEnv } from "./envOptions";

async function main(): Promise<void> {
  const bal = await startBalService(balOptionsFromEnv());
  console.log(`BAL ready: HTTP ${bal.httpUrl}, MQTT ${bal.brokerUrl}`);
  const stop = () => void bal.stop().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

// The BAL as a process: `node bin/run.js oracles/bal/main.ts` with the environment of envOptions.ts; contract
// addresses come from the address book deployments/<NETWORK>.json. Stops cleanly on SIGINT/SIGTERM.
import { startBalService } from "./balService";
import { balOptionsFromEnv } from "./envOptions";
import { chooseDatabase, ensureDatabase } from "./scd/databaseChoice";

async function main(): Promise<void> {
  const options = balOptionsFromEnv();
  // PostgreSQL whenever DATABASE_URL is set or a local server answers (PGlite does not fsync)
  const choice = await chooseDatabase(process.env);
  if (choice.databaseUrl && !process.env.DATABASE_URL) await ensureDatabase(choice.databaseUrl);
  options.databaseUrl = choice.databaseUrl;
  options.log?.info({ database: choice.databaseUrl ? "postgres" : "pglite", why: choice.why }, "SCD database chosen");
  const bal = await startBalService(options);
  console.log(`BAL ready: HTTP ${bal.httpUrl}, MQTT ${bal.brokerUrl}`);
  const stop = () => void bal.stop().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

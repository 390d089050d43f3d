// `flexgrid config`: shows the configuration a FlexGrid process would run with, or why it is invalid.
import type { Command } from "commander";
import { describeCommand } from "./index";
import { configVariableNames, loadConfig } from "../../protocol";

export function registerConfigCommands(program: Command): void {
  program
    .command("config")
    .description(describeCommand("config"))
    .option("--json", "print JSON")
    .action((options: { json?: boolean }) => {
      const config = loadConfig();
      const redacted = {
        ...config,
        keys: Object.fromEntries(Object.entries(config.keys).map(([k, v]) => [k, v ? "(set)" : "(unset)"])),
      };
      if (options.json) {
        console.log(JSON.stringify(redacted, null, 2));
        return;
      }
      console.log(`variables read: ${configVariableNames.join(", ")}`);
      console.log(
        `chain:    ${config.rpcUrl ?? `local Hardhat node on port ${config.ports.rpc}`} (chain id ${config.chainId})`,
      );
      console.log(`MQTT:     ${config.mqttUrl ?? `embedded aedes broker on port ${config.ports.mqtt}`}`);
      console.log(
        `database: ${config.databaseUrl ? config.databaseUrl.replace(/\/\/[^@]*@/, "//***@") : "embedded PGlite"}`,
      );
      console.log(`data dir: ${config.dataDir}`);
    });
}

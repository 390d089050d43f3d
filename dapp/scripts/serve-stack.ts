// `npm run serve -w dapp`: serves the built dApp in front of a stack that already runs (e.g. `npm start` in another
// terminal), from the address book and the stack's ports (RPC_PORT, SUBGRAPH_PORT, BAL_PORT, DAPP_PORT).
import { readFileSync } from "node:fs";
import path from "node:path";
import { startDapp, type DappDeployment } from "../serve";

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const network = process.env.NETWORK ?? "localhost";
const deployment = JSON.parse(
  readFileSync(path.resolve(__dirname, "..", "..", "deployments", `${network}.json`), "utf8"),
) as DappDeployment;

startDapp({
  port: env("DAPP_PORT", 5173),
  rpcUrl: process.env.RPC_URL || `http://127.0.0.1:${env("RPC_PORT", 8545)}`,
  subgraphUrl: `http://127.0.0.1:${env("SUBGRAPH_PORT", 8000)}/subgraphs/name/flexgrid`,
  balUrl: `http://127.0.0.1:${env("BAL_PORT", 8081)}`,
  deployment,
}).then(
  (dapp) => console.log(`FlexGrid dApp at ${dapp.url}`),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

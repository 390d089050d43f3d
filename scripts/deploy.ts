// `npm run deploy -- --network <name>`: deploys (or completes) FlexGrid on a chain and writes deployments/<network>.json.
import hre from "hardhat";
import { deploymentPath } from "../protocol";
import { deployAll } from "./deploy/deploy-all";

deployAll(hre)
  .then((book) =>
    console.log(`address book: ${deploymentPath(book.network)} (${Object.keys(book.contracts).length} contracts)`),
  )
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });

// `flexgrid market`: clear a book from a file, and re-run a posted session's clearing from chain data alone.
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { describeCommand } from "./index";
import { JsonRpcProvider } from "ethers";
import { contractAddress, FlexGridError, loadConfig, loadDeployment } from "../../protocol";
import { bookHash, clearBook, clearExact, formatClearingResult, parseBook } from "../../oracles/market/clearing";
import { FlexMarketResultsPort } from "../../oracles/market/service/chainResults";
import { ChainSessionSource } from "../../oracles/market/service/chainSessions";
import { verifySession } from "../../oracles/market/service/verify";
import { exportSettlements, parseSettlementInput, settleAwards } from "../../oracles/market/settlement";

interface ClearOptions {
  json?: boolean;
  payAsBid?: boolean;
  exact?: boolean;
}

export function registerMarketCommands(program: Command): void {
  const market = program.command("market").description(describeCommand("market"));

  market
    .command("clear")
    .description(
      "clear a book file (pods with baselines, offers, requests; format of tor-di-valle-2021-06-23.json) and print the awards",
    )
    .argument("<book.json>", "the book file")
    .option("--json", "print the result as JSON (powers in W, prices in micro-EUR per kW, payments in micro-EUR)")
    .option("--pay-as-bid", "pay each award its own offer price instead of the request's clearing price")
    .option("--exact", "clear with the HiGHS LP/MILP even when the merit order suffices")
    .action(async (file: string, options: ClearOptions) => {
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(file, "utf8"));
      } catch (error) {
        throw new FlexGridError(`cannot read book ${file}: ${(error as Error).message}`, "MARKET_BOOK_FILE");
      }
      const book = parseBook(raw, options.payAsBid ? { pricing: "pay-as-bid" } : {});
      const result = options.exact ? await clearExact(book) : await clearBook(book);
      const inputHash = bookHash(book);
      if (options.json) console.log(JSON.stringify({ inputHash, ...result }, null, 2));
      else console.log(formatClearingResult(result, inputHash));
    });

  market
    .command("verify")
    .description(
      "re-run a session's clearing from chain data alone (FlexMarket, PodRegistry, traffic light) and compare it with the posted awards",
    )
    .argument("<session>", "the session id")
    .option("--network <name>", "address book to use (deployments/<name>.json); default NETWORK or localhost")
    .option("--json", "print the report as JSON")
    .action(async (sessionArg: string, options: { network?: string; json?: boolean }) => {
      if (!/^\d+$/.test(sessionArg))
        throw new FlexGridError(`session must be a number, got ${sessionArg}`, "MARKET_SESSION");
      const config = loadConfig();
      const deployment = loadDeployment(options.network ?? config.network);
      const provider = new JsonRpcProvider(config.rpcUrl ?? `http://127.0.0.1:${config.ports.rpc}`);
      const market = contractAddress(deployment, "FlexMarket");
      const sessions = new ChainSessionSource(
        {
          market,
          registry: contractAddress(deployment, "PodRegistry"),
          trafficLight: deployment.contracts.DynamicTrafficLight?.address,
        },
        provider,
      );
      const results = new FlexMarketResultsPort(market, deployment.contracts.MeritOrderChallenge?.address, provider);
      const report = await verifySession(BigInt(sessionArg), { sessions, results });
      provider.destroy();
      if (options.json) console.log(JSON.stringify({ ...report, sessionId: report.sessionId.toString() }, null, 2));
      else {
        console.log(
          `session ${sessionArg}: ${report.ok ? "OK, the posted result is the clearing of the chain's inputs" : "MISMATCH"}`,
        );
        for (const d of report.differences) console.log(`  ${d}`);
      }
      if (!report.ok) throw new FlexGridError(`session ${sessionArg} does not verify`, "MARKET_VERIFY");
    });

  market
    .command("settle")
    .description(
      "settle awards from certified readings (delivered = baseline − measured, ±30 % rule by scheme) and export the totals per PoD and period",
    )
    .argument("<input.json>", "awards, baselinesW, readings (with certified flags) and optional schemes per PoD")
    .option("--period <period>", "day, week (ISO) or month", "day")
    .option("--format <format>", "csv or json", "csv")
    .action((file: string, options: { period: string; format: string }) => {
      if (!["day", "week", "month"].includes(options.period))
        throw new FlexGridError(`--period must be day, week or month, got ${options.period}`, "MARKET_PERIOD");
      if (!["csv", "json"].includes(options.format))
        throw new FlexGridError(`--format must be csv or json, got ${options.format}`, "MARKET_FORMAT");
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(file, "utf8"));
      } catch (error) {
        throw new FlexGridError(`cannot read ${file}: ${(error as Error).message}`, "MARKET_SETTLEMENT_FILE");
      }
      const rows = settleAwards(parseSettlementInput(raw, file));
      process.stdout.write(
        exportSettlements(rows, options.period as "day" | "week" | "month", options.format as "csv" | "json"),
      );
    });
}

// `flexgrid market`: clear a book from a file, and re-run a posted session's clearing from chain data alone.
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { FlexGridError } from "../../protocol";
import { bookHash, clearBook, clearExact, formatClearingResult, parseBook } from "../../oracles/market/clearing";

interface ClearOptions {
  json?: boolean;
  payAsBid?: boolean;
  exact?: boolean;
}

export function registerMarketCommands(program: Command): void {
  const market = program.command("market").description("market operator: clearing and its verification");

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
}

// ResultsPort over the ClearingResults contract (typed by TypeChain): reads the live result and its posted data
// from the ClearingResultPosted event of the current round, and posts new results.
import type { Signer, Provider } from "ethers";
import type { Hex } from "viem";
import { ClearingResults__factory } from "../../../typechain-types";
import type { ChainAward, ChainUnavailability } from "../chain/encoding";
import type { PostedResult, ResultsPort } from "./ports";

export class ChainResultsPort implements ResultsPort {
  private readonly contract;

  constructor(address: string, runner: Signer | Provider) {
    this.contract = ClearingResults__factory.connect(address, runner);
  }

  async resultOf(sessionId: bigint): Promise<PostedResult | null> {
    const r = await this.contract.resultOf(sessionId);
    if (r.postedAt === 0n) return null;
    const events = await this.contract.queryFilter(this.contract.filters.ClearingResultPosted(sessionId));
    const current = events.find((e) => Number(e.args.round) === Number(r.round));
    const awards: ChainAward[] = (current?.args.awards ?? []).map((a) => ({
      requestId: a.requestId,
      offerId: a.offerId,
      stepIndex: Number(a.stepIndex),
      podId: a.podId as Hex,
      slot: Number(a.slot),
      powerW: a.powerW,
      paymentMicroEur: a.paymentMicroEur,
    }));
    const unavailable: ChainUnavailability[] = (current?.args.unavailable ?? []).map((u) => ({
      podId: u.podId as Hex,
      slot: Number(u.slot),
      operator: Number(u.operator),
    }));
    return {
      inputHash: r.inputHash as Hex,
      awardsHash: r.awardsHash as Hex,
      postedAtS: Number(r.postedAt),
      round: Number(r.round),
      voided: r.voided,
      awards,
      unavailable,
    };
  }

  async post(
    sessionId: bigint,
    inputHash: Hex,
    awards: ChainAward[],
    unavailable: ChainUnavailability[],
  ): Promise<Hex> {
    const tx = await this.contract.postResult(sessionId, inputHash, awards, unavailable);
    const receipt = await tx.wait();
    return (receipt?.hash ?? tx.hash) as Hex;
  }
}

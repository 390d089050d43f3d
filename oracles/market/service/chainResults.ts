// ResultsPort over FlexMarket (typed by TypeChain) and the merit-order challenge: reads a session's posted awards
// and status, and posts the missing awards then seals.
import type { Signer, Provider } from "ethers";
import type { Hex } from "viem";
import { FlexMarket__factory, MeritOrderChallenge__factory } from "../../../typechain-types";
import { sortAwards, type AwardInput } from "../chain/awards";
import type { PostedResult, ResultsPort } from "./ports";

/** SessionStatus of IFlexMarket.sol. */
const CLEARING = 4n;
const CLEARED = 5n;

export class FlexMarketResultsPort implements ResultsPort {
  private readonly market;
  private readonly challenge;

  constructor(marketAddress: string, challengeAddress: string | undefined, runner: Signer | Provider) {
    this.market = FlexMarket__factory.connect(marketAddress, runner);
    this.challenge = challengeAddress ? MeritOrderChallenge__factory.connect(challengeAddress, runner) : undefined;
  }

  async resultOf(sessionId: bigint): Promise<PostedResult | null> {
    const s = await this.market.session(sessionId);
    if (s.status < CLEARING) return null;
    const awards = (await this.market.awardsOf(sessionId)).map((a) => ({
      offerId: a.offerId,
      requestId: a.requestId,
      slotIndex: Number(a.slotIndex),
      quantityKw: Number(a.quantityKw),
      priceMilliEurPerKw: Number(a.priceMilliEurPerKw),
    }));
    return {
      inputHash: s.inputsHash as Hex,
      awards,
      sealed: s.status >= CLEARED,
      voided: this.challenge ? await this.challenge.isVoided(sessionId) : false,
    };
  }

  async post(sessionId: bigint, inputHash: Hex, awards: AwardInput[]): Promise<Hex> {
    // A crash between posting and sealing leaves a prefix on chain: post only the rest, in the same order.
    const already = (await this.resultOf(sessionId))?.awards.length ?? 0;
    const ordered = sortAwards(awards);
    let last: Hex | undefined;
    if (already < ordered.length || already === 0) {
      const tx = await this.market.postAwards(sessionId, inputHash, ordered.slice(already));
      last = (await tx.wait())!.hash as Hex;
    }
    const seal = await this.market.sealClearing(sessionId);
    last = (await seal.wait())!.hash as Hex;
    return last;
  }
}

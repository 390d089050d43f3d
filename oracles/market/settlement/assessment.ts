// The remuneration rule, identical to contracts/settlement/RemunerationScheme.sol `assess` (integers, Solidity's
// truncating division), so an off-chain settlement predicts the tokens to the unit.

/** Reward and penalty parameters of an aggregator's scheme, in basis points (10,000 = 100 %). */
export interface SchemeParameters {
  toleranceBps: number;
  rewardShareBps: number;
  penaltyBps: number;
}

/** The factory's default: ±30 % (ARERA 300/2017, as in the seeds), all rewards to the customer, penalty 50 %. */
export const DEFAULT_SCHEME: SchemeParameters = { toleranceBps: 3000, rewardShareBps: 10_000, penaltyBps: 5000 };

export interface Assessment {
  /** delivered / expected in basis points (expected = −awarded power: flexibility is baseline − measured). */
  effectivenessBps: bigint;
  inBand: boolean;
  /** The award's payment for what was delivered (never more than awarded). */
  paidMicroEur: bigint;
  /** The penalty on the award's value when outside the band. */
  penaltyMicroEur: bigint;
  /** The customer's share of each. */
  rewardMicroEur: bigint;
  customerPenaltyMicroEur: bigint;
}

const BPS = 10_000n;

export function assessDelivery(
  scheme: SchemeParameters,
  awardedPowerW: bigint,
  deliveredW: bigint,
  paymentMicroEur: bigint,
): Assessment {
  if (awardedPowerW === 0n) throw new RangeError("an award of zero power cannot be assessed");
  const expectedW = -awardedPowerW;
  // BigInt division truncates toward zero, as Solidity's does.
  const effectivenessBps = (deliveredW * BPS) / expectedW;
  const tolerance = BigInt(scheme.toleranceBps);
  const inBand = effectivenessBps >= BPS - tolerance && effectivenessBps <= BPS + tolerance;
  const paidBps = effectivenessBps <= 0n ? 0n : effectivenessBps >= BPS ? BPS : effectivenessBps;
  const paidMicroEur = (paymentMicroEur * paidBps) / BPS;
  const penaltyMicroEur = inBand ? 0n : (paymentMicroEur * BigInt(scheme.penaltyBps)) / BPS;
  return {
    effectivenessBps,
    inBand,
    paidMicroEur,
    penaltyMicroEur,
    rewardMicroEur: (paidMicroEur * BigInt(scheme.rewardShareBps)) / BPS,
    customerPenaltyMicroEur: (penaltyMicroEur * BigInt(scheme.rewardShareBps)) / BPS,
  };
}

/** Wallet balances as the Settlement contract keeps them: a penalty beyond the balance becomes debt. */
export class TokenLedger {
  readonly balances = new Map<string, bigint>();
  readonly debts = new Map<string, bigint>();
  minted = 0n;
  burned = 0n;
  netSettled = 0n;

  apply(wallet: string, rewardMicroEur: bigint, penaltyMicroEur: bigint): { minted: bigint; burned: bigint } {
    this.netSettled += rewardMicroEur - penaltyMicroEur;
    const balance = this.balances.get(wallet) ?? 0n;
    const debt = this.debts.get(wallet) ?? 0n;
    let minted = 0n;
    let burned = 0n;
    if (rewardMicroEur >= penaltyMicroEur) {
      const net = rewardMicroEur - penaltyMicroEur;
      const recovered = net < debt ? net : debt;
      this.debts.set(wallet, debt - recovered);
      minted = net - recovered;
    } else {
      const owed = penaltyMicroEur - rewardMicroEur;
      burned = owed < balance ? owed : balance;
      this.debts.set(wallet, debt + owed - burned);
    }
    this.balances.set(wallet, balance + minted - burned);
    this.minted += minted;
    this.burned += burned;
    return { minted, burned };
  }

  get supply(): bigint {
    let s = 0n;
    for (const b of this.balances.values()) s += b;
    return s;
  }

  get totalDebt(): bigint {
    let s = 0n;
    for (const d of this.debts.values()) s += d;
    return s;
  }
}

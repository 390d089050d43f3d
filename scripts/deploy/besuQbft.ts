// A Hyperledger Besu QBFT network's genesis and node keys (the seeds' field test ran on a permissioned chain).
// Besu's own `besu operator generate-blockchain-config` does the same, but needs Besu installed; this needs only
// viem, so the production compose file can be prepared (and its genesis checked in CI) on any machine.
// The command that writes them is scripts/deploy/besu-qbft-config.ts.
import { bytesToHex, getAddress, toRlp, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { z } from "zod";

/** QBFT's extraData: RLP([32-byte vanity, [validators], vote = [], round = 0, seals = []]). Besu reads the genesis
 * validator set from it; a wrong encoding gives a chain that never produces a block. */
export function qbftExtraData(validators: readonly Hex[]): Hex {
  if (validators.length === 0) throw new Error("QBFT needs at least one validator");
  const vanity = bytesToHex(new Uint8Array(32));
  return toRlp([vanity, validators.map((v) => getAddress(v).toLowerCase() as Hex), [], "0x", []]);
}

export const qbftOptionsSchema = z.object({
  chainId: z.number().int().positive(),
  validators: z.array(z.string().regex(/^0x[0-9a-fA-F]{40}$/)).min(1),
  /** Seconds between blocks: QBFT's finality is immediate, so this is also the settlement latency. */
  blockPeriodSeconds: z.number().int().min(1).max(60).default(2),
  /** Accounts funded at genesis (the deployer, the oracles, the BAL anchorer): gas is free but the EVM still needs
   * a balance check to pass when a price is set. */
  funded: z.array(z.string().regex(/^0x[0-9a-fA-F]{40}$/)).default([]),
});
export type QbftOptions = z.input<typeof qbftOptionsSchema>;

/** The genesis of a permissioned QBFT chain with a zero base fee, every fork up to Cancun at block 0 (matching
 * `evmVersion: "cancun"` in scripts/deploy/networks.json) and the given validators. */
export function buildQbftGenesis(input: QbftOptions) {
  const options = qbftOptionsSchema.parse(input);
  return {
    config: {
      chainId: options.chainId,
      berlinBlock: 0,
      londonBlock: 0,
      shanghaiTime: 0,
      cancunTime: 0,
      zeroBaseFee: true,
      qbft: { blockperiodseconds: options.blockPeriodSeconds, epochlength: 30_000, requesttimeoutseconds: 4 },
    },
    nonce: "0x0",
    timestamp: "0x0",
    gasLimit: "0x1fffffffffffff",
    difficulty: "0x1",
    mixHash: "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365",
    coinbase: "0x0000000000000000000000000000000000000000",
    alloc: Object.fromEntries(options.funded.map((a) => [getAddress(a), { balance: "0xd3c21bcecceda1000000" }])),
    extraData: qbftExtraData(options.validators as Hex[]),
  };
}

/** The enode URL of a node from its key: Besu's node id is the uncompressed public key without its 0x04 prefix. */
export function enodeOf(privateKey: Hex, host: string, port = 30303): string {
  const publicKey = privateKeyToAccount(privateKey).publicKey;
  return `enode://${publicKey.slice(4)}@${host}:${port}`;
}

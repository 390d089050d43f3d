// The BAL's view of the Light Node key register: is this key the PoD's valid key at the packet's time? Reads
// LightNodeRegistry on chain (cached) and registers a PoD's first key on first use (TOFU, BAL_ANCHOR role).
import type { Signer } from "ethers";
import type { Hex } from "viem";
import { bytes32ToPodId, podIdToBytes32, publicKeyXY, type Logger } from "../../../protocol";
import { ILightNodeRegistry__factory } from "../../../typechain-types/factories/contracts/interfaces/ILightNodeRegistry__factory";
import type { ILightNodeRegistry } from "../../../typechain-types/contracts/interfaces/ILightNodeRegistry";
import { keyHashOf } from "../chain/keyRegister";
import { unqueued, type SendQueue } from "../chain/sendQueue";

export type KeyCheck =
  { ok: true; registered?: boolean } | { ok: false; reason: "unknown-key" | "key-not-valid-at-time"; detail: string };

export interface KeyRegister {
  /**
   * Whether `publicKey` may sign for `pod` at `timestampMs`, for a packet that reached the BAL at `arrivalMs`
   * (registering it when the PoD has no key yet and trust on first use is allowed).
   */
  check(pod: string, publicKey: Hex, timestampMs: number, arrivalMs?: number): Promise<KeyCheck>;
}

/** One key's validity interval, as LightNodeRegistry records it. */
export interface KeyInterval {
  keyHash: Hex;
  fromMs: number;
  untilMs: number;
  active: boolean;
  /** ended by a DSO revocation (a compromised or withdrawn device), not by a rotation */
  revoked?: boolean;
}

/**
 * The contract's keyValidAt rule over a cached history, judged by arrival too: a revoked key certifies nothing that
 * reaches the BAL after its revocation, whatever timestamp its holder wrote (a thief would backdate). A rotated
 * key's readings signed before the rotation stay acceptable within the backlog bound (the node was offline).
 */
export function evaluate(
  history: readonly KeyInterval[],
  keyHash: Hex,
  timestampMs: number,
  arrivalMs = timestampMs,
): KeyCheck | undefined {
  const k = history.find((h) => h.keyHash === keyHash);
  if (!k) return undefined;
  if (k.revoked && arrivalMs >= k.untilMs)
    return {
      ok: false,
      reason: "key-not-valid-at-time",
      detail: `key revoked at ${k.untilMs}, packet arrived at ${arrivalMs}`,
    };
  if (k.fromMs <= timestampMs && timestampMs < k.untilMs) return { ok: true };
  return {
    ok: false,
    reason: "key-not-valid-at-time",
    detail: `key valid ${k.fromMs}..${k.untilMs}, packet at ${timestampMs}`,
  };
}

/** A register held in memory (tests and benchmarks; same TOFU rule as the contract). */
export class InMemoryKeyRegister implements KeyRegister {
  readonly histories = new Map<string, KeyInterval[]>();
  constructor(private readonly tofu = true) {}

  register(pod: string, publicKey: Hex, fromMs = 0): void {
    const h = this.histories.get(pod) ?? [];
    h.push({ keyHash: keyHashOf(publicKey), fromMs, untilMs: Number.MAX_SAFE_INTEGER, active: true });
    this.histories.set(pod, h);
  }

  revoke(pod: string, atMs: number): void {
    const active = this.histories.get(pod)?.find((k) => k.active);
    if (active) Object.assign(active, { active: false, untilMs: atMs, revoked: true });
  }

  async check(pod: string, publicKey: Hex, timestampMs: number, arrivalMs?: number): Promise<KeyCheck> {
    const history = this.histories.get(pod) ?? [];
    const hit = evaluate(history, keyHashOf(publicKey), timestampMs, arrivalMs);
    if (hit) return hit;
    if (this.tofu && !history.some((k) => k.active)) {
      this.register(pod, publicKey, history.length === 0 ? 0 : Date.now());
      return { ok: true, registered: true };
    }
    return { ok: false, reason: "unknown-key", detail: `key ${keyHashOf(publicKey)} is not registered for ${pod}` };
  }
}

/**
 * LightNodeRegistry on chain, cached per PoD (`ttlMs`), refetched when an unknown key shows up. `watch()` follows the
 * registry's events: a DSO revocation (or a rotation, a registration) drops that PoD's cached history as soon as the
 * event is seen, so the revoked key is refused from the next flush on, not when the cache expires.
 */
export class ChainKeyRegister implements KeyRegister {
  private readonly _registry: ILightNodeRegistry;
  private readonly _cache = new Map<string, { history: KeyInterval[]; fetchedMs: number }>();
  private readonly _inflight = new Map<string, Promise<unknown>>();

  constructor(
    registryAddress: string,
    signer: Signer,
    private readonly log: Logger,
    private readonly opts: { ttlMs: number; refetchAfterMs: number; tofu: boolean } = {
      ttlMs: 30_000,
      refetchAfterMs: 1_000,
      tofu: true,
    },
    /** serialises sends with the other users of the wallet (the anchorer) */
    private readonly sendQueue: SendQueue = unqueued,
  ) {
    this._registry = ILightNodeRegistry__factory.connect(registryAddress, signer);
  }

  async check(pod: string, publicKey: Hex, timestampMs: number, arrivalMs = Date.now()): Promise<KeyCheck> {
    const keyHash = keyHashOf(publicKey);
    const now = Date.now();
    let entry = this._cache.get(pod);
    if (!entry || now - entry.fetchedMs > this.opts.ttlMs) entry = await this.fetch(pod);
    let hit = evaluate(entry.history, keyHash, timestampMs, arrivalMs);
    if (!hit && now - entry.fetchedMs > this.opts.refetchAfterMs) {
      entry = await this.fetch(pod);
      hit = evaluate(entry.history, keyHash, timestampMs, arrivalMs);
    }
    if (hit) return hit;
    if (this.opts.tofu && !entry.history.some((k) => k.active)) {
      await this.registerOnce(pod, publicKey);
      entry = await this.fetch(pod);
      const after = evaluate(entry.history, keyHash, timestampMs, arrivalMs);
      if (after?.ok) return { ok: true, registered: true };
      if (after) return after;
    }
    return { ok: false, reason: "unknown-key", detail: `key ${keyHash} is not registered for ${pod}` };
  }

  /**
   * Follows LightNodeKeyRevoked/Rotated/Registered (polling the registry's logs from the current head, every
   * `pollMs`, in ranges of at most `maxRange` blocks) and drops the PoD's cached history on each; returns the unwatch.
   */
  async watch(pollMs = 1000, maxRange = 2000): Promise<() => Promise<void>> {
    const provider = this._registry.runner?.provider;
    if (!provider) throw new Error("the registry needs a provider to be watched");
    let next = (await provider.getBlockNumber()) + 1;
    const topics = [
      this._registry.interface.getEvent("LightNodeKeyRevoked").topicHash,
      this._registry.interface.getEvent("LightNodeKeyRotated").topicHash,
      this._registry.interface.getEvent("LightNodeKeyRegistered").topicHash,
    ];
    const address = await this._registry.getAddress();
    let polling: Promise<void> | undefined;
    const poll = async () => {
      const head = await provider.getBlockNumber();
      while (next <= head) {
        const to = Math.min(head, next + maxRange - 1);
        const logs = await provider.getLogs({ address, topics: [topics], fromBlock: next, toBlock: to });
        for (const l of logs) {
          const pod = bytes32ToPodId(l.topics[1] as Hex);
          this.invalidate(pod);
          if (l.topics[0] === topics[0]) this.log.warn({ pod }, "key revoked on chain: cache dropped");
        }
        next = to + 1;
      }
    };
    const timer = setInterval(() => {
      polling ??= poll()
        .catch((error: Error) => this.log.warn({ err: error.message }, "key register watch failed; retrying"))
        .finally(() => (polling = undefined));
    }, pollMs);
    timer.unref();
    return async () => {
      clearInterval(timer);
      await polling;
    };
  }

  /** Drops the cache (e.g. after a revocation event). */
  invalidate(pod?: string): void {
    if (pod) this._cache.delete(pod);
    else this._cache.clear();
  }

  private async fetch(pod: string): Promise<{ history: KeyInterval[]; fetchedMs: number }> {
    const key = `fetch:${pod}`;
    const running = this._inflight.get(key) as Promise<{ history: KeyInterval[]; fetchedMs: number }> | undefined;
    if (running) return running;
    const p = (async () => {
      const records = await this._registry.keyHistory(podIdToBytes32(pod));
      const history = records.map((r) => ({
        keyHash: keyHashOf(`0x04${r.qx.slice(2)}${r.qy.slice(2)}` as Hex),
        fromMs: Number(r.validFromMs),
        untilMs: r.validUntilMs >= BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(r.validUntilMs),
        active: Number(r.end) === 0,
        revoked: Number(r.end) === 2, // KeyEnd.Revoked
      }));
      const entry = { history, fetchedMs: Date.now() };
      this._cache.set(pod, entry);
      return entry;
    })().finally(() => this._inflight.delete(key));
    this._inflight.set(key, p);
    return p;
  }

  private async registerOnce(pod: string, publicKey: Hex): Promise<void> {
    const key = `register:${pod}`;
    const running = this._inflight.get(key);
    if (running) {
      await running.catch(() => undefined);
      return;
    }
    const p = (async () => {
      const { x, y } = publicKeyXY(publicKey);
      try {
        const tx = await this.sendQueue((nonce) =>
          this._registry.registerKey(podIdToBytes32(pod), x, y, nonce === undefined ? {} : { nonce }),
        );
        await tx.wait();
        this.log.info(
          { pod, keyHash: keyHashOf(publicKey), tx: tx.hash },
          "registered the Light Node key on first use",
        );
      } catch (error) {
        // another BAL instance may have registered first: the refetch decides
        this.log.warn({ pod, err: (error as Error).message }, "key registration failed");
      }
    })().finally(() => this._inflight.delete(key));
    this._inflight.set(key, p);
    await p;
  }
}

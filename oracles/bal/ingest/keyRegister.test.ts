// The BAL's key register on chain: a DSO revocation reaches the ingest when its event is seen, not when a cache
// expires; a revoked key certifies nothing that arrives after the revocation.
import { expect } from "chai";
import { createLogger, generateLightNodeKey, podIdToBytes32, publicKeyXY } from "../../../protocol";
import { deployBalContracts } from "../testing/chain";
import { waitFor } from "../testing/wait";
import { ChainKeyRegister } from "./keyRegister";

const POD = "IT002E60976796";
const silent = createLogger("test", "silent");

describe("ChainKeyRegister", function () {
  this.timeout(120_000);

  it("refuses a revoked key as soon as the revocation event is seen (a long cache does not delay it)", async () => {
    const chain = await deployBalContracts();
    const key = generateLightNodeKey();
    const { x, y } = publicKeyXY(key.publicKey);
    await (await chain.registry.connect(chain.bal).registerKey(podIdToBytes32(POD), x, y)).wait();
    const keys = new ChainKeyRegister(chain.registryAddress, chain.bal, silent, {
      ttlMs: 3600_000,
      refetchAfterMs: 3600_000,
      tofu: false,
    });
    const unwatch = await keys.watch();
    // the chain's clock (other tests in this process mine thousands of blocks ahead of the wall clock)
    const chainNowMs = async () => (await chain.hre.ethers.provider.getBlock("latest"))!.timestamp * 1000 + 1000;
    try {
      const now = await chainNowMs();
      expect(await keys.check(POD, key.publicKey, now - 1000, now)).to.deep.equal({ ok: true });
      await (await chain.registry.connect(chain.dso).revokeKey(podIdToBytes32(POD), podIdToBytes32("stolen"))).wait();
      await waitFor(
        "the revocation to reach the BAL",
        async () => {
          const r = await keys.check(POD, key.publicKey, now - 1000, await chainNowMs());
          return !r.ok ? r : undefined;
        },
        15_000,
        200,
      );
      // backdated before the revocation, arriving after it: refused too
      const late = await keys.check(POD, key.publicKey, now - 60_000, await chainNowMs());
      expect(late).to.include({ ok: false, reason: "key-not-valid-at-time" });
    } finally {
      await unwatch();
    }
  });
});

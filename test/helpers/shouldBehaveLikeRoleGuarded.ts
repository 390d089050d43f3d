// Shared behaviour of every RoleGuarded contract: each restricted call reverts for a caller without the role,
// with RoleGuardedUnauthorizedAccount(caller, neededRole).
import { expect } from "chai";
import type { BaseContract, ContractTransactionResponse } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { ROLES, type RoleName } from "./roles";

/** One restricted function: the role it needs and how to call it as `signer` (arguments from the fixture). */
export interface GuardedCall<F> {
  fn: string;
  role: RoleName;
  send(fixture: F, signer: HardhatEthersSigner): Promise<ContractTransactionResponse>;
}

/** What the behaviour needs from the fixture: the guarded contract and a signer holding none of the roles. */
export interface RoleGuardedFixture {
  guarded: BaseContract;
  stranger: HardhatEthersSigner;
}

export function shouldBehaveLikeRoleGuarded<F extends RoleGuardedFixture>(
  fixture: () => Promise<F>,
  calls: GuardedCall<F>[],
): void {
  describe("role boundaries", function () {
    for (const call of calls) {
      it(`${call.fn} reverts for a caller without ${call.role}`, async function () {
        const f = await fixture();
        await expect(call.send(f, f.stranger))
          .to.be.revertedWithCustomError(f.guarded, "RoleGuardedUnauthorizedAccount")
          .withArgs(f.stranger.address, ROLES[call.role]);
      });
    }
  });
}

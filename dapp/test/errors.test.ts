import { describe, expect, it } from "vitest";
import { BaseError, encodeErrorResult } from "viem";
import { allErrorsAbi } from "../src/generated/contracts";
import { decodeRevertData, describeError, humaniseErrorName } from "../src/chain/errors";

describe("contract errors in words", () => {
  it("decodes FlexMarketGateClosed from raw revert data into a sentence with its values", () => {
    const data = encodeErrorResult({
      abi: allErrorsAbi,
      errorName: "FlexMarketGateClosed",
      args: [7n, 1_800_000_000n],
    });
    const decoded = decodeRevertData(data);
    expect(decoded?.name).toBe("FlexMarketGateClosed");
    expect(decoded?.message).toMatch(/^The gate of session 7 closed at .*2027.*offers are no longer accepted\.$/);
  });

  it("finds revert data nested in a wallet error's causes", () => {
    const data = encodeErrorResult({
      abi: allErrorsAbi,
      errorName: "FlexMarketAboveLimit",
      args: [`0x${"11".repeat(32)}`, 1, 30, 8],
    });
    const error = new BaseError("execution reverted", { cause: Object.assign(new Error("rpc"), { data }) });
    expect(describeError(error)).toMatchObject({
      name: "FlexMarketAboveLimit",
      message: "The offer's downward quantity 30 kW is above the PoD's qualified limit of 8 kW.",
    });
  });

  it("spells out an error without a sentence from its name and arguments", () => {
    const data = encodeErrorResult({ abi: allErrorsAbi, errorName: "FlexMarketSlotOutsideSession", args: [3n, 99] });
    expect(decodeRevertData(data)?.message).toBe("Flex market: slot outside session (3, 99).");
    expect(humaniseErrorName("PodRegistryBaselineFrozen")).toBe("Pod registry: baseline frozen");
  });

  it("says the user rejected the request, and passes other errors through", () => {
    expect(describeError(new BaseError("User rejected the request.")).message).toBe(
      "You rejected the request in your wallet.",
    );
    expect(describeError(new Error("socket hang up")).message).toBe("socket hang up");
    expect(decodeRevertData("0xdeadbeef")).toBeUndefined();
  });
});

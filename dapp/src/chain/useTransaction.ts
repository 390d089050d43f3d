// One transaction's life for the UI: pending in the wallet → pending on chain → confirmed, or failed with the
// contract's custom error in words. Simulates first so a revert is explained before anything is signed.
import { useState } from "react";
import { useConfig } from "wagmi";
import { simulateContract, waitForTransactionReceipt, writeContract } from "wagmi/actions";
import { useQueryClient } from "@tanstack/react-query";
import type { Abi } from "viem";
import { describeError } from "./errors";

export type TxState =
  | { phase: "idle" }
  | { phase: "signing" }
  | { phase: "pending"; hash: `0x${string}` }
  | { phase: "confirmed"; hash: `0x${string}`; blockNumber: bigint }
  | { phase: "failed"; message: string; errorName?: string };

export interface TxRequest {
  address: `0x${string}`;
  abi: Abi;
  functionName: string;
  args: readonly unknown[];
}

export function useTransaction() {
  const config = useConfig();
  const queryClient = useQueryClient();
  const [state, setState] = useState<TxState>({ phase: "idle" });

  async function send(request: TxRequest): Promise<boolean> {
    setState({ phase: "signing" });
    try {
      const { request: prepared } = await simulateContract(config, request as never);
      const hash = await writeContract(config, prepared as never);
      setState({ phase: "pending", hash });
      const receipt = await waitForTransactionReceipt(config, { hash });
      if (receipt.status !== "success") {
        setState({ phase: "failed", message: `the transaction ${hash} reverted` });
        return false;
      }
      setState({ phase: "confirmed", hash, blockNumber: receipt.blockNumber });
      await queryClient.invalidateQueries();
      return true;
    } catch (error) {
      const decoded = describeError(error);
      setState({ phase: "failed", message: decoded.message, errorName: decoded.name });
      return false;
    }
  }
  return { state, send, reset: () => setState({ phase: "idle" }) };
}

// The runtime config for every component (addresses, URLs), loaded once before wagmi starts.
import { createContext, useContext } from "react";
import type { RuntimeConfig } from "./runtimeConfig";
import type { ContractName } from "./generated/contracts";

export const RuntimeContext = createContext<RuntimeConfig | null>(null);

export function useRuntime(): RuntimeConfig {
  const runtime = useContext(RuntimeContext);
  if (!runtime) throw new Error("useRuntime outside <RuntimeContext.Provider>");
  return runtime;
}

/** The deployed address of a contract, or undefined when this deployment lacks it (the page says so). */
export function useContractAddress(name: ContractName): `0x${string}` | undefined {
  return useRuntime().contracts[name] as `0x${string}` | undefined;
}

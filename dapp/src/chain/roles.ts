// The roles of the connected account, read from the RoleRegistry on chain: they decide which views and actions
// the dApp offers (the chain enforces them anyway; hiding what would revert is a courtesy).
import { useReadContracts } from "wagmi";
import { roleIds, roleRegistryAbi, type RoleName } from "../generated/contracts";
import { useContractAddress } from "../RuntimeContext";

export const ROLE_NAMES = Object.keys(roleIds) as RoleName[];

export interface RolesResult {
  roles: Set<RoleName>;
  isLoading: boolean;
  error: Error | null;
}

export function useRoles(account: `0x${string}` | undefined): RolesResult {
  const registry = useContractAddress("RoleRegistry");
  const { data, isLoading, error } = useReadContracts({
    contracts: ROLE_NAMES.map((name) => ({
      address: registry,
      abi: roleRegistryAbi,
      functionName: "hasRole" as const,
      args: [roleIds[name] as `0x${string}`, account!] as const,
    })),
    query: { enabled: Boolean(account && registry) },
  });
  const roles = new Set<RoleName>();
  data?.forEach((result, i) => {
    if (result.status === "success" && result.result === true) roles.add(ROLE_NAMES[i]!);
  });
  return { roles, isLoading, error: error ?? null };
}

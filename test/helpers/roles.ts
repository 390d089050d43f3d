// Role ids as the contracts compute them (contracts/libraries/Roles.sol), for tests and scripts.
import { ethers } from "ethers";

export const ROLES = {
  ADMIN: ethers.ZeroHash,
  DSO: ethers.id("DSO"),
  DSO_ORACLE: ethers.id("DSO_ORACLE"),
  TSO: ethers.id("TSO"),
  MARKET_OPERATOR: ethers.id("MARKET_OPERATOR"),
  AGGREGATOR: ethers.id("AGGREGATOR"),
  BAL_ANCHOR: ethers.id("BAL_ANCHOR"),
  GUARDIAN: ethers.id("GUARDIAN"),
} as const;

export type RoleName = keyof typeof ROLES;

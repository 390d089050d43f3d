// RoleRegistry: which account holds which platform role, with the history of grants and revocations.
import { Bytes, ByteArray, crypto } from "@graphprotocol/graph-ts";
import { RoleGranted, RoleRevoked } from "../generated/RoleRegistry/RoleRegistry";
import { Account, RoleChange } from "../generated/schema";
import { eventId } from "./common";

const ROLE_NAMES: string[] = ["DSO", "DSO_ORACLE", "TSO", "MARKET_OPERATOR", "AGGREGATOR", "BAL_ANCHOR"];

/** Role name from its id: keccak256 of the name (Roles.sol), ADMIN for 0x00, the hex id otherwise. */
export function roleName(role: Bytes): string {
  if (role.equals(Bytes.fromHexString("0x0000000000000000000000000000000000000000000000000000000000000000")))
    return "ADMIN";
  for (let i = 0; i < ROLE_NAMES.length; i++) {
    if (crypto.keccak256(ByteArray.fromUTF8(ROLE_NAMES[i])).equals(role)) return ROLE_NAMES[i];
  }
  return role.toHexString();
}

function record(event: RoleGranted, granted: boolean): void {
  const name = roleName(event.params.role);
  let account = Account.load(event.params.account);
  if (account == null) {
    account = new Account(event.params.account);
    account.roles = [];
  }
  const roles = account.roles;
  const next: string[] = [];
  for (let i = 0; i < roles.length; i++) if (roles[i] != name) next.push(roles[i]);
  if (granted) next.push(name);
  account.roles = next;
  account.save();

  const change = new RoleChange(eventId(event));
  change.account = event.params.account;
  change.role = name;
  change.roleHash = event.params.role;
  change.granted = granted;
  change.sender = event.params.sender;
  change.blockNumber = event.block.number;
  change.timestamp = event.block.timestamp;
  change.transactionHash = event.transaction.hash;
  change.save();
}

export function handleRoleGranted(event: RoleGranted): void {
  record(event, true);
}

export function handleRoleRevoked(event: RoleRevoked): void {
  record(changetype<RoleGranted>(event), false);
}

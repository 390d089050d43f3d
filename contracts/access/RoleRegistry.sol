// SPDX-License-Identifier: Apache-2.0
// The platform's role store: roles are granted here once and read by every FlexGrid contract.
pragma solidity 0.8.28;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {IRoleRegistry} from "../interfaces/IRoleRegistry.sol";
import {Roles} from "../libraries/Roles.sol";

/// @title RoleRegistry
/// @notice Guarantees: only an account holding a role's admin role (ADMIN for all FlexGrid roles) grants or
/// revokes it; every FlexGrid contract checks roles here, so one grant covers the whole platform. The ADMIN role has
/// exactly one holder and moves only in two steps separated by a delay (OpenZeppelin AccessControlDefaultAdminRules),
/// so a stolen admin key cannot take the platform over at once. A GUARDIAN pauses the platform's result and money
/// paths; only the ADMIN resumes them.
contract RoleRegistry is AccessControlDefaultAdminRules, Pausable, IRoleRegistry {
    /// @notice Delay between starting and accepting an admin transfer, at deployment (the admin may change it, itself
    /// with a delay).
    uint48 public constant INITIAL_ADMIN_DELAY = 2 days;

    /// @param admin The first administrator (receives `Roles.ADMIN`); not zero.
    constructor(address admin) AccessControlDefaultAdminRules(INITIAL_ADMIN_DELAY, admin) {}

    /// @inheritdoc IRoleRegistry
    function grantRoleBatch(bytes32 role, address[] calldata accounts) external onlyRole(getRoleAdmin(role)) {
        for (uint256 i = 0; i < accounts.length; ++i) {
            _grantRole(role, accounts[i]);
        }
    }

    /// @inheritdoc IRoleRegistry
    function pause() external onlyRole(Roles.GUARDIAN) {
        _pause();
    }

    /// @inheritdoc IRoleRegistry
    function unpause() external onlyRole(Roles.ADMIN) {
        _unpause();
    }

    /// @inheritdoc IRoleRegistry
    function paused() public view override(Pausable, IRoleRegistry) returns (bool) {
        return super.paused();
    }
}

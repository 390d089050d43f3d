// SPDX-License-Identifier: Apache-2.0
// The platform's role store: roles are granted here once and read by every FlexGrid contract.
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IRoleRegistry} from "../interfaces/IRoleRegistry.sol";
import {Roles} from "../libraries/Roles.sol";

/// @title RoleRegistry
/// @notice Guarantees: only an account holding a role's admin role (ADMIN for all FlexGrid roles) grants or
/// revokes it; every FlexGrid contract checks roles here, so one grant covers the whole platform.
contract RoleRegistry is AccessControl, IRoleRegistry {
    /// @param admin The first administrator (receives `Roles.ADMIN`).
    constructor(address admin) {
        _grantRole(Roles.ADMIN, admin);
    }

    /// @inheritdoc IRoleRegistry
    function grantRoleBatch(bytes32 role, address[] calldata accounts) external onlyRole(getRoleAdmin(role)) {
        for (uint256 i = 0; i < accounts.length; ++i) {
            _grantRole(role, accounts[i]);
        }
    }
}

// SPDX-License-Identifier: Apache-2.0
// What every role-guarded FlexGrid contract exposes: its role registry and the error for a missing role.
pragma solidity ^0.8.24;

import {IRoleRegistry} from "./IRoleRegistry.sol";

/// @title IRoleGuarded
/// @notice A contract whose functions are restricted by roles held in the platform's RoleRegistry.
interface IRoleGuarded {
    /// @notice `account` called a function that needs `neededRole`, which it does not hold.
    error RoleGuardedUnauthorizedAccount(address account, bytes32 neededRole);
    /// @notice The platform is paused by its guardian: results and money do not move.
    error RoleGuardedPaused();
    /// @notice A constructor or setter was given the zero address.
    error RoleGuardedZeroAddress();

    /// @notice The registry this contract reads roles from.
    /// @return The RoleRegistry address.
    function roleRegistry() external view returns (IRoleRegistry);
}

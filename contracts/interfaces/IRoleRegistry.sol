// SPDX-License-Identifier: Apache-2.0
// The platform's single role store: every FlexGrid contract asks it who holds which role.
pragma solidity ^0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

/// @title IRoleRegistry
/// @notice Holds the FlexGrid roles (see `Roles`) once for the whole platform, and the platform's pause switch.
interface IRoleRegistry is IAccessControl {
    /// @notice Grants `role` to each of `accounts` (caller must hold the role's admin role).
    /// @param role The role to grant (a `Roles` constant).
    /// @param accounts The accounts receiving it.
    function grantRoleBatch(bytes32 role, address[] calldata accounts) external;

    /// @notice Pauses the platform's result and money paths (GUARDIAN).
    function pause() external;

    /// @notice Resumes them (ADMIN).
    function unpause() external;

    /// @notice Whether the platform is paused.
    /// @return True while paused.
    function paused() external view returns (bool);
}

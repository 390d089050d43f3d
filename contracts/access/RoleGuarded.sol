// SPDX-License-Identifier: Apache-2.0
// Base of every FlexGrid contract: restricts functions to roles held in the platform's RoleRegistry.
pragma solidity ^0.8.24;

import {IRoleGuarded} from "../interfaces/IRoleGuarded.sol";
import {IRoleRegistry} from "../interfaces/IRoleRegistry.sol";

/// @title RoleGuarded
/// @notice Guarantees: a function marked `onlyRole(r)` runs only for a caller holding `r` in the RoleRegistry; one
/// marked `whenNotPaused` only while the registry is not paused.
abstract contract RoleGuarded is IRoleGuarded {
    IRoleRegistry private immutable _roleRegistry;

    /// @param roleRegistry_ The platform's RoleRegistry (not zero).
    constructor(address roleRegistry_) {
        _requireNonZero(roleRegistry_);
        _roleRegistry = IRoleRegistry(roleRegistry_);
    }

    /// @dev Reverts with `RoleGuardedUnauthorizedAccount(msg.sender, role)` unless the caller holds `role`.
    modifier onlyRole(bytes32 role) {
        _checkRole(role, msg.sender);
        _;
    }

    /// @dev Reverts with `RoleGuardedPaused()` while the guardian has paused the platform.
    modifier whenNotPaused() {
        if (_roleRegistry.paused()) revert RoleGuardedPaused();
        _;
    }

    /// @inheritdoc IRoleGuarded
    function roleRegistry() external view returns (IRoleRegistry) {
        return _roleRegistry;
    }

    /// @dev Reverts unless `account` holds `role`.
    function _checkRole(bytes32 role, address account) internal view {
        if (!_roleRegistry.hasRole(role, account)) revert RoleGuardedUnauthorizedAccount(account, role);
    }

    /// @dev Whether `account` holds `role`.
    function _hasRole(bytes32 role, address account) internal view returns (bool) {
        return _roleRegistry.hasRole(role, account);
    }

    /// @dev Reverts with `RoleGuardedZeroAddress()` for the zero address.
    function _requireNonZero(address account) internal pure {
        if (account == address(0)) revert RoleGuardedZeroAddress();
    }
}

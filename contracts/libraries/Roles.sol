// SPDX-License-Identifier: Apache-2.0
// The platform roles, granted once in the RoleRegistry and checked by every FlexGrid contract through RoleGuarded.
pragma solidity ^0.8.24;

/// @title Roles
/// @notice Role identifiers of the FlexGrid platform (see DESIGN.md, actors table).
library Roles {
    /// @dev Administers every role (OpenZeppelin's DEFAULT_ADMIN_ROLE).
    bytes32 internal constant ADMIN = 0x00;
    /// @dev The distribution system operator: prequalification (static traffic light), perimeters, requests.
    bytes32 internal constant DSO = keccak256("DSO");
    /// @dev The DSO's oracle: PoD -> PoM mapping, dynamic traffic light, DSO requests, technical validation.
    bytes32 internal constant DSO_ORACLE = keccak256("DSO_ORACLE");
    /// @dev The transmission system operator: requests on a PoM.
    bytes32 internal constant TSO = keccak256("TSO");
    /// @dev The market operator: sessions, clearing results, settlement, notarisation.
    bytes32 internal constant MARKET_OPERATOR = keccak256("MARKET_OPERATOR");
    /// @dev An aggregator (granted per address): PoDs, baselines, offers.
    bytes32 internal constant AGGREGATOR = keccak256("AGGREGATOR");
    /// @dev The BAL: anchors measurement batches, manages Light Node keys.
    bytes32 internal constant BAL_ANCHOR = keccak256("BAL_ANCHOR");
    /// @dev The guardian: may pause the platform's result and money paths (only ADMIN resumes them).
    bytes32 internal constant GUARDIAN = keccak256("GUARDIAN");
}

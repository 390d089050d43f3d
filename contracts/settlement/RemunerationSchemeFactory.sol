// SPDX-License-Identifier: Apache-2.0
// Creates aggregators' remuneration schemes as minimal clones of one implementation.
pragma solidity 0.8.28;

import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {RoleGuarded} from "../access/RoleGuarded.sol";
import {Roles} from "../libraries/Roles.sol";
import {PodId} from "../libraries/Types.sol";
import {IPodRegistry} from "../interfaces/IPodRegistry.sol";
import {IRemunerationScheme} from "../interfaces/IRemunerationScheme.sol";
import {IRemunerationSchemeFactory} from "../interfaces/IRemunerationSchemeFactory.sol";
import {RemunerationScheme} from "./RemunerationScheme.sol";

/// @title RemunerationSchemeFactory
/// @notice Guarantees: schemes are clones of `implementation`, created only by AGGREGATORs, with parameters within
/// the platform's floor. Which scheme a PoD settles through is recorded in the PodRegistry only.
contract RemunerationSchemeFactory is RoleGuarded, IRemunerationSchemeFactory {
    address private immutable _implementation;
    IPodRegistry private immutable _podRegistry;
    mapping(address scheme => bool created) private _isScheme;
    mapping(address aggregator => address[] schemes) private _schemesOf;

    /// @param roleRegistry_ The platform's RoleRegistry.
    /// @param podRegistry_ The PodRegistry that records PoD → scheme (its admin points it at this factory).
    constructor(address roleRegistry_, IPodRegistry podRegistry_) RoleGuarded(roleRegistry_) {
        _requireNonZero(address(podRegistry_));
        _podRegistry = podRegistry_;
        _implementation = address(new RemunerationScheme());
    }

    modifier onlyScheme() {
        if (!_isScheme[msg.sender]) revert RemunerationSchemeFactoryUnknownScheme(msg.sender);
        _;
    }

    /// @inheritdoc IRemunerationSchemeFactory
    function bindPod(PodId podId) external onlyScheme {
        emit PodSchemeChanged(podId, msg.sender);
    }

    /// @inheritdoc IRemunerationSchemeFactory
    function unbindPod(PodId podId) external onlyScheme {
        emit PodSchemeChanged(podId, address(0));
    }

    /// @inheritdoc IRemunerationSchemeFactory
    function implementation() external view returns (address) {
        return _implementation;
    }

    /// @inheritdoc IRemunerationSchemeFactory
    function podRegistry() external view returns (IPodRegistry) {
        return _podRegistry;
    }

    /// @inheritdoc IRemunerationSchemeFactory
    function defaultParameters() public pure returns (IRemunerationScheme.Parameters memory) {
        return IRemunerationScheme.Parameters({toleranceBps: 3_000, rewardShareBps: 10_000, penaltyBps: 5_000});
    }

    /// @inheritdoc IRemunerationSchemeFactory
    function createScheme(
        IRemunerationScheme.Parameters calldata parameters
    ) external onlyRole(Roles.AGGREGATOR) returns (address scheme) {
        scheme = Clones.clone(_implementation);
        _isScheme[scheme] = true;
        _schemesOf[msg.sender].push(scheme);
        IRemunerationScheme(scheme).initialize(msg.sender, parameters);
        emit SchemeCreated(msg.sender, scheme, parameters);
    }

    /// @inheritdoc IRemunerationSchemeFactory
    function schemeOfPod(PodId podId) external view returns (IRemunerationScheme) {
        return IRemunerationScheme(_podRegistry.podData(podId).remunerationScheme);
    }

    /// @inheritdoc IRemunerationSchemeFactory
    function schemesOf(address aggregator) external view returns (address[] memory) {
        return _schemesOf[aggregator];
    }

    /// @inheritdoc IRemunerationSchemeFactory
    function isScheme(address scheme) external view returns (bool) {
        return _isScheme[scheme];
    }
}

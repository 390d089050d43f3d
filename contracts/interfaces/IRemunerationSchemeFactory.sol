// SPDX-License-Identifier: Apache-2.0
// Creates aggregators' remuneration schemes as cheap clones and knows which scheme each PoD settles through.
pragma solidity ^0.8.24;

import {PodId} from "../libraries/Types.sol";
import {IRemunerationScheme} from "./IRemunerationScheme.sol";
import {IPodRegistry} from "./IPodRegistry.sol";

/// @title IRemunerationSchemeFactory
/// @notice Guarantees: every scheme it lists is a clone of one audited implementation, owned by the aggregator
/// that created it, with parameters within the platform's floor (tolerance at most ±30 % as the seeds' rule, a
/// penalty of at least MIN_PENALTY_BPS); which scheme a PoD settles through is the PodRegistry's record alone.
interface IRemunerationSchemeFactory {
    /// @notice `caller` is not a scheme created by this factory.
    error RemunerationSchemeFactoryUnknownScheme(address caller);

    /// @notice An aggregator created a scheme.
    event SchemeCreated(address indexed aggregator, address indexed scheme, IRemunerationScheme.Parameters parameters);
    /// @notice A scheme enrolled (or released) a PoD: it settles through `scheme` (zero: none) from now on. For
    /// indexers; the PodRegistry's RemunerationSchemeChanged is the record settlement reads.
    event PodSchemeChanged(PodId indexed podId, address indexed scheme);

    /// @notice The implementation every scheme clones.
    /// @return Its address.
    function implementation() external view returns (address);

    /// @notice The default parameters: ±30 % tolerance (ARERA 300/2017), all rewards to the customer, penalty half
    /// the award's value.
    /// @return The parameters.
    function defaultParameters() external pure returns (IRemunerationScheme.Parameters memory);

    /// @notice Creates a scheme owned by the caller (an AGGREGATOR) with its own parameters.
    /// @param parameters The reward and penalty parameters.
    /// @return scheme The new scheme.
    function createScheme(IRemunerationScheme.Parameters calldata parameters) external returns (address scheme);

    /// @notice The scheme a PoD's current registration settles through from now on (the PodRegistry's record; zero
    /// when none).
    /// @param podId The PoD.
    /// @return The scheme.
    function schemeOfPod(PodId podId) external view returns (IRemunerationScheme);

    /// @notice The schemes an aggregator created.
    /// @param aggregator The aggregator.
    /// @return The schemes, in creation order.
    function schemesOf(address aggregator) external view returns (address[] memory);

    /// @notice Whether `scheme` was created by this factory.
    /// @param scheme The address.
    /// @return True for a scheme of this factory.
    function isScheme(address scheme) external view returns (bool);

    /// @notice Announces that the calling scheme enrolled a PoD (emits PodSchemeChanged; the binding itself is the
    /// PodRegistry's, which the scheme updated in the same call).
    /// @param podId The PoD.
    function bindPod(PodId podId) external;

    /// @notice Announces that the calling scheme released a PoD.
    /// @param podId The PoD.
    function unbindPod(PodId podId) external;

    /// @notice The PodRegistry whose record binds PoDs to schemes.
    /// @return The registry.
    function podRegistry() external view returns (IPodRegistry);
}

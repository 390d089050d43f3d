// SPDX-License-Identifier: Apache-2.0
// Creates aggregators' remuneration schemes as cheap clones and knows which scheme each PoD settles through.
pragma solidity ^0.8.24;

import {PodId} from "../libraries/Types.sol";
import {IRemunerationScheme} from "./IRemunerationScheme.sol";

/// @title IRemunerationSchemeFactory
/// @notice Guarantees: every scheme it lists is a clone of one audited implementation, owned by the aggregator
/// that created it, and a PoD settles through at most one scheme at a time.
interface IRemunerationSchemeFactory {
    /// @notice `caller` is not a scheme created by this factory.
    error RemunerationSchemeFactoryUnknownScheme(address caller);
    /// @notice The PoD already settles through another scheme.
    error RemunerationSchemeFactoryPodTaken(PodId podId, address scheme);

    /// @notice An aggregator created a scheme.
    event SchemeCreated(address indexed aggregator, address indexed scheme, IRemunerationScheme.Parameters parameters);
    /// @notice A PoD now settles through `scheme` (zero: through none).
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

    /// @notice The scheme a PoD settles through (zero when none).
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

    /// @notice Binds a PoD to the calling scheme (called by the scheme when its aggregator enrols the PoD).
    /// @param podId The PoD.
    function bindPod(PodId podId) external;

    /// @notice Releases a PoD from the calling scheme.
    /// @param podId The PoD.
    function unbindPod(PodId podId) external;
}

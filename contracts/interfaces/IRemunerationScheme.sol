// SPDX-License-Identifier: Apache-2.0
// An aggregator's remuneration scheme: which customer wallet each of its PoDs pays into, and how a delivery
// turns into a reward or a penalty.
pragma solidity ^0.8.24;

import {PodId} from "../libraries/Types.sol";

/// @title IRemunerationScheme
/// @notice One per aggregator (or per cluster of its PoDs), created as a clone by the RemunerationSchemeFactory.
/// @dev Assessment, in basis points (1e4 = 100 %), delivered = baseline − measured and expected = −awarded power:
///  effectivenessBps = deliveredW · 1e4 / expectedW (truncated toward zero);
///  paid = payment · clamp(effectivenessBps, 0, 1e4) / 1e4 (never more than awarded);
///  penalty = payment · penaltyBps / 1e4 when effectiveness is outside 1e4 ± toleranceBps (ARERA 300/2017: ±30 %);
///  the customer's reward and penalty are those times rewardShareBps / 1e4.
interface IRemunerationScheme {
    /// @notice Reward and penalty parameters, in basis points.
    struct Parameters {
        uint16 toleranceBps;
        uint16 rewardShareBps;
        uint16 penaltyBps;
    }

    /// @notice The outcome of one award for the customer.
    struct Assessment {
        address wallet;
        int256 effectivenessBps;
        uint256 rewardMicroEur;
        uint256 penaltyMicroEur;
    }

    /// @notice `caller` is not the scheme's aggregator.
    error RemunerationSchemeUnauthorized(address caller);
    /// @notice A parameter is out of range (`value` above `max`).
    error RemunerationSchemeInvalidParameter(uint256 value, uint256 max);
    /// @notice A customer wallet cannot be the zero address.
    error RemunerationSchemeZeroWallet(PodId podId);
    /// @notice The PoD is not enrolled in this scheme.
    error RemunerationSchemePodNotEnrolled(PodId podId);
    /// @notice An award of zero power cannot be assessed.
    error RemunerationSchemeZeroAward(PodId podId);
    /// @notice The scheme's aggregator `aggregator` does not hold the PoD's live registration (held by `registered`).
    error RemunerationSchemeNotPodAggregator(PodId podId, address aggregator, address registered);

    /// @notice A PoD was enrolled (or its wallet changed), for sessions whose gate closes after this block.
    event PodEnrolled(PodId indexed podId, address indexed wallet);
    /// @notice A PoD left the scheme.
    event PodWithdrawn(PodId indexed podId);
    /// @notice The scheme was set up.
    event SchemeInitialized(address indexed aggregator, Parameters parameters);

    /// @notice Sets the scheme up once (the factory calls it right after cloning).
    /// @param aggregator_ The owning aggregator.
    /// @param parameters_ Its reward and penalty parameters.
    function initialize(address aggregator_, Parameters calldata parameters_) external;

    /// @notice The aggregator that owns the scheme.
    /// @return The aggregator's address.
    function aggregator() external view returns (address);

    /// @notice The reward and penalty parameters.
    /// @return The parameters.
    function parameters() external view returns (Parameters memory);

    /// @notice Enrols a PoD with its customer's wallet, or changes the wallet (aggregator only, and only for a PoD
    /// whose live registration it holds); binds the PoD to this scheme in the PodRegistry. The change applies to
    /// sessions whose gate closes from now on.
    /// @param podId The PoD.
    /// @param wallet The customer's wallet receiving rewards.
    function enrolPod(PodId podId, address wallet) external;

    /// @notice Takes a PoD out of the scheme (aggregator only).
    /// @param podId The PoD.
    function withdrawPod(PodId podId) external;

    /// @notice The customer wallet of an enrolled PoD (zero when not enrolled).
    /// @param podId The PoD.
    /// @return The wallet.
    function walletOf(PodId podId) external view returns (address);

    /// @notice The wallet a PoD paid into for a session whose gate closed at `asOf`: the last one set strictly before
    /// `asOf` (zero if none).
    /// @param podId The PoD.
    /// @param asOf The session's gate closure (UTC seconds).
    /// @return The wallet.
    function walletAt(PodId podId, uint64 asOf) external view returns (address);

    /// @notice Assesses one award's delivery under the scheme's rule.
    /// @param podId The PoD (must be enrolled).
    /// @param awardedPowerW The award, load convention (negative = consumption down).
    /// @param deliveredW Baseline − measured over the slot, from certified readings.
    /// @param paymentMicroEur What the award pays when delivered in full.
    /// @return The wallet, effectiveness, reward and penalty.
    function assess(
        PodId podId,
        int256 awardedPowerW,
        int256 deliveredW,
        uint256 paymentMicroEur
    ) external view returns (Assessment memory);
}

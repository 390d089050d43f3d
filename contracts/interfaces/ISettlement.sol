// SPDX-License-Identifier: Apache-2.0
// Settlement of final clearing results: per award, the delivery from certified readings turns into reward tokens
// minted to (or penalties burned from) the customer's wallet through the PoD's remuneration scheme.
pragma solidity ^0.8.24;

import {PodId, SessionId, ValidationVerdict} from "../libraries/Types.sol";

/// @title ISettlement
/// @notice Guarantees: only final results are settled, each award at most once; the reward token's supply always
/// equals minted − burned over all settlements, which equals Σ(reward − penalty) + outstanding penalty debt
/// (the part of penalties not yet burned).
interface ISettlement {
    /// @notice One award to settle: its index in the session (FlexMarket) and what was delivered.
    struct Item {
        uint32 awardIndex;
        int256 deliveredW;
    }

    /// @notice What a wallet has received and lost in total.
    struct WalletTotals {
        uint256 rewardedMicroEur;
        uint256 penalisedMicroEur;
        uint256 debtMicroEur;
    }

    /// @notice The session's result is not final (not finalised, voided, or still challengeable).
    error SettlementResultNotFinal(SessionId sessionId);
    /// @notice The award has no final quantity (the DSO's validation rejected it): nothing to settle.
    error SettlementNothingToSettle(SessionId sessionId, uint256 awardIndex, ValidationVerdict verdict);
    /// @notice The award was settled already.
    error SettlementAlreadySettled(SessionId sessionId, uint256 awardIndex);
    /// @notice No remuneration scheme holds the PoD.
    error SettlementPodWithoutScheme(PodId podId);

    /// @notice A batch of a session was settled with the hash of the data set (certified readings) it used.
    event SettlementPosted(SessionId indexed sessionId, bytes32 datasetHash, uint256 itemCount);
    /// @notice One award was settled.
    event AwardSettled(
        SessionId indexed sessionId,
        uint256 indexed awardIndex,
        PodId indexed podId,
        address wallet,
        int256 deliveredW,
        int256 effectivenessBps,
        uint256 rewardMicroEur,
        uint256 penaltyMicroEur,
        uint256 mintedMicroEur,
        uint256 burnedMicroEur
    );

    /// @notice Settles awards of a final result (MARKET_OPERATOR).
    /// @param sessionId The session.
    /// @param datasetHash Hash of the certified readings and baselines used.
    /// @param items The awards and their deliveries.
    function settle(SessionId sessionId, bytes32 datasetHash, Item[] calldata items) external;

    /// @notice The reward token.
    /// @return Its address.
    function rewardToken() external view returns (address);

    /// @notice Whether an award was settled.
    /// @param sessionId The session.
    /// @param awardIndex The award's index.
    /// @return True once settled.
    function isSettled(SessionId sessionId, uint256 awardIndex) external view returns (bool);

    /// @notice Σ(reward − penalty) over every settlement.
    /// @return Micro-EUR, signed.
    function netSettledMicroEur() external view returns (int256);

    /// @notice Penalties not yet recovered because the wallets held too few tokens.
    /// @return Micro-EUR.
    function totalDebtMicroEur() external view returns (uint256);

    /// @notice A wallet's totals.
    /// @param wallet The customer's wallet.
    /// @return The totals.
    function walletTotals(address wallet) external view returns (WalletTotals memory);
}

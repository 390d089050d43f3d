// SPDX-License-Identifier: Apache-2.0
// Settlement of final clearing results: per award, the delivery from certified readings turns into reward tokens
// minted to (or penalties burned from) the customer's wallet through the PoD's remuneration scheme.
pragma solidity ^0.8.24;

import {PodId, SessionId} from "../libraries/Types.sol";

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

    /// @notice Why an item of a batch was skipped (the rest of the batch settles).
    enum SkipReason {
        UnknownAward,
        AlreadySettled,
        NothingToSettle,
        NoScheme,
        NoWallet
    }

    /// @notice What a wallet has received and lost in total.
    struct WalletTotals {
        uint256 rewardedMicroEur;
        uint256 penalisedMicroEur;
        uint256 debtMicroEur;
    }

    /// @notice The session's result is not final (not finalised, voided, or still challengeable).
    error SettlementResultNotFinal(SessionId sessionId);

    /// @notice The remuneration-scheme factory serves another PodRegistry than the market's (`registry`).
    error SettlementRegistryMismatch(address registry);

    /// @notice One item of a batch was not settled, for `reason`; the others were.
    event AwardSkipped(SessionId indexed sessionId, uint256 indexed awardIndex, SkipReason reason);
    /// @notice How many items of a batch were settled and skipped.
    event SettlementBatchSummary(SessionId indexed sessionId, uint256 settledCount, uint256 skippedCount);
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

    /// @notice Settles awards of a final result (MARKET_OPERATOR); an item that cannot be settled (unknown, already
    /// settled, rejected by validation, no scheme or wallet at gate closure) is skipped with AwardSkipped.
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

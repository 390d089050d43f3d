// SPDX-License-Identifier: Apache-2.0
// Settles final clearing results: per award, the delivery becomes reward tokens minted to, or a penalty burned
// from, the customer's wallet through the PoD's remuneration scheme.
pragma solidity 0.8.28;

import {RoleGuarded} from "../access/RoleGuarded.sol";
import {Roles} from "../libraries/Roles.sol";
import {SessionId} from "../libraries/Types.sol";
import {IClearingResults} from "../interfaces/IClearingResults.sol";
import {IRemunerationScheme} from "../interfaces/IRemunerationScheme.sol";
import {IRemunerationSchemeFactory} from "../interfaces/IRemunerationSchemeFactory.sol";
import {ISettlement} from "../interfaces/ISettlement.sol";
import {ClearingHashing} from "./ClearingHashing.sol";
import {RewardToken} from "./RewardToken.sol";

/// @title Settlement
/// @notice Guarantees: only final results are settled, each award once, at the amounts the PoD's scheme assesses;
/// the reward token (deployed here, so this contract is its only minter) has supply = minted − burned =
/// Σ(reward − penalty) + outstanding debt. A penalty larger than the wallet's balance becomes debt, recovered
/// from the wallet's next rewards.
contract Settlement is RoleGuarded, ISettlement {
    RewardToken private immutable _token;
    IClearingResults private immutable _results;
    IRemunerationSchemeFactory private immutable _schemes;

    mapping(bytes32 sessionAwardKey => bool settled) private _settled;
    mapping(address wallet => WalletTotals) private _wallets;
    int256 private _netSettledMicroEur;
    uint256 private _totalDebtMicroEur;

    /// @param roleRegistry_ The platform's RoleRegistry.
    /// @param results_ The clearing results.
    /// @param schemes_ The remuneration-scheme factory.
    constructor(address roleRegistry_, address results_, address schemes_) RoleGuarded(roleRegistry_) {
        _token = new RewardToken(address(this));
        _results = IClearingResults(results_);
        _schemes = IRemunerationSchemeFactory(schemes_);
    }

    /// @inheritdoc ISettlement
    function settle(
        SessionId sessionId,
        bytes32 datasetHash,
        Item[] calldata items
    ) external onlyRole(Roles.MARKET_OPERATOR) {
        if (!_results.isFinal(sessionId)) revert SettlementResultNotFinal(sessionId);
        for (uint256 i = 0; i < items.length; ++i) _settleItem(sessionId, items[i]);
        emit SettlementPosted(sessionId, datasetHash, items.length);
    }

    /// @inheritdoc ISettlement
    function rewardToken() external view returns (address) {
        return address(_token);
    }

    /// @inheritdoc ISettlement
    function isSettled(SessionId sessionId, uint256 awardIndex) external view returns (bool) {
        return _settled[keccak256(abi.encode(sessionId, awardIndex))];
    }

    /// @inheritdoc ISettlement
    function netSettledMicroEur() external view returns (int256) {
        return _netSettledMicroEur;
    }

    /// @inheritdoc ISettlement
    function totalDebtMicroEur() external view returns (uint256) {
        return _totalDebtMicroEur;
    }

    /// @inheritdoc ISettlement
    function walletTotals(address wallet) external view returns (WalletTotals memory) {
        return _wallets[wallet];
    }

    function _settleItem(SessionId sessionId, Item calldata item) private {
        bytes32 key = keccak256(abi.encode(sessionId, item.awardIndex));
        if (_settled[key]) revert SettlementAlreadySettled(sessionId, item.awardIndex);
        if (_results.awardHash(sessionId, item.awardIndex) != ClearingHashing.hashAward(item.award))
            revert SettlementAwardMismatch(sessionId, item.awardIndex);
        IRemunerationScheme scheme = _schemes.schemeOfPod(item.award.podId);
        if (address(scheme) == address(0)) revert SettlementPodWithoutScheme(item.award.podId);
        IRemunerationScheme.Assessment memory a = scheme.assess(
            item.award.podId,
            item.award.powerW,
            item.deliveredW,
            item.award.paymentMicroEur
        );
        _settled[key] = true;

        WalletTotals storage totals = _wallets[a.wallet];
        totals.rewardedMicroEur += a.rewardMicroEur;
        totals.penalisedMicroEur += a.penaltyMicroEur;
        _netSettledMicroEur += int256(a.rewardMicroEur) - int256(a.penaltyMicroEur);

        uint256 minted;
        uint256 burned;
        if (a.rewardMicroEur >= a.penaltyMicroEur) {
            uint256 net = a.rewardMicroEur - a.penaltyMicroEur;
            uint256 recovered = net < totals.debtMicroEur ? net : totals.debtMicroEur;
            totals.debtMicroEur -= recovered;
            _totalDebtMicroEur -= recovered;
            minted = net - recovered;
        } else {
            uint256 owed = a.penaltyMicroEur - a.rewardMicroEur;
            uint256 balance = _token.balanceOf(a.wallet);
            burned = owed < balance ? owed : balance;
            totals.debtMicroEur += owed - burned;
            _totalDebtMicroEur += owed - burned;
        }
        emit AwardSettled(
            sessionId,
            item.awardIndex,
            item.award.podId,
            a.wallet,
            item.deliveredW,
            a.effectivenessBps,
            a.rewardMicroEur,
            a.penaltyMicroEur,
            minted,
            burned
        );
        if (minted > 0) _token.mint(a.wallet, minted);
        if (burned > 0) _token.burn(a.wallet, burned);
    }
}

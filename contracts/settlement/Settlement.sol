// SPDX-License-Identifier: Apache-2.0
// Settles final clearing results: per award, the delivery becomes reward tokens minted to, or a penalty burned
// from, the customer's wallet through the PoD's remuneration scheme.
pragma solidity 0.8.28;

import {RoleGuarded} from "../access/RoleGuarded.sol";
import {Roles} from "../libraries/Roles.sol";
import {Direction, SessionId} from "../libraries/Types.sol";
import {AwardView, IFlexMarket} from "../interfaces/IFlexMarket.sol";
import {IMeritOrderChallenge} from "../interfaces/IMeritOrderChallenge.sol";
import {IRemunerationScheme} from "../interfaces/IRemunerationScheme.sol";
import {IRemunerationSchemeFactory} from "../interfaces/IRemunerationSchemeFactory.sol";
import {ISettlement} from "../interfaces/ISettlement.sol";
import {RewardToken} from "./RewardToken.sol";

/// @title Settlement
/// @notice Guarantees: only final results are settled (IMeritOrderChallenge.isFinal), each award once, at its final
/// validated quantity and clearing price, by the amounts the PoD's scheme assesses;
/// the reward token (deployed here, so this contract is its only minter) has supply = minted − burned =
/// Σ(reward − penalty) + outstanding debt. A penalty larger than the wallet's balance becomes debt, recovered
/// from the wallet's next rewards.
contract Settlement is RoleGuarded, ISettlement {
    /// @dev kW × milli-EUR/kW = milli-EUR; × 1000 = micro-EUR (token units).
    uint256 private constant MICRO_PER_MILLI = 1000;
    int256 private constant W_PER_KW = 1000;

    RewardToken private immutable _token;
    IFlexMarket private immutable _market;
    IMeritOrderChallenge private immutable _challenge;
    IRemunerationSchemeFactory private immutable _schemes;

    mapping(bytes32 sessionAwardKey => bool settled) private _settled;
    mapping(address wallet => WalletTotals) private _wallets;
    int256 private _netSettledMicroEur;
    uint256 private _totalDebtMicroEur;

    /// @param roleRegistry_ The platform's RoleRegistry.
    /// @param challenge_ The merit-order challenge (which knows the FlexMarket).
    /// @param schemes_ The remuneration-scheme factory.
    constructor(address roleRegistry_, address challenge_, address schemes_) RoleGuarded(roleRegistry_) {
        _token = new RewardToken(address(this));
        _challenge = IMeritOrderChallenge(challenge_);
        _market = _challenge.market();
        _schemes = IRemunerationSchemeFactory(schemes_);
    }

    /// @inheritdoc ISettlement
    function settle(
        SessionId sessionId,
        bytes32 datasetHash,
        Item[] calldata items
    ) external onlyRole(Roles.MARKET_OPERATOR) {
        if (!_challenge.isFinal(sessionId)) revert SettlementResultNotFinal(sessionId);
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
        AwardView memory award = _market.award(sessionId, item.awardIndex);
        if (award.finalQuantityKw == 0) revert SettlementNothingToSettle(sessionId, item.awardIndex, award.verdict);
        IRemunerationScheme scheme = _schemes.schemeOfPod(award.podId);
        if (address(scheme) == address(0)) revert SettlementPodWithoutScheme(award.podId);
        int256 powerW = int256(uint256(award.finalQuantityKw)) * W_PER_KW;
        if (award.direction == Direction.Down) powerW = -powerW;
        IRemunerationScheme.Assessment memory a = scheme.assess(
            award.podId,
            powerW,
            item.deliveredW,
            uint256(award.finalQuantityKw) * award.priceMilliEurPerKw * MICRO_PER_MILLI
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
            award.podId,
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

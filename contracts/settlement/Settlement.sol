// SPDX-License-Identifier: Apache-2.0
// Settles final clearing results: per award, the delivery becomes reward tokens minted to, or a penalty burned
// from, the customer's wallet through the remuneration scheme the PodRegistry records for the PoD.
pragma solidity 0.8.28;

import {RoleGuarded} from "../access/RoleGuarded.sol";
import {Roles} from "../libraries/Roles.sol";
import {Direction, SessionId} from "../libraries/Types.sol";
import {Remuneration} from "../libraries/Remuneration.sol";
import {AwardView, IFlexMarket, SessionView} from "../interfaces/IFlexMarket.sol";
import {IPodRegistry} from "../interfaces/IPodRegistry.sol";
import {IMeritOrderChallenge} from "../interfaces/IMeritOrderChallenge.sol";
import {IRemunerationScheme} from "../interfaces/IRemunerationScheme.sol";
import {IRemunerationSchemeFactory} from "../interfaces/IRemunerationSchemeFactory.sol";
import {ISettlement} from "../interfaces/ISettlement.sol";
import {RewardToken} from "./RewardToken.sol";

/// @title Settlement
/// @notice Guarantees: only final results are settled (IMeritOrderChallenge.isFinal), each award once, at its final
/// validated quantity and clearing price, by the rule of the scheme the PodRegistry recorded for the award's
/// registration at the session's gate closure, into the wallet that scheme recorded then (later changes apply to
/// later sessions only). An item that cannot be settled is skipped with a reason, never reverting the batch. The
/// reward token (deployed here, so this contract is its only minter) has supply = minted − burned =
/// Σ(reward − penalty) + outstanding debt; rewards stay locked in the wallet for the token's hold period so a later
/// penalty can be collected, and a wallet in debt cannot transfer.
contract Settlement is RoleGuarded, ISettlement {
    /// @dev kW × milli-EUR/kW = milli-EUR; × 1000 = micro-EUR (token units).
    uint256 private constant MICRO_PER_MILLI = 1000;
    int256 private constant W_PER_KW = 1000;

    /// @dev A wallet's totals in one slot (uint96 micro-EUR is 7.9e16 EUR).
    struct PackedTotals {
        uint96 rewardedMicroEur;
        uint96 penalisedMicroEur;
        uint64 debtMicroEur;
    }

    /// @dev What one batch reads once: the session's gate closure and the last scheme's parameters.
    struct BatchContext {
        SessionId sessionId;
        uint64 asOf;
        address scheme;
        IRemunerationScheme.Parameters parameters;
    }

    RewardToken private immutable _token;
    IFlexMarket private immutable _market;
    IPodRegistry private immutable _podRegistry;
    IMeritOrderChallenge private immutable _challenge;

    /// @dev 256 awards a word: bit i of word w = award 256 w + i of the session's final round.
    mapping(SessionId sessionId => mapping(uint256 word => uint256 bits)) private _settled;
    mapping(address wallet => PackedTotals) private _wallets;
    int256 private _netSettledMicroEur;
    uint256 private _totalDebtMicroEur;

    /// @param roleRegistry_ The platform's RoleRegistry.
    /// @param challenge_ The merit-order challenge (which knows the FlexMarket).
    /// @param schemes_ The remuneration-scheme factory (must serve the market's PodRegistry).
    constructor(address roleRegistry_, address challenge_, address schemes_) RoleGuarded(roleRegistry_) {
        _requireNonZero(challenge_);
        _requireNonZero(schemes_);
        _challenge = IMeritOrderChallenge(challenge_);
        _market = _challenge.market();
        _podRegistry = _market.podRegistry();
        if (IRemunerationSchemeFactory(schemes_).podRegistry() != _podRegistry) {
            revert SettlementRegistryMismatch(address(IRemunerationSchemeFactory(schemes_).podRegistry()));
        }
        _token = new RewardToken(address(this));
    }

    /// @inheritdoc ISettlement
    function settle(
        SessionId sessionId,
        bytes32 datasetHash,
        Item[] calldata items
    ) external onlyRole(Roles.MARKET_OPERATOR) whenNotPaused {
        if (!_challenge.isFinal(sessionId)) revert SettlementResultNotFinal(sessionId);
        SessionView memory s = _market.session(sessionId);
        BatchContext memory ctx;
        (ctx.sessionId, ctx.asOf) = (sessionId, s.gateClosureTime);
        uint256 settledCount;
        for (uint256 i = 0; i < items.length; ++i) {
            if (_settleItem(ctx, s.awardCount, items[i])) ++settledCount;
        }
        emit SettlementPosted(sessionId, datasetHash, items.length);
        emit SettlementBatchSummary(sessionId, settledCount, items.length - settledCount);
    }

    /// @inheritdoc ISettlement
    function rewardToken() external view returns (address) {
        return address(_token);
    }

    /// @inheritdoc ISettlement
    function isSettled(SessionId sessionId, uint256 awardIndex) external view returns (bool) {
        return (_settled[sessionId][awardIndex >> 8] >> (awardIndex & 0xff)) & 1 == 1;
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
        PackedTotals memory t = _wallets[wallet];
        return WalletTotals(t.rewardedMicroEur, t.penalisedMicroEur, t.debtMicroEur);
    }

    /// @dev Settles one item, or skips it with a reason; true when settled.
    function _settleItem(BatchContext memory ctx, uint32 awardCount, Item calldata item) private returns (bool) {
        uint32 index = item.awardIndex;
        if (index >= awardCount) return _skip(ctx, index, SkipReason.UnknownAward);
        uint256 word = _settled[ctx.sessionId][index >> 8];
        uint256 bit = uint256(1) << (index & 0xff);
        if (word & bit != 0) return _skip(ctx, index, SkipReason.AlreadySettled);
        AwardView memory award = _market.award(ctx.sessionId, index);
        if (award.finalQuantityKw == 0) return _skip(ctx, index, SkipReason.NothingToSettle);
        address scheme = _podRegistry.remunerationSchemeAt(award.registrationIndex, ctx.asOf);
        if (scheme == address(0)) return _skip(ctx, index, SkipReason.NoScheme);
        address wallet = IRemunerationScheme(scheme).walletAt(award.podId, ctx.asOf);
        if (wallet == address(0)) return _skip(ctx, index, SkipReason.NoWallet);
        if (scheme != ctx.scheme) (ctx.scheme, ctx.parameters) = (scheme, IRemunerationScheme(scheme).parameters());
        _settled[ctx.sessionId][index >> 8] = word | bit;

        int256 powerW = int256(uint256(award.finalQuantityKw)) * W_PER_KW;
        if (award.direction == Direction.Down) powerW = -powerW;
        IRemunerationScheme.Assessment memory a = Remuneration.assess(
            ctx.parameters,
            powerW,
            item.deliveredW,
            uint256(award.finalQuantityKw) * award.priceMilliEurPerKw * MICRO_PER_MILLI
        );
        a.wallet = wallet;
        (uint256 minted, uint256 burned) = _book(a);
        emit AwardSettled(
            ctx.sessionId,
            index,
            award.podId,
            wallet,
            item.deliveredW,
            a.effectivenessBps,
            a.rewardMicroEur,
            a.penaltyMicroEur,
            minted,
            burned
        );
        if (minted > 0) _token.mint(wallet, minted);
        if (burned > 0) _token.burn(wallet, burned);
        return true;
    }

    /// @dev Books the assessment in the wallet's totals: a net reward first repays debt, a net penalty burns what
    /// the wallet holds (locked rewards included) and owes the rest.
    function _book(IRemunerationScheme.Assessment memory a) private returns (uint256 minted, uint256 burned) {
        PackedTotals memory totals = _wallets[a.wallet];
        bool wasInDebt = totals.debtMicroEur > 0;
        totals.rewardedMicroEur += uint96(a.rewardMicroEur);
        totals.penalisedMicroEur += uint96(a.penaltyMicroEur);
        _netSettledMicroEur += int256(a.rewardMicroEur) - int256(a.penaltyMicroEur);
        if (a.rewardMicroEur >= a.penaltyMicroEur) {
            uint256 net = a.rewardMicroEur - a.penaltyMicroEur;
            uint256 recovered = net < totals.debtMicroEur ? net : totals.debtMicroEur;
            totals.debtMicroEur -= uint64(recovered);
            _totalDebtMicroEur -= recovered;
            minted = net - recovered;
        } else {
            uint256 owed = a.penaltyMicroEur - a.rewardMicroEur;
            uint256 balance = _token.balanceOf(a.wallet);
            burned = owed < balance ? owed : balance;
            totals.debtMicroEur += uint64(owed - burned);
            _totalDebtMicroEur += owed - burned;
        }
        _wallets[a.wallet] = totals;
        bool inDebt = totals.debtMicroEur > 0;
        if (inDebt != wasInDebt) _token.setInDebt(a.wallet, inDebt);
    }

    function _skip(BatchContext memory ctx, uint32 awardIndex, SkipReason reason) private returns (bool) {
        emit AwardSkipped(ctx.sessionId, awardIndex, reason);
        return false;
    }
}

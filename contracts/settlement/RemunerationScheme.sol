// SPDX-License-Identifier: Apache-2.0
// The implementation behind every aggregator's remuneration scheme clone: PoD → customer wallet, and the rule
// that turns an award's delivery into a reward or a penalty.
pragma solidity 0.8.28;

import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {PodId} from "../libraries/Types.sol";
import {IRemunerationScheme} from "../interfaces/IRemunerationScheme.sol";
import {IRemunerationSchemeFactory} from "../interfaces/IRemunerationSchemeFactory.sol";

/// @title RemunerationScheme
/// @notice Guarantees: parameters are fixed at creation; only the aggregator enrols or withdraws PoDs; a PoD is
/// bound in the factory to one scheme at a time.
/// UNFINISHED: check in PodRegistry (issue 5) that an enrolled PoD is registered to this aggregator.
contract RemunerationScheme is Initializable, IRemunerationScheme {
    uint256 private constant BPS = 10_000;

    IRemunerationSchemeFactory private _factory;
    address private _aggregator;
    Parameters private _parameters;
    mapping(PodId podId => address wallet) private _wallets;

    constructor() {
        // The implementation itself is never used; only its clones are.
        _disableInitializers();
    }

    modifier onlyAggregator() {
        if (msg.sender != _aggregator) revert RemunerationSchemeUnauthorized(msg.sender);
        _;
    }

    /// @inheritdoc IRemunerationScheme
    function initialize(address aggregator_, Parameters calldata parameters_) external initializer {
        if (parameters_.toleranceBps > BPS) revert RemunerationSchemeInvalidParameter(parameters_.toleranceBps, BPS);
        if (parameters_.rewardShareBps > BPS)
            revert RemunerationSchemeInvalidParameter(parameters_.rewardShareBps, BPS);
        if (parameters_.penaltyBps > BPS) revert RemunerationSchemeInvalidParameter(parameters_.penaltyBps, BPS);
        _factory = IRemunerationSchemeFactory(msg.sender);
        _aggregator = aggregator_;
        _parameters = parameters_;
        emit SchemeInitialized(aggregator_, parameters_);
    }

    /// @inheritdoc IRemunerationScheme
    function aggregator() external view returns (address) {
        return _aggregator;
    }

    /// @inheritdoc IRemunerationScheme
    function parameters() external view returns (Parameters memory) {
        return _parameters;
    }

    /// @inheritdoc IRemunerationScheme
    function enrolPod(PodId podId, address wallet) external onlyAggregator {
        if (wallet == address(0)) revert RemunerationSchemeZeroWallet(podId);
        if (_wallets[podId] == address(0)) _factory.bindPod(podId);
        _wallets[podId] = wallet;
        emit PodEnrolled(podId, wallet);
    }

    /// @inheritdoc IRemunerationScheme
    function withdrawPod(PodId podId) external onlyAggregator {
        if (_wallets[podId] == address(0)) revert RemunerationSchemePodNotEnrolled(podId);
        delete _wallets[podId];
        _factory.unbindPod(podId);
        emit PodWithdrawn(podId);
    }

    /// @inheritdoc IRemunerationScheme
    function walletOf(PodId podId) external view returns (address) {
        return _wallets[podId];
    }

    /// @inheritdoc IRemunerationScheme
    function assess(
        PodId podId,
        int256 awardedPowerW,
        int256 deliveredW,
        uint256 paymentMicroEur
    ) external view returns (Assessment memory a) {
        a.wallet = _wallets[podId];
        if (a.wallet == address(0)) revert RemunerationSchemePodNotEnrolled(podId);
        if (awardedPowerW == 0) revert RemunerationSchemeZeroAward(podId);
        Parameters memory p = _parameters;
        // Flexibility is measured as baseline − measured, so the expected delivery is the award's opposite.
        int256 expectedW = -awardedPowerW;
        a.effectivenessBps = (deliveredW * int256(BPS)) / expectedW;
        int256 full = int256(BPS);
        int256 tolerance = int256(uint256(p.toleranceBps));
        bool inBand = a.effectivenessBps >= full - tolerance && a.effectivenessBps <= full + tolerance;
        uint256 paidBps =
            a.effectivenessBps <= 0
                ? 0
                : a.effectivenessBps >= full
                    ? BPS
                    : uint256(a.effectivenessBps);
        uint256 paid = (paymentMicroEur * paidBps) / BPS;
        uint256 penalty = inBand ? 0 : (paymentMicroEur * p.penaltyBps) / BPS;
        a.rewardMicroEur = (paid * p.rewardShareBps) / BPS;
        a.penaltyMicroEur = (penalty * p.rewardShareBps) / BPS;
    }
}

// SPDX-License-Identifier: Apache-2.0
// The implementation behind every aggregator's remuneration scheme clone: PoD → customer wallet, and the rule
// that turns an award's delivery into a reward or a penalty.
pragma solidity 0.8.28;

import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {PodId} from "../libraries/Types.sol";
import {Remuneration} from "../libraries/Remuneration.sol";
import {IRemunerationScheme} from "../interfaces/IRemunerationScheme.sol";
import {IPodRegistry, PodFlexibility, PodStatus} from "../interfaces/IPodRegistry.sol";
import {IRemunerationSchemeFactory} from "../interfaces/IRemunerationSchemeFactory.sol";

/// @title RemunerationScheme
/// @notice Guarantees: parameters are fixed at creation, within the platform's floor; only the aggregator enrols or
/// withdraws PoDs, and only PoDs whose live registration it holds in the PodRegistry (which records the binding);
/// every wallet change is kept with its time, so a session pays the wallet in force at its gate closure.
contract RemunerationScheme is Initializable, IRemunerationScheme {
    /// @dev A wallet in force from `since` until the next change.
    struct WalletEntry {
        address wallet;
        uint64 since;
    }

    IRemunerationSchemeFactory private _factory;
    IPodRegistry private _podRegistry;
    address private _aggregator;
    Parameters private _parameters;
    mapping(PodId podId => WalletEntry) private _wallets;
    mapping(PodId podId => WalletEntry[] history) private _walletHistory;

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
        (bool valid, uint256 value, uint256 bound) = Remuneration.checkParameters(parameters_);
        if (!valid) revert RemunerationSchemeInvalidParameter(value, bound);
        _factory = IRemunerationSchemeFactory(msg.sender);
        _podRegistry = _factory.podRegistry();
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
        PodFlexibility memory f = _podRegistry.flexibilityOf(podId);
        if (f.status != PodStatus.Registered || f.aggregator != _aggregator) {
            revert RemunerationSchemeNotPodAggregator(podId, _aggregator, f.aggregator);
        }
        _setWallet(podId, wallet);
        _podRegistry.bindRemunerationScheme(podId);
        _factory.bindPod(podId);
        emit PodEnrolled(podId, wallet);
    }

    /// @inheritdoc IRemunerationScheme
    function withdrawPod(PodId podId) external onlyAggregator {
        if (_wallets[podId].wallet == address(0)) revert RemunerationSchemePodNotEnrolled(podId);
        _setWallet(podId, address(0));
        // The registry may already point elsewhere (the PoD re-registered or moved to another scheme of ours).
        PodFlexibility memory f = _podRegistry.flexibilityOf(podId);
        if (
            f.status == PodStatus.Registered &&
            _podRegistry.remunerationSchemeAt(f.index, type(uint64).max) == address(this)
        ) {
            _podRegistry.unbindRemunerationScheme(podId);
            _factory.unbindPod(podId);
        }
        emit PodWithdrawn(podId);
    }

    /// @inheritdoc IRemunerationScheme
    function walletOf(PodId podId) external view returns (address) {
        return _wallets[podId].wallet;
    }

    /// @inheritdoc IRemunerationScheme
    function walletAt(PodId podId, uint64 asOf) external view returns (address) {
        WalletEntry storage current = _wallets[podId];
        if (current.since < asOf) return current.wallet;
        WalletEntry[] storage history = _walletHistory[podId];
        for (uint256 i = history.length; i > 0; --i) {
            WalletEntry storage e = history[i - 1];
            if (e.since < asOf) return e.wallet;
        }
        return address(0);
    }

    /// @inheritdoc IRemunerationScheme
    function assess(
        PodId podId,
        int256 awardedPowerW,
        int256 deliveredW,
        uint256 paymentMicroEur
    ) external view returns (Assessment memory a) {
        address wallet = _wallets[podId].wallet;
        if (wallet == address(0)) revert RemunerationSchemePodNotEnrolled(podId);
        if (awardedPowerW == 0) revert RemunerationSchemeZeroAward(podId);
        a = Remuneration.assess(_parameters, awardedPowerW, deliveredW, paymentMicroEur);
        a.wallet = wallet;
    }

    /// @dev Keeps the wallet in force so far in the history (sessions whose gate closed before now pay it).
    function _setWallet(PodId podId, address wallet) private {
        WalletEntry storage current = _wallets[podId];
        if (current.wallet != address(0) || current.since != 0) _walletHistory[podId].push(current);
        (current.wallet, current.since) = (wallet, uint64(block.timestamp));
    }
}

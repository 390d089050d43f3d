// SPDX-License-Identifier: Apache-2.0
// The remuneration rule: how an award's delivery turns into the customer's reward and penalty, and the floor every
// scheme's parameters must respect.
pragma solidity ^0.8.24;

import {IRemunerationScheme} from "../interfaces/IRemunerationScheme.sol";

/// @title Remuneration
/// @notice Pure rule behind every scheme (see IRemunerationScheme for the formula), so the Settlement applies it
/// without a call per award and tests can check it alone.
library Remuneration {
    /// @dev Basis points: 1e4 = 100 %.
    uint256 internal constant BPS = 10_000;
    /// @dev Widest tolerance band a scheme may choose: the seeds' ±30 % (ARERA 300/2017).
    uint16 internal constant MAX_TOLERANCE_BPS = 3_000;
    /// @dev Smallest penalty a scheme may set outside its band: a scheme cannot waive penalties.
    uint16 internal constant MIN_PENALTY_BPS = 1_000;
    /// @dev Smallest customer share: the penalty reaches the customer's wallet through this share too, so a zero
    /// share would waive it.
    uint16 internal constant MIN_REWARD_SHARE_BPS = 1_000;

    /// @notice Whether parameters respect the floor; when not, the offending value and the bound it broke.
    function checkParameters(
        IRemunerationScheme.Parameters memory p
    ) internal pure returns (bool valid, uint256 value, uint256 bound) {
        if (p.toleranceBps > MAX_TOLERANCE_BPS) return (false, p.toleranceBps, MAX_TOLERANCE_BPS);
        if (p.rewardShareBps > BPS) return (false, p.rewardShareBps, BPS);
        if (p.rewardShareBps < MIN_REWARD_SHARE_BPS) return (false, p.rewardShareBps, MIN_REWARD_SHARE_BPS);
        if (p.penaltyBps > BPS) return (false, p.penaltyBps, BPS);
        if (p.penaltyBps < MIN_PENALTY_BPS) return (false, p.penaltyBps, MIN_PENALTY_BPS);
        return (true, 0, 0);
    }

    /// @notice Effectiveness, reward and penalty of one award (the wallet is left zero). `awardedPowerW` != 0.
    function assess(
        IRemunerationScheme.Parameters memory p,
        int256 awardedPowerW,
        int256 deliveredW,
        uint256 paymentMicroEur
    ) internal pure returns (IRemunerationScheme.Assessment memory a) {
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

// SPDX-License-Identifier: Apache-2.0
// The register of Points of Delivery: who aggregates them, where they connect (PoM), what flexibility the DSO
// admits (static traffic light), and their baselines.
pragma solidity 0.8.28;

import {RoleGuarded} from "../access/RoleGuarded.sol";
import {Roles} from "../libraries/Roles.sol";
import {PodId, PomId, VoltageLevel} from "../libraries/Types.sol";
import {DAY_SLOTS} from "../libraries/SlotTime.sol";
import {Baseline} from "../libraries/Baseline.sol";
import {MarketUnits} from "../libraries/MarketUnits.sol";
import {IDayAheadCalendar} from "../interfaces/IDayAheadCalendar.sol";
import {IRemunerationScheme} from "../interfaces/IRemunerationScheme.sol";
import {IRemunerationSchemeFactory} from "../interfaces/IRemunerationSchemeFactory.sol";
import {IPodRegistry, PodData, PodFlexibility, PodStatus, QualificationStatus} from "../interfaces/IPodRegistry.sol";

/// @title PodRegistry
/// @notice Guarantees: one live registration per PoD, changed only by its aggregator; the static traffic light is
/// set only by the DSO and reset to Pending whenever the declared powers change; PoMs are written only by the DSO
/// oracle; a day's baselines are frozen from the earliest gate closure of that day's sessions on. It is the one source
/// of truth for the remuneration scheme a PoD settles through: a scheme of the factory owned by the registration's
/// aggregator, each change recorded with its time so a session settles under the scheme in force at its gate closure.
/// A revoked aggregator can no longer change its PoDs; the calendar and the scheme factory are set once.
contract PodRegistry is RoleGuarded, IPodRegistry {
    /// @dev One registration, laid out so the market's hot read (`flexibility`) is a single slot.
    struct Registration {
        PodId podId;
        Flexibility flexibility;
        address remunerationScheme;
        uint64 schemeSince;
    }

    /// @dev A scheme that was in force from `since` until the next change of its registration.
    struct SchemeChange {
        address scheme;
        uint64 since;
    }

    /// @dev 30 bytes: aggregator 20, status 1, qualification 1, limits 4 + 4.
    struct Flexibility {
        address aggregator;
        PodStatus status;
        QualificationStatus qualification;
        uint32 qualifiedUpKw;
        uint32 qualifiedDownKw;
    }

    /// @dev Per PoD, one slot (23 bytes): its current registration and the powers declared for it. Keeping the
    /// declared powers here rather than in each registration saves a registration one fresh slot; those of past
    /// registrations are in their PodRegistered and PodUpdated events. Flat, because a nested struct would start a
    /// slot of its own.
    struct PodRecord {
        uint32 currentIndex;
        VoltageLevel voltageLevel;
        uint32 contractualPowerWithdrawnKw;
        uint32 contractualPowerInjectedKw;
        uint16 cosPhiMilli;
        uint32 maxUpKw;
        uint32 maxDownKw;
    }

    mapping(uint32 index => Registration) private _registrations;
    mapping(PodId podId => PodRecord) private _pods;
    mapping(PodId podId => PomId pom) private _poms;
    mapping(PodId podId => mapping(uint32 day => bytes32 baselineHash)) private _baselines;
    mapping(uint32 day => uint64 gateClosureTime) private _dayAheadGateClosures;
    mapping(uint32 index => SchemeChange[] history) private _schemeHistory;
    uint32 private _registrationCount;
    IDayAheadCalendar private _calendar;
    IRemunerationSchemeFactory private _schemeFactory;

    /// @param roleRegistry_ The platform's RoleRegistry.
    constructor(address roleRegistry_) RoleGuarded(roleRegistry_) {}

    /// @inheritdoc IPodRegistry
    function registerPod(
        PodId podId,
        PodData calldata data
    ) external onlyRole(Roles.AGGREGATOR) returns (uint32 index) {
        if (PodId.unwrap(podId) == bytes32(0)) revert PodRegistryZeroPodId();
        Flexibility storage current = _registrations[_pods[podId].currentIndex].flexibility;
        if (current.status == PodStatus.Registered) revert PodRegistryPodAlreadyRegistered(podId, current.aggregator);
        _checkData(podId, data);
        index = ++_registrationCount;
        Registration storage r = _registrations[index];
        r.podId = podId;
        r.flexibility = Flexibility(msg.sender, PodStatus.Registered, QualificationStatus.Pending, 0, 0);
        _pods[podId] = _record(index, data);
        emit PodRegistered(podId, msg.sender, index, data);
        if (data.remunerationScheme != address(0)) {
            _checkScheme(podId, data.remunerationScheme, msg.sender);
            // PodRegistered's data carries the scheme: no second event (it would cost the registration its goal).
            (r.remunerationScheme, r.schemeSince) = (data.remunerationScheme, uint64(block.timestamp));
        }
    }

    /// @inheritdoc IPodRegistry
    function updatePod(PodId podId, PodData calldata data) external onlyRole(Roles.AGGREGATOR) {
        Registration storage r = _liveRegistration(podId);
        if (r.flexibility.aggregator != msg.sender) {
            revert PodRegistryNotPodAggregator(podId, msg.sender, r.flexibility.aggregator);
        }
        _checkData(podId, data);
        PodRecord storage record = _pods[podId];
        PodRecord memory updated = _record(record.currentIndex, data);
        bool requalificationNeeded = keccak256(abi.encode(updated)) != keccak256(abi.encode(record));
        _pods[podId] = updated;
        emit PodUpdated(podId, msg.sender, data, requalificationNeeded);
        if (data.remunerationScheme != r.remunerationScheme) {
            if (data.remunerationScheme != address(0)) _checkScheme(podId, data.remunerationScheme, msg.sender);
            _changeScheme(podId, record.currentIndex, r, data.remunerationScheme);
        }
        if (requalificationNeeded) _setQualification(podId, r, QualificationStatus.Pending, 0, 0);
    }

    /// @inheritdoc IPodRegistry
    function deregisterPod(PodId podId) external {
        Registration storage r = _liveRegistration(podId);
        address aggregator = r.flexibility.aggregator;
        bool byAggregator = aggregator == msg.sender && _hasRole(Roles.AGGREGATOR, msg.sender);
        if (!byAggregator && !_hasRole(Roles.DSO, msg.sender)) {
            revert PodRegistryNotPodAggregator(podId, msg.sender, aggregator);
        }
        r.flexibility.status = PodStatus.Deregistered;
        emit PodDeregistered(podId, aggregator, msg.sender);
    }

    /// @inheritdoc IPodRegistry
    function mapPodsToPoms(PodId[] calldata podIds, PomId[] calldata poms) external onlyRole(Roles.DSO_ORACLE) {
        if (podIds.length != poms.length) revert PodRegistryLengthMismatch(podIds.length, poms.length);
        for (uint256 i = 0; i < podIds.length; ++i) {
            _poms[podIds[i]] = poms[i];
            emit PodMappedToPom(podIds[i], poms[i]);
        }
    }

    /// @inheritdoc IPodRegistry
    function confirmQualification(PodId podId) external onlyRole(Roles.DSO) {
        Registration storage r = _liveRegistration(podId);
        PodRecord storage t = _pods[podId];
        _setQualification(podId, r, QualificationStatus.Confirmed, t.maxUpKw, t.maxDownKw);
    }

    /// @inheritdoc IPodRegistry
    function modulateQualification(PodId podId, uint32 upKw, uint32 downKw) external onlyRole(Roles.DSO) {
        Registration storage r = _liveRegistration(podId);
        PodRecord storage t = _pods[podId];
        if (upKw > t.maxUpKw || downKw > t.maxDownKw) {
            revert PodRegistryModulationAboveDeclared(podId, upKw, downKw, t.maxUpKw, t.maxDownKw);
        }
        _setQualification(podId, r, QualificationStatus.Modulated, upKw, downKw);
    }

    /// @inheritdoc IPodRegistry
    function invalidateQualification(PodId podId) external onlyRole(Roles.DSO) {
        _setQualification(podId, _liveRegistration(podId), QualificationStatus.Invalidated, 0, 0);
    }

    /// @inheritdoc IPodRegistry
    /// @dev No role re-check here (it would cost the baseline its gas goal): a revoked aggregator's baseline leads
    /// nowhere, since its offers, awards and scheme bindings are refused.
    function submitBaseline(PodId podId, uint32 day, int32[DAY_SLOTS] calldata valuesKw) external {
        Registration storage r = _liveRegistration(podId);
        if (r.flexibility.aggregator != msg.sender) {
            revert PodRegistryNotPodAggregator(podId, msg.sender, r.flexibility.aggregator);
        }
        uint64 gateClosureTime = _dayAheadGateClosures[day];
        if (gateClosureTime != 0 && block.timestamp >= gateClosureTime) {
            revert PodRegistryBaselineFrozen(podId, day, gateClosureTime);
        }
        bytes32 baselineHash = Baseline.hash(valuesKw);
        _baselines[podId][day] = baselineHash;
        emit BaselineSubmitted(podId, day, msg.sender, baselineHash, valuesKw);
    }

    /// @inheritdoc IPodRegistry
    function recordDayAheadGateClosure(uint32 day, uint64 gateClosureTime) external {
        if (msg.sender != address(_calendar)) revert PodRegistryNotCalendar(msg.sender, address(_calendar));
        // The earliest gate closure of any session of the day freezes its baselines (day-ahead or real-time).
        uint64 recorded = _dayAheadGateClosures[day];
        if (recorded != 0 && recorded <= gateClosureTime) return;
        _dayAheadGateClosures[day] = gateClosureTime;
        emit DayAheadGateClosureRecorded(day, gateClosureTime);
    }

    /// @inheritdoc IPodRegistry
    function setCalendar(IDayAheadCalendar calendar_) external onlyRole(Roles.ADMIN) {
        _requireNonZero(address(calendar_));
        if (address(_calendar) != address(0)) revert PodRegistryCalendarAlreadySet(address(_calendar));
        _calendar = calendar_;
        emit CalendarSet(address(calendar_));
    }

    /// @inheritdoc IPodRegistry
    function setSchemeFactory(IRemunerationSchemeFactory factory) external onlyRole(Roles.ADMIN) {
        _requireNonZero(address(factory));
        if (address(_schemeFactory) != address(0)) revert PodRegistrySchemeFactoryAlreadySet(address(_schemeFactory));
        _schemeFactory = factory;
        emit SchemeFactorySet(address(factory));
    }

    /// @inheritdoc IPodRegistry
    function bindRemunerationScheme(PodId podId) external {
        Registration storage r = _liveRegistration(podId);
        address aggregator = r.flexibility.aggregator;
        _checkScheme(podId, msg.sender, aggregator);
        _checkRole(Roles.AGGREGATOR, aggregator);
        if (r.remunerationScheme != msg.sender) _changeScheme(podId, _pods[podId].currentIndex, r, msg.sender);
    }

    /// @inheritdoc IPodRegistry
    function unbindRemunerationScheme(PodId podId) external {
        Registration storage r = _liveRegistration(podId);
        if (r.remunerationScheme != msg.sender) {
            revert PodRegistryNotCurrentScheme(podId, msg.sender, r.remunerationScheme);
        }
        _changeScheme(podId, _pods[podId].currentIndex, r, address(0));
    }

    /// @inheritdoc IPodRegistry
    function remunerationSchemeAt(uint32 index, uint64 asOf) external view returns (address) {
        Registration storage r = _registrations[index];
        if (r.schemeSince < asOf) return r.remunerationScheme;
        SchemeChange[] storage history = _schemeHistory[index];
        for (uint256 i = history.length; i > 0; --i) {
            SchemeChange storage c = history[i - 1];
            if (c.since < asOf) return c.scheme;
        }
        return address(0);
    }

    /// @inheritdoc IPodRegistry
    function schemeFactory() external view returns (IRemunerationSchemeFactory) {
        return _schemeFactory;
    }

    /// @inheritdoc IPodRegistry
    function flexibilityOf(PodId podId) external view returns (PodFlexibility memory) {
        uint32 index = _pods[podId].currentIndex;
        return _flexibilityRecord(podId, index, _registrations[index].flexibility);
    }

    /// @inheritdoc IPodRegistry
    function flexibilityAt(uint32 index) external view returns (PodFlexibility memory) {
        if (index == 0 || index > _registrationCount) revert PodRegistryUnknownIndex(index);
        Registration storage r = _registrations[index];
        return _flexibilityRecord(r.podId, index, r.flexibility);
    }

    /// @inheritdoc IPodRegistry
    function podData(PodId podId) external view returns (PodData memory) {
        PodRecord memory t = _pods[podId];
        Registration storage r = _registrations[t.currentIndex];
        return
            PodData(
                t.voltageLevel,
                t.contractualPowerWithdrawnKw,
                t.contractualPowerInjectedKw,
                t.cosPhiMilli,
                t.maxUpKw,
                t.maxDownKw,
                r.remunerationScheme
            );
    }

    /// @inheritdoc IPodRegistry
    function pomOf(PodId podId) external view returns (PomId) {
        return _poms[podId];
    }

    /// @inheritdoc IPodRegistry
    function baselineHashOf(PodId podId, uint32 day) external view returns (bytes32) {
        return _baselines[podId][day];
    }

    /// @inheritdoc IPodRegistry
    function registrationCount() external view returns (uint32) {
        return _registrationCount;
    }

    /// @inheritdoc IPodRegistry
    function calendar() external view returns (IDayAheadCalendar) {
        return _calendar;
    }

    /// @inheritdoc IPodRegistry
    function dayAheadGateClosureOf(uint32 day) external view returns (uint64) {
        return _dayAheadGateClosures[day];
    }

    /// @dev The live registration of a PoD, or revert.
    function _liveRegistration(PodId podId) private view returns (Registration storage r) {
        r = _registrations[_pods[podId].currentIndex];
        if (r.flexibility.status != PodStatus.Registered) revert PodRegistryPodNotRegistered(podId);
    }

    /// @dev A scheme must be one of the factory's, owned by the registration's aggregator.
    function _checkScheme(PodId podId, address scheme, address aggregator) private view {
        IRemunerationSchemeFactory factory = _schemeFactory;
        if (
            address(factory) == address(0) ||
            !factory.isScheme(scheme) ||
            IRemunerationScheme(scheme).aggregator() != aggregator
        ) revert PodRegistryInvalidScheme(podId, scheme, aggregator);
    }

    /// @dev Keeps the scheme in force so far in the history: sessions whose gate closed before now settle under it.
    function _changeScheme(PodId podId, uint32 index, Registration storage r, address scheme) private {
        _schemeHistory[index].push(SchemeChange(r.remunerationScheme, r.schemeSince));
        (r.remunerationScheme, r.schemeSince) = (scheme, uint64(block.timestamp));
        emit RemunerationSchemeChanged(podId, index, scheme);
    }

    function _setQualification(
        PodId podId,
        Registration storage r,
        QualificationStatus qualification,
        uint32 upKw,
        uint32 downKw
    ) private {
        Flexibility storage f = r.flexibility;
        (f.qualification, f.qualifiedUpKw, f.qualifiedDownKw) = (qualification, upKw, downKw);
        emit PodQualificationChanged(podId, qualification, upKw, downKw);
    }

    /// @dev A flexibility can be at most the whole contractual range, from full injection to full withdrawal.
    function _checkData(PodId podId, PodData calldata data) private pure {
        if (data.cosPhiMilli == 0 || data.cosPhiMilli > MarketUnits.COS_PHI_SCALE) {
            revert PodRegistryInvalidCosPhi(podId, data.cosPhiMilli);
        }
        uint256 rangeKw = uint256(data.contractualPowerWithdrawnKw) + data.contractualPowerInjectedKw;
        if (data.maxUpKw > rangeKw) revert PodRegistryFlexibilityAboveContract(podId, data.maxUpKw, rangeKw);
        if (data.maxDownKw > rangeKw) revert PodRegistryFlexibilityAboveContract(podId, data.maxDownKw, rangeKw);
    }

    function _record(uint32 currentIndex, PodData calldata data) private pure returns (PodRecord memory) {
        return
            PodRecord(
                currentIndex,
                data.voltageLevel,
                data.contractualPowerWithdrawnKw,
                data.contractualPowerInjectedKw,
                data.cosPhiMilli,
                data.maxUpKw,
                data.maxDownKw
            );
    }

    function _flexibilityRecord(
        PodId podId,
        uint32 index,
        Flexibility memory f
    ) private pure returns (PodFlexibility memory) {
        return
            PodFlexibility(podId, index, f.aggregator, f.status, f.qualification, f.qualifiedUpKw, f.qualifiedDownKw);
    }
}

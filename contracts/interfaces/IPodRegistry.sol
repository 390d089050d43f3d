// SPDX-License-Identifier: Apache-2.0
// Interface of the PodRegistry: PoDs, their PoM, prequalification (static traffic light) and baselines.
pragma solidity ^0.8.24;

import {PodId, PomId, VoltageLevel} from "../libraries/Types.sol";
import {DAY_SLOTS} from "../libraries/SlotTime.sol";
import {IDayAheadCalendar} from "./IDayAheadCalendar.sol";
import {IRemunerationSchemeFactory} from "./IRemunerationSchemeFactory.sol";

/// @notice Life cycle of a PoD registration.
enum PodStatus {
    None,
    Registered,
    Deregistered
}

/// @notice The DSO's static traffic light. Pending until the DSO rules; offers need Confirmed or Modulated.
enum QualificationStatus {
    Pending,
    Confirmed,
    Modulated,
    Invalidated
}

/// @notice What an aggregator declares for a PoD (register and update).
/// @param voltageLevel Connection voltage level.
/// @param contractualPowerWithdrawnKw Contractual power the PoD may withdraw (kW).
/// @param contractualPowerInjectedKw Contractual power the PoD may inject (kW).
/// @param cosPhiMilli Power factor × 1000 (MarketUnits.COS_PHI_SCALE), 1..1000.
/// @param maxUpKw Declared upward flexibility (more consumption), kW.
/// @param maxDownKw Declared downward flexibility (less consumption), kW.
/// @param remunerationScheme The aggregator's remuneration scheme contract for this PoD (0 = none yet).
struct PodData {
    VoltageLevel voltageLevel;
    uint32 contractualPowerWithdrawnKw;
    uint32 contractualPowerInjectedKw;
    uint16 cosPhiMilli;
    uint32 maxUpKw;
    uint32 maxDownKw;
    address remunerationScheme;
}

/// @notice The part of a registration the market reads for every offer and award (one storage slot).
/// @param podId The PoD.
/// @param index The registration index (a re-registered PoD gets a new one; old offers keep the old one).
/// @param aggregator The aggregator of this registration.
/// @param status Registration status.
/// @param qualification Static traffic light.
/// @param qualifiedUpKw Upward flexibility the DSO admits (0 unless Confirmed or Modulated).
/// @param qualifiedDownKw Downward flexibility the DSO admits (0 unless Confirmed or Modulated).
struct PodFlexibility {
    PodId podId;
    uint32 index;
    address aggregator;
    PodStatus status;
    QualificationStatus qualification;
    uint32 qualifiedUpKw;
    uint32 qualifiedDownKw;
}

/// @title IPodRegistry
/// @notice Guarantees: a PoD has at most one live registration, owned by the aggregator that registered it; only the
/// DSO sets its static traffic light and only the DSO oracle its PoM; a baseline for day D can change only until the
/// gate closure of D's day-ahead session.
interface IPodRegistry {
    /// @notice The PoD id is zero.
    error PodRegistryZeroPodId();
    /// @notice The PoD already has a live registration.
    error PodRegistryPodAlreadyRegistered(PodId podId, address aggregator);
    /// @notice The PoD has no live registration.
    error PodRegistryPodNotRegistered(PodId podId);
    /// @notice `account` is not the aggregator of the PoD (nor, where allowed, the DSO).
    error PodRegistryNotPodAggregator(PodId podId, address account, address aggregator);
    /// @notice cos φ × 1000 must be in 1..1000.
    error PodRegistryInvalidCosPhi(PodId podId, uint16 cosPhiMilli);
    /// @notice A declared flexibility exceeds what the contract allows (withdrawn + injected) or the storage bound.
    error PodRegistryFlexibilityAboveContract(PodId podId, uint32 flexibilityKw, uint256 limitKw);
    /// @notice A modulation asks for more than the PoD declared.
    error PodRegistryModulationAboveDeclared(PodId podId, uint32 upKw, uint32 downKw, uint32 maxUpKw, uint32 maxDownKw);
    /// @notice Only the calendar (the FlexMarket set by the admin) records day-ahead gate closures.
    error PodRegistryNotCalendar(address account, address calendar);
    /// @notice The day-ahead gate of `day` has closed: its baselines are final.
    error PodRegistryBaselineFrozen(PodId podId, uint32 day, uint64 gateClosureTime);
    /// @notice Two parallel arrays differ in length.
    error PodRegistryLengthMismatch(uint256 podCount, uint256 pomCount);
    /// @notice The registration index does not exist.
    error PodRegistryUnknownIndex(uint32 index);
    /// @notice The calendar is set once and for all (it decides when baselines freeze).
    error PodRegistryCalendarAlreadySet(address calendar);
    /// @notice The remuneration-scheme factory is set once and for all.
    error PodRegistrySchemeFactoryAlreadySet(address factory);
    /// @notice `scheme` is not a scheme of the factory owned by the PoD's aggregator `aggregator`.
    error PodRegistryInvalidScheme(PodId podId, address scheme, address aggregator);
    /// @notice Only the scheme the PoD settles through may release it.
    error PodRegistryNotCurrentScheme(PodId podId, address caller, address scheme);

    /// @notice A PoD was registered (or registered again after deregistration) by `aggregator`.
    event PodRegistered(PodId indexed podId, address indexed aggregator, uint32 index, PodData data);
    /// @notice The aggregator changed a PoD's data; `requalificationNeeded` when its static traffic light was reset.
    event PodUpdated(PodId indexed podId, address indexed aggregator, PodData data, bool requalificationNeeded);
    /// @notice A PoD's registration ended.
    event PodDeregistered(PodId indexed podId, address indexed aggregator, address by);
    /// @notice The DSO oracle mapped a PoD to its PoM (primary substation).
    event PodMappedToPom(PodId indexed podId, PomId indexed pom);
    /// @notice The static traffic light of a PoD changed (Pending on data change, then the DSO's ruling).
    event PodQualificationChanged(
        PodId indexed podId,
        QualificationStatus indexed qualification,
        uint32 qualifiedUpKw,
        uint32 qualifiedDownKw
    );
    /// @notice A baseline was committed for (PoD, day); the 96 values ride here, the hash is stored.
    event BaselineSubmitted(
        PodId indexed podId,
        uint32 indexed day,
        address indexed aggregator,
        bytes32 baselineHash,
        int32[DAY_SLOTS] valuesKw
    );
    /// @notice The calendar recorded the gate closure of `day`'s day-ahead session: baselines freeze then.
    event DayAheadGateClosureRecorded(uint32 indexed day, uint64 gateClosureTime);
    /// @notice The admin set the market whose day-ahead gate closure freezes baselines.
    event CalendarSet(address calendar);
    /// @notice The admin set the factory whose schemes PoDs may settle through.
    event SchemeFactorySet(address factory);
    /// @notice Registration `index` of a PoD settles through `scheme` (zero: none) for sessions whose gate closes
    /// after this block; earlier sessions keep the scheme in force at their gate closure. (A scheme given at
    /// registration rides in PodRegistered's data instead.)
    event RemunerationSchemeChanged(PodId indexed podId, uint32 indexed index, address indexed scheme);

    /// @notice Registers a PoD for the calling aggregator; its static traffic light starts Pending.
    /// @param podId The PoD (`encodeBytes32String` of its code).
    /// @param data The declared data.
    /// @return index The new registration index.
    function registerPod(PodId podId, PodData calldata data) external returns (uint32 index);

    /// @notice Changes a PoD's data (its aggregator, holding AGGREGATOR). Changing any power or cos φ resets the
    /// static traffic light to Pending; a new remuneration scheme applies to sessions whose gate closes from now on.
    /// @param podId The PoD (caller must be its aggregator).
    /// @param data The new data.
    function updatePod(PodId podId, PodData calldata data) external;

    /// @notice Ends a PoD's registration (by its aggregator or the DSO). Its offers can no longer be awarded.
    /// @param podId The PoD.
    function deregisterPod(PodId podId) external;

    /// @notice Writes the PoM of each PoD (DSO oracle, from its network model).
    /// @param podIds The PoDs (need not be registered: the network model knows every PoD).
    /// @param poms The PoM of each, same length.
    function mapPodsToPoms(PodId[] calldata podIds, PomId[] calldata poms) external;

    /// @notice Static traffic light green: admits the declared flexibility (DSO).
    /// @param podId A registered PoD.
    function confirmQualification(PodId podId) external;

    /// @notice Static traffic light yellow: admits at most the given flexibility (DSO).
    /// @param podId A registered PoD.
    /// @param upKw Admitted upward flexibility, at most the declared maxUpKw.
    /// @param downKw Admitted downward flexibility, at most the declared maxDownKw.
    function modulateQualification(PodId podId, uint32 upKw, uint32 downKw) external;

    /// @notice Static traffic light red: the PoD's flexible power is not admitted (DSO).
    /// @param podId A registered PoD.
    function invalidateQualification(PodId podId) external;

    /// @notice Commits the baseline of a PoD for a market day (its aggregator), until the earliest gate closure of
    /// that day's sessions.
    /// @param podId A registered PoD.
    /// @param day The market day (local date as days since 1970-01-01).
    /// @param valuesKw The 96 slot powers, kW, load convention (positive = consumption).
    function submitBaseline(PodId podId, uint32 day, int32[DAY_SLOTS] calldata valuesKw) external;

    /// @notice Records the gate closure of a day's day-ahead session (the calendar, when it creates the session);
    /// the registry keeps it so a baseline costs one storage read instead of a call to the market.
    /// @param day The market day.
    /// @param gateClosureTime The session's gate closure (UTC seconds).
    function recordDayAheadGateClosure(uint32 day, uint64 gateClosureTime) external;

    /// @notice Sets the market allowed to record gate closures (admin, once: a calendar swapped later could rewrite
    /// when baselines freeze). Set it before the market creates sessions: creating one records its gate closure here.
    /// @param calendar The FlexMarket.
    function setCalendar(IDayAheadCalendar calendar) external;

    /// @notice Sets the remuneration-scheme factory whose schemes PoDs may settle through (admin, once).
    /// @param factory The factory.
    function setSchemeFactory(IRemunerationSchemeFactory factory) external;

    /// @notice Makes the calling scheme the one a PoD settles through, for sessions whose gate closes from now on
    /// (called by a scheme of the factory when the PoD's own aggregator, still holding AGGREGATOR, enrols it).
    /// @param podId A registered PoD whose aggregator owns the calling scheme.
    function bindRemunerationScheme(PodId podId) external;

    /// @notice Releases a PoD from the calling scheme (the scheme it settles through), for sessions from now on.
    /// @param podId The PoD.
    function unbindRemunerationScheme(PodId podId) external;

    /// @notice The scheme registration `index` settled through for a session whose gate closed at `asOf`: the last
    /// one set strictly before `asOf` (zero if none).
    /// @param index The registration index.
    /// @param asOf The session's gate closure (UTC seconds).
    /// @return The scheme.
    function remunerationSchemeAt(uint32 index, uint64 asOf) external view returns (address);

    /// @notice The remuneration-scheme factory (zero until set).
    /// @return The factory.
    function schemeFactory() external view returns (IRemunerationSchemeFactory);

    /// @notice The flexibility record of a PoD's current registration (zero record if never registered).
    /// @param podId The PoD.
    /// @return The record.
    function flexibilityOf(PodId podId) external view returns (PodFlexibility memory);

    /// @notice The flexibility record of a registration by index (also past registrations).
    /// @param index A registration index (1..registrationCount()).
    /// @return The record.
    function flexibilityAt(uint32 index) external view returns (PodFlexibility memory);

    /// @notice The declared data of a PoD's current registration.
    /// @param podId The PoD.
    /// @return The data.
    function podData(PodId podId) external view returns (PodData memory);

    /// @notice The PoM a PoD is mapped to (zero if not mapped).
    /// @param podId The PoD.
    /// @return The PoM.
    function pomOf(PodId podId) external view returns (PomId);

    /// @notice The committed baseline hash of a PoD for a day (zero if none).
    /// @param podId The PoD.
    /// @param day The market day.
    /// @return keccak256(abi.encode(int32[96] valuesKw)).
    function baselineHashOf(PodId podId, uint32 day) external view returns (bytes32);

    /// @notice Number of registrations so far (indices 1..count).
    /// @return The count.
    function registrationCount() external view returns (uint32);

    /// @notice The market that records day-ahead gate closures.
    /// @return The calendar (zero until set).
    function calendar() external view returns (IDayAheadCalendar);

    /// @notice The earliest recorded gate closure of a day's sessions (0 = no session yet: baselines stay open).
    /// @param day The market day.
    /// @return UTC seconds.
    function dayAheadGateClosureOf(uint32 day) external view returns (uint64);
}

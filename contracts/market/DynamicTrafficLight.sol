// SPDX-License-Identifier: Apache-2.0
// The DSO's dynamic traffic light: colour and capability per perimeter and delivery slot, fixed at gate closure.
pragma solidity 0.8.28;

import {RoleGuarded} from "../access/RoleGuarded.sol";
import {Roles} from "../libraries/Roles.sol";
import {Direction, PodId, PerimeterId, SessionId, SessionKind, TrafficLightColour} from "../libraries/Types.sol";
import {PodSet} from "../libraries/PodSet.sol";
import {SlotTime} from "../libraries/SlotTime.sol";
import {IFlexMarket, SessionView, SessionStatus} from "../interfaces/IFlexMarket.sol";
import {IDynamicTrafficLight, TrafficLightInput, TrafficLight} from "../interfaces/IDynamicTrafficLight.sol";

/// @title DynamicTrafficLight
/// @notice See IDynamicTrafficLight for the guarantees. Two lights share a storage word, so a perimeter-slot costs
/// about half a fresh slot; a light published by a day-ahead session is final for its slot (a real-time session
/// cannot overwrite it); the market asks `tsoCapabilityKw` for every TSO award.
contract DynamicTrafficLight is RoleGuarded, IDynamicTrafficLight {
    struct Perimeter {
        bytes32 podSetHash;
        uint32 version;
    }

    /// @dev The perimeter a PoD belongs to, valid while `version` is the perimeter's current one.
    struct Membership {
        PerimeterId perimeterId;
        uint32 version;
    }

    /// @dev A light in 128 bits: capabilityUp 32 | capabilityDown 32 | sessionId 32 | version 16 | colour 8 |
    /// flags 8 (bit 0 published, bit 1 published by a day-ahead session).
    uint256 private constant LIGHT_BITS = 128;
    uint256 private constant LIGHT_MASK = (uint256(1) << LIGHT_BITS) - 1;
    uint256 private constant FLAG_PUBLISHED = 1;
    uint256 private constant FLAG_DAY_AHEAD = 2;

    IFlexMarket private immutable _market;
    mapping(PerimeterId perimeterId => Perimeter) private _perimeters;
    mapping(PodId podId => Membership) private _memberships;
    mapping(PerimeterId perimeterId => mapping(uint32 day => mapping(uint256 word => uint256 twoLights)))
        private _lights;

    /// @param roleRegistry_ The platform's RoleRegistry.
    /// @param market_ The FlexMarket.
    constructor(address roleRegistry_, IFlexMarket market_) RoleGuarded(roleRegistry_) {
        _requireNonZero(address(market_));
        _market = market_;
    }

    /// @inheritdoc IDynamicTrafficLight
    function definePerimeter(PerimeterId perimeterId, PodId[] calldata podIds) external onlyRole(Roles.DSO) {
        if (podIds.length == 0) revert DynamicTrafficLightEmptyPerimeter(perimeterId);
        Perimeter storage p = _perimeters[perimeterId];
        bytes32 podSetHash = PodSet.hash(podIds);
        uint32 version = p.version + 1;
        if (version > type(uint16).max) revert DynamicTrafficLightTooManyVersions(perimeterId);
        (p.podSetHash, p.version) = (podSetHash, version);
        for (uint256 i = 0; i < podIds.length; ++i) _memberships[podIds[i]] = Membership(perimeterId, version);
        emit PerimeterDefined(perimeterId, version, podSetHash, podIds);
    }

    /// @inheritdoc IDynamicTrafficLight
    function publishTrafficLights(
        SessionId sessionId,
        PerimeterId perimeterId,
        TrafficLightInput[] calldata lights
    ) external onlyRole(Roles.DSO_ORACLE) {
        uint32 version = _perimeters[perimeterId].version;
        if (version == 0) revert DynamicTrafficLightUnknownPerimeter(perimeterId);
        SessionView memory s = _market.session(sessionId);
        if (s.status != SessionStatus.Scheduled && s.status != SessionStatus.Open) {
            revert DynamicTrafficLightGateClosed(sessionId, s.gateClosureTime);
        }
        mapping(uint256 word => uint256 twoLights) storage words = _lights[perimeterId][s.day];
        uint256 flags = FLAG_PUBLISHED | (s.kind == SessionKind.DayAhead ? FLAG_DAY_AHEAD : 0);
        for (uint256 i = 0; i < lights.length; ++i) {
            _publish(words, s, perimeterId, version, flags, lights[i]);
        }
    }

    /// @inheritdoc IDynamicTrafficLight
    function trafficLight(
        PerimeterId perimeterId,
        uint32 day,
        uint8 slotIndex
    ) external view returns (TrafficLight memory light) {
        uint256 packed = _read(_lights[perimeterId][day], slotIndex);
        light.capabilityUpKw = uint32(packed >> 96);
        light.capabilityDownKw = uint32(packed >> 64);
        light.sessionId = SessionId.wrap(uint32(packed >> 32));
        light.perimeterVersion = uint16(packed >> 16);
        light.colour = TrafficLightColour(uint8(packed >> 8));
        light.published = packed & FLAG_PUBLISHED != 0;
    }

    /// @inheritdoc IDynamicTrafficLight
    function tsoCapabilityKw(
        PodId podId,
        uint32 day,
        uint8 slotIndex,
        Direction direction
    ) external view returns (uint32) {
        Membership memory m = _memberships[podId];
        if (m.version == 0 || m.version != _perimeters[m.perimeterId].version) return type(uint32).max;
        uint256 packed = _read(_lights[m.perimeterId][day], slotIndex);
        if (packed & FLAG_PUBLISHED == 0) return type(uint32).max;
        return direction == Direction.Up ? uint32(packed >> 96) : uint32(packed >> 64);
    }

    /// @inheritdoc IDynamicTrafficLight
    function perimeterOf(PodId podId) external view returns (PerimeterId) {
        Membership memory m = _memberships[podId];
        return
            m.version != 0 && m.version == _perimeters[m.perimeterId].version
                ? m.perimeterId
                : PerimeterId.wrap(bytes32(0));
    }

    /// @inheritdoc IDynamicTrafficLight
    function perimeter(PerimeterId perimeterId) external view returns (bytes32 podSetHash, uint32 version) {
        Perimeter storage p = _perimeters[perimeterId];
        return (p.podSetHash, p.version);
    }

    /// @inheritdoc IDynamicTrafficLight
    function market() external view returns (IFlexMarket) {
        return _market;
    }

    function _publish(
        mapping(uint256 word => uint256 twoLights) storage words,
        SessionView memory s,
        PerimeterId perimeterId,
        uint32 version,
        uint256 flags,
        TrafficLightInput calldata light
    ) private {
        uint8 slotIndex = light.slotIndex;
        if (!SlotTime.contains(s.firstSlot, s.slotCount, slotIndex)) {
            revert DynamicTrafficLightSlotOutsideSession(s.sessionId, slotIndex);
        }
        uint256 word = words[slotIndex >> 1];
        uint256 shift = (slotIndex & 1) * LIGHT_BITS;
        uint256 existing = (word >> shift) & LIGHT_MASK;
        // A day-ahead light is what the TSO's real-time requests were planned against: it stays.
        if (existing & FLAG_DAY_AHEAD != 0 && flags & FLAG_DAY_AHEAD == 0) {
            revert DynamicTrafficLightDayAheadFixed(perimeterId, s.day, slotIndex);
        }
        uint256 packed =
            (uint256(light.capabilityUpKw) << 96) |
                (uint256(light.capabilityDownKw) << 64) |
                (uint256(uint32(SessionId.unwrap(s.sessionId))) << 32) |
                (uint256(version) << 16) |
                (uint256(uint8(light.colour)) << 8) |
                flags;
        words[slotIndex >> 1] = (word & ~(LIGHT_MASK << shift)) | (packed << shift);
        emit TrafficLightPublished(
            perimeterId,
            s.day,
            slotIndex,
            s.sessionId,
            light.colour,
            light.capabilityUpKw,
            light.capabilityDownKw,
            version
        );
    }

    function _read(
        mapping(uint256 word => uint256 twoLights) storage words,
        uint8 slotIndex
    ) private view returns (uint256) {
        return (words[slotIndex >> 1] >> ((slotIndex & 1) * LIGHT_BITS)) & LIGHT_MASK;
    }
}

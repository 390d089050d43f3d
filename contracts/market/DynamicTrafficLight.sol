// SPDX-License-Identifier: Apache-2.0
// The DSO's dynamic traffic light: colour and capability per perimeter and delivery slot, fixed at gate closure.
pragma solidity 0.8.28;

import {RoleGuarded} from "../access/RoleGuarded.sol";
import {Roles} from "../libraries/Roles.sol";
import {PodId, PerimeterId, SessionId} from "../libraries/Types.sol";
import {PodSet} from "../libraries/PodSet.sol";
import {SlotTime} from "../libraries/SlotTime.sol";
import {IFlexMarket, SessionView, SessionStatus} from "../interfaces/IFlexMarket.sol";
import {IDynamicTrafficLight, TrafficLightInput, TrafficLight} from "../interfaces/IDynamicTrafficLight.sol";

/// @title DynamicTrafficLight
/// @notice See IDynamicTrafficLight for the guarantees.
contract DynamicTrafficLight is RoleGuarded, IDynamicTrafficLight {
    struct Perimeter {
        bytes32 podSetHash;
        uint32 version;
    }

    IFlexMarket private immutable _market;
    mapping(PerimeterId perimeterId => Perimeter) private _perimeters;
    mapping(PerimeterId perimeterId => mapping(uint32 day => mapping(uint8 slotIndex => TrafficLight))) private _lights;

    /// @param roleRegistry_ The platform's RoleRegistry.
    /// @param market_ The FlexMarket.
    constructor(address roleRegistry_, IFlexMarket market_) RoleGuarded(roleRegistry_) {
        _market = market_;
    }

    /// @inheritdoc IDynamicTrafficLight
    function definePerimeter(PerimeterId perimeterId, PodId[] calldata podIds) external onlyRole(Roles.DSO) {
        if (podIds.length == 0) revert DynamicTrafficLightEmptyPerimeter(perimeterId);
        Perimeter storage p = _perimeters[perimeterId];
        bytes32 podSetHash = PodSet.hash(podIds);
        uint32 version = p.version + 1;
        (p.podSetHash, p.version) = (podSetHash, version);
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
        for (uint256 i = 0; i < lights.length; ++i) {
            _publish(s, perimeterId, version, lights[i]);
        }
    }

    /// @inheritdoc IDynamicTrafficLight
    function trafficLight(
        PerimeterId perimeterId,
        uint32 day,
        uint8 slotIndex
    ) external view returns (TrafficLight memory) {
        return _lights[perimeterId][day][slotIndex];
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
        SessionView memory s,
        PerimeterId perimeterId,
        uint32 version,
        TrafficLightInput calldata light
    ) private {
        if (!SlotTime.contains(s.firstSlot, s.slotCount, light.slotIndex)) {
            revert DynamicTrafficLightSlotOutsideSession(s.sessionId, light.slotIndex);
        }
        _lights[perimeterId][s.day][light.slotIndex] = TrafficLight(
            light.colour,
            light.capabilityUpKw,
            light.capabilityDownKw,
            version,
            s.sessionId,
            true
        );
        emit TrafficLightPublished(
            perimeterId,
            s.day,
            light.slotIndex,
            s.sessionId,
            light.colour,
            light.capabilityUpKw,
            light.capabilityDownKw,
            version
        );
    }
}

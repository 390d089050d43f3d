// PoD and PoM ids as the chain keeps them: the protocol's own encoding (right-padded ASCII bytes32).
export { podIdToBytes32 as podIdOf, bytes32ToPodId as podCodeOf } from "../../../protocol/src/ids";

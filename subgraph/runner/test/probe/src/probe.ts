// Probe mapping: touches every host function family so the runner's memory layouts are checked end to end.
import { BigDecimal, BigInt, Bytes, crypto, dataSource, ethereum, json, JSONValueKind, log, store } from "@graphprotocol/graph-ts";
import { Dropped, Probe as ProbeContract, Probed } from "../generated/Probe/Probe";
import { Owner, Probe } from "../generated/schema";

export function handleProbed(event: Probed): void {
  const id = event.params.tag.toHexString();
  // Failure paths the runner must report like graph-node: abort, host errors, critical logs.
  const note = event.params.note;
  if (note == "abort") assert(false, "probe asked to abort");
  if (note == "divzero") event.params.amount.div(BigInt.zero());
  if (note == "critical") log.critical("probe asked for a critical log", []);
  let probe = Probe.load(id);
  if (probe == null) {
    probe = new Probe(id);
    probe.count = 0;
  }
  const amount = event.params.amount;
  const delta = event.params.delta;
  probe.sender = event.params.sender;
  probe.amount = amount;
  probe.delta = delta;
  probe.note = event.params.note;
  probe.blob = event.params.blob;
  probe.flag = event.params.flag;
  probe.values = event.params.values;
  probe.pairA = event.params.pair.a;
  probe.pairB = event.params.pair.b;
  probe.tagText = event.params.tag.toString();
  probe.sum = amount.plus(delta);
  probe.difference = amount.minus(delta);
  probe.product = amount.times(delta);
  probe.quotient = amount.div(BigInt.fromI32(7));
  probe.remainder = amount.mod(BigInt.fromI32(7));
  probe.power = BigInt.fromI32(3).pow(5);
  probe.shifted = amount.leftShift(4).rightShift(2);
  probe.ored = amount.bitOr(BigInt.fromI32(0xf0));
  probe.anded = amount.bitAnd(BigInt.fromI32(0xff));
  probe.amountHex = amount.toHexString();
  probe.amountDecimal = amount.toBigDecimal().times(BigDecimal.fromString("1.5"));
  probe.ratio = BigDecimal.fromString("10").div(BigDecimal.fromString("4")).plus(BigDecimal.fromString("0.25")).minus(BigDecimal.fromString("1"));
  probe.keccak = Bytes.fromByteArray(crypto.keccak256(Bytes.fromUTF8(event.params.note)));
  probe.base58 = event.params.pair.b.toBase58();
  const decoded = ethereum.decode("(uint256,string)", event.params.blob);
  if (decoded != null) {
    const tuple = decoded.toTuple();
    probe.decodedBlob = tuple[0].toBigInt();
  }
  const parsed = json.try_fromBytes(Bytes.fromUTF8(event.params.note));
  probe.noteKind = parsed.isOk ? "json" : "text";
  if (parsed.isOk && parsed.value.kind == JSONValueKind.OBJECT) {
    const object = parsed.value.toObject();
    const n = object.get("n");
    if (n != null && n.kind == JSONValueKind.NUMBER) probe.jsonNumber = n.toBigInt();
    const text = object.get("text");
    if (text != null && text.kind == JSONValueKind.STRING) probe.jsonText = text.toString();
  }
  probe.network = dataSource.network();
  probe.source = dataSource.address();
  probe.blockNumber = event.block.number;
  probe.timestamp = event.block.timestamp;
  probe.txHash = event.transaction.hash;
  probe.logIndex = event.logIndex;
  probe.count = probe.count + 1;
  const total = ProbeContract.bind(event.address).try_total(event.params.sender);
  if (!total.reverted) probe.callResult = total.value;
  probe.owner = event.params.sender;
  probe.save();

  let owner = Owner.load(event.params.sender);
  if (owner == null) {
    owner = new Owner(event.params.sender);
    owner.probeCount = 0;
    owner.totalAmount = BigInt.zero();
  }
  owner.probeCount = owner.probeCount + 1;
  owner.totalAmount = owner.totalAmount.plus(amount);
  owner.save();
  log.info("probe {} from {} amount {}", [id, event.params.sender.toHexString(), amount.toString()]);
}

export function handleDropped(event: Dropped): void {
  const id = event.params.tag.toHexString();
  const probe = Probe.load(id);
  if (probe == null) {
    log.warning("dropping unknown probe {}", [id]);
    return;
  }
  store.remove("Probe", id);
}

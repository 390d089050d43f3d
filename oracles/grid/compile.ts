// Turns a validated network into the solver's index form: closed switches merge buses into electrical nodes,
// branches become per-unit pi models, and each connected subnetwork (one per slack, e.g. one per primary
// substation) gets its sparse Ybus, Jacobian pattern and symbolic LU, computed once and reused by every solve.
import { GridModelError } from "./errors";
import type { Network } from "./model";
import { minimumDegreeOrdering } from "./sparse/ordering";
import { blockSymbolic, type BlockLu, type BlockSymbolic } from "./sparse/blockLu";
import { DisjointSets, validateNetwork } from "./validate";

/** Node types as stored in Subnetwork.type. */
export const NodeType = { PQ: 0, PV: 1, Slack: 2 } as const;

export interface CompiledBranches {
  count: number;
  id: string[];
  kind: ("line" | "transformer")[];
  fromBus: string[];
  toBus: string[];
  fromNode: Int32Array;
  toNode: Int32Array;
  /** Pi-model admittances in system per unit: I_from = yff V_from + yft V_to, I_to = ytf V_from + ytt V_to. */
  yffRe: Float64Array;
  yffIm: Float64Array;
  yftRe: Float64Array;
  yftIm: Float64Array;
  ytfRe: Float64Array;
  ytfIm: Float64Array;
  yttRe: Float64Array;
  yttIm: Float64Array;
  /** Amperes per unit of current at each end (base current of the end's nominal voltage). */
  baseCurrentFromA: Float64Array;
  baseCurrentToA: Float64Array;
  /** Current limits at each end in A; 0 = none. */
  limitFromA: Float64Array;
  limitToA: Float64Array;
  /** Phase shift of the branch in radians (to-end voltage lags the from end by it at no load). */
  shiftRad: Float64Array;
}

export interface Subnetwork {
  /** Named after its slack bus. */
  name: string;
  /** Local index → global node index. */
  nodes: Int32Array;
  type: Uint8Array;
  /** Voltage set point (slack and PV nodes) and slack angle in radians. */
  vSet: Float64Array;
  slackAngleRad: number;
  /** Local Ybus in CSR form, split into conductance and susceptance. */
  yStart: Int32Array;
  yCol: Int32Array;
  g: Float64Array;
  b: Float64Array;
  /**
   * Jacobian layout: every non-slack node is one 2×2 block (rows P, Q; columns θ, |V|) at its position in the
   * fill-reducing order. thetaIndex/vIndex are the scalar unknown indices (2·position, 2·position + 1); vIndex
   * is -1 for PV and slack nodes, whose magnitude is fixed (a PV node's Q row is an identity row).
   */
  thetaIndex: Int32Array;
  vIndex: Int32Array;
  isPv: Uint8Array;
  /** Scalar size of the Newton system (2 per non-slack node). */
  unknowns: number;
  /** Block of each Ybus entry in the block pattern (-1 when the slack is involved). */
  blockPos: Int32Array;
  blockSymbolic: BlockSymbolic;
  /** Factor storage reused across iterations and slots. */
  lu?: BlockLu;
}

export interface CompiledNetwork {
  network: Network;
  baseMva: number;
  busIndex: Map<string, number>;
  /** Bus index → electrical node. */
  busNode: Int32Array;
  nodeCount: number;
  nodeKv: Float64Array;
  /** A representative bus id per node (for messages). */
  nodeName: string[];
  /** Bus shunt admittance per node in pu (already in Ybus; kept to report shunt power). */
  shuntG: Float64Array;
  shuntB: Float64Array;
  nodeSubnetwork: Int32Array;
  nodeLocal: Int32Array;
  branches: CompiledBranches;
  subnetworks: Subnetwork[];
  /** Bus and node of every load and generator, in network order (avoids id lookups per slot). */
  loadBus: Int32Array;
  loadNode: Int32Array;
  generatorBus: Int32Array;
  generatorNode: Int32Array;
  /**
   * Flat-start angle per node: the slack angle minus the phase shifts of the transformers on the way from the
   * slack (a 150° HV/MV transformer puts the MV side near −150°; starting at 0° there would not converge).
   */
  flatAngle: Float64Array;
  /** Per-bus voltage limits from the model (NaN: use the solve options' band). */
  busVMin: Float64Array;
  busVMax: Float64Array;
  /** Loads and generators carrying each PoD. */
  podLoads: Map<string, number[]>;
  podGenerators: Map<string, number[]>;
}

/** Validates and compiles a network. Throws GridModelError for a model that cannot be solved. */
export function compileNetwork(network: Network): CompiledNetwork {
  validateNetwork(network);
  const baseMva = network.baseMva;
  const busIndex = new Map(network.buses.map((b, i) => [b.id, i]));
  const sets = new DisjointSets(network.buses.length);
  for (const sw of network.switches) if (sw.closed) sets.union(busIndex.get(sw.from)!, busIndex.get(sw.to)!);
  const busNode = new Int32Array(network.buses.length);
  const rootNode = new Map<number, number>();
  const nodeName: string[] = [];
  const nodeKvList: number[] = [];
  network.buses.forEach((bus, i) => {
    const root = sets.find(i);
    let node = rootNode.get(root);
    if (node === undefined) {
      node = nodeName.length;
      rootNode.set(root, node);
      nodeName.push(bus.id);
      nodeKvList.push(bus.nominalKv);
    } else if (Math.abs(nodeKvList[node] - bus.nominalKv) > 1e-6 * bus.nominalKv) {
      throw new GridModelError(
        `a closed switch joins bus "${bus.id}" (${bus.nominalKv} kV) to bus "${nodeName[node]}" (${nodeKvList[node]} kV)`,
        bus.id,
      );
    }
    busNode[i] = node;
  });
  const nodeCount = nodeName.length;
  const nodeKv = Float64Array.from(nodeKvList);
  const shuntG = new Float64Array(nodeCount);
  const shuntB = new Float64Array(nodeCount);
  network.buses.forEach((bus, i) => {
    shuntG[busNode[i]] += (bus.shuntKw ?? 0) / 1000 / baseMva;
    shuntB[busNode[i]] += (bus.shuntKvar ?? 0) / 1000 / baseMva;
  });

  const branches = compileBranches(network, busIndex, busNode, baseMva);
  for (let k = 0; k < branches.count; k++)
    if (branches.fromNode[k] === branches.toNode[k])
      throw new GridModelError(
        `branch ${branches.id[k]} is shorted by closed switches between "${branches.fromBus[k]}" and "${branches.toBus[k]}"`,
        branches.id[k],
      );

  // Connected subnetworks over branches (switches are already merged into nodes).
  const nodeSets = new DisjointSets(nodeCount);
  for (let k = 0; k < branches.count; k++) nodeSets.union(branches.fromNode[k], branches.toNode[k]);
  const nodeSubnetwork = new Int32Array(nodeCount).fill(-1);
  const members: number[][] = [];
  const slackNodes: number[] = [];
  for (const slack of network.slacks) {
    const node = busNode[busIndex.get(slack.bus)!];
    nodeSubnetwork[nodeSets.find(node)] = members.length;
    members.push([]);
    slackNodes.push(node);
  }
  const nodeLocal = new Int32Array(nodeCount);
  for (let n = 0; n < nodeCount; n++) {
    const s = nodeSubnetwork[nodeSets.find(n)];
    nodeSubnetwork[n] = s;
    nodeLocal[n] = members[s].length;
    members[s].push(n);
  }

  // Generators with a voltage set point make their node PV (unless it is the slack).
  const pvSet = new Map<number, number>();
  for (const gen of network.generators)
    if (gen.inService && gen.vSetPu !== undefined) pvSet.set(busNode[busIndex.get(gen.bus)!], gen.vSetPu);

  const subnetworks = network.slacks.map((slack, s) =>
    compileSubnetwork(
      slack.bus,
      Int32Array.from(members[s]),
      slackNodes[s],
      slack.vPu,
      (slack.angleDeg * Math.PI) / 180,
      {
        nodeLocal,
        branches,
        shuntG,
        shuntB,
        pvSet,
      },
    ),
  );
  const loadBus = Int32Array.from(network.loads, (l) => busIndex.get(l.bus)!);
  const generatorBus = Int32Array.from(network.generators, (g) => busIndex.get(g.bus)!);
  const podLoads = new Map<string, number[]>();
  const podGenerators = new Map<string, number[]>();
  network.loads.forEach((l, i) => l.pod !== undefined && podLoads.set(l.pod, [...(podLoads.get(l.pod) ?? []), i]));
  network.generators.forEach(
    (g, i) => g.pod !== undefined && podGenerators.set(g.pod, [...(podGenerators.get(g.pod) ?? []), i]),
  );
  return {
    flatAngle: flatStartAngles(nodeCount, branches, subnetworks, slackNodes),
    busVMin: Float64Array.from(network.buses, (b) => b.vMinPu ?? NaN),
    busVMax: Float64Array.from(network.buses, (b) => b.vMaxPu ?? NaN),
    loadBus,
    loadNode: loadBus.map((b) => busNode[b]),
    generatorBus,
    generatorNode: generatorBus.map((b) => busNode[b]),
    podLoads,
    podGenerators,
    network,
    baseMva,
    busIndex,
    busNode,
    nodeCount,
    nodeKv,
    nodeName,
    shuntG,
    shuntB,
    nodeSubnetwork,
    nodeLocal,
    branches,
    subnetworks,
  };
}

/** Breadth-first from each slack over in-service branches, accumulating phase shifts. */
function flatStartAngles(
  nodeCount: number,
  branches: CompiledBranches,
  subnetworks: Subnetwork[],
  slackNodes: number[],
): Float64Array {
  const angle = new Float64Array(nodeCount);
  const seen = new Uint8Array(nodeCount);
  const start = new Int32Array(nodeCount + 1);
  for (let k = 0; k < branches.count; k++) {
    start[branches.fromNode[k] + 1]++;
    start[branches.toNode[k] + 1]++;
  }
  for (let i = 0; i < nodeCount; i++) start[i + 1] += start[i];
  const fill = start.slice(0, nodeCount);
  const edge = new Int32Array(2 * branches.count);
  for (let k = 0; k < branches.count; k++) {
    edge[fill[branches.fromNode[k]]++] = k;
    edge[fill[branches.toNode[k]]++] = k;
  }
  const queue = new Int32Array(nodeCount);
  subnetworks.forEach((sub, s) => {
    let head = 0;
    let tail = 0;
    queue[tail++] = slackNodes[s];
    seen[slackNodes[s]] = 1;
    angle[slackNodes[s]] = sub.slackAngleRad;
    while (head < tail) {
      const n = queue[head++];
      for (let p = start[n]; p < start[n + 1]; p++) {
        const k = edge[p];
        const forward = branches.fromNode[k] === n;
        const other = forward ? branches.toNode[k] : branches.fromNode[k];
        if (seen[other]) continue;
        seen[other] = 1;
        angle[other] = angle[n] + (forward ? -branches.shiftRad[k] : branches.shiftRad[k]);
        queue[tail++] = other;
      }
    }
  });
  return angle;
}

function compileBranches(
  network: Network,
  busIndex: Map<string, number>,
  busNode: Int32Array,
  baseMva: number,
): CompiledBranches {
  const lines = network.lines.filter((l) => l.inService);
  const transformers = network.transformers.filter((t) => t.inService);
  const count = lines.length + transformers.length;
  const f64 = () => new Float64Array(count);
  const out: CompiledBranches = {
    count,
    id: [],
    kind: [],
    fromBus: [],
    toBus: [],
    fromNode: new Int32Array(count),
    toNode: new Int32Array(count),
    yffRe: f64(),
    yffIm: f64(),
    yftRe: f64(),
    yftIm: f64(),
    ytfRe: f64(),
    ytfIm: f64(),
    yttRe: f64(),
    yttIm: f64(),
    baseCurrentFromA: f64(),
    baseCurrentToA: f64(),
    limitFromA: f64(),
    limitToA: f64(),
    shiftRad: f64(),
  };
  const kvOf = (busId: string) => network.buses[busIndex.get(busId)!].nominalKv;
  const baseCurrentA = (kv: number) => (baseMva * 1000) / (Math.sqrt(3) * kv);
  let k = 0;
  const stamp = (
    r: number,
    x: number,
    bTotal: number,
    tap: number,
    shiftRad: number,
    gTotal = 0,
    gAsym = 0,
    bAsym = 0,
  ) => {
    // MATPOWER's branch model: series admittance ys, total charging g + jb, complex tap on the from side; the
    // to end may hold an extra shunt (pandapower's asymmetric pi equivalent of a T-model transformer).
    const den = r * r + x * x;
    const ysRe = r / den;
    const ysIm = -x / den;
    const tRe = tap * Math.cos(shiftRad);
    const tIm = tap * Math.sin(shiftRad);
    const tap2 = tap * tap;
    out.yttRe[k] = ysRe + (gTotal + gAsym) / 2;
    out.yttIm[k] = ysIm + (bTotal + bAsym) / 2;
    out.yffRe[k] = (ysRe + gTotal / 2) / tap2;
    out.yffIm[k] = (ysIm + bTotal / 2) / tap2;
    // yft = -ys / conj(t), ytf = -ys / t
    out.yftRe[k] = -(ysRe * tRe - ysIm * tIm) / tap2;
    out.yftIm[k] = -(ysIm * tRe + ysRe * tIm) / tap2;
    out.ytfRe[k] = -(ysRe * tRe + ysIm * tIm) / tap2;
    out.ytfIm[k] = -(ysIm * tRe - ysRe * tIm) / tap2;
  };
  for (const line of lines) {
    const kv = kvOf(line.from);
    const zBase = (kv * kv) / baseMva;
    stamp(line.rOhm / zBase, line.xOhm / zBase, line.bMicroS * 1e-6 * zBase, 1, 0, line.gMicroS * 1e-6 * zBase);
    out.id.push(line.id);
    out.kind.push("line");
    out.fromBus.push(line.from);
    out.toBus.push(line.to);
    out.fromNode[k] = busNode[busIndex.get(line.from)!];
    out.toNode[k] = busNode[busIndex.get(line.to)!];
    out.baseCurrentFromA[k] = baseCurrentA(kv);
    out.baseCurrentToA[k] = baseCurrentA(kv);
    out.limitFromA[k] = line.ampacityA ?? 0;
    out.limitToA[k] = line.ampacityA ?? 0;
    k++;
  }
  for (const tr of transformers) {
    const z = (tr.vkPercent / 100) * (baseMva / tr.ratedMva);
    const r = (tr.vkrPercent / 100) * (baseMva / tr.ratedMva);
    // A negative vk is a negative series reactance (star-point branches of three-winding transformers, some
    // MATPOWER cases): keep its sign.
    const x = Math.sign(z || 1) * Math.sqrt(Math.max(z * z - r * r, 0));
    const hvKv = kvOf(tr.hvBus);
    const lvKv = kvOf(tr.lvBus);
    const zBaseLv = (lvKv * lvKv) / baseMva;
    out.shiftRad[k] = (tr.shiftDeg * Math.PI) / 180;
    const y = (microS: number) => microS * 1e-6 * zBaseLv;
    stamp(
      r,
      x,
      y(tr.bMicroS),
      tr.tapRatio,
      (tr.shiftDeg * Math.PI) / 180,
      y(tr.gMicroS),
      y(tr.gAsymMicroS),
      y(tr.bAsymMicroS),
    );
    out.id.push(tr.id);
    out.kind.push("transformer");
    out.fromBus.push(tr.hvBus);
    out.toBus.push(tr.lvBus);
    out.fromNode[k] = busNode[busIndex.get(tr.hvBus)!];
    out.toNode[k] = busNode[busIndex.get(tr.lvBus)!];
    out.baseCurrentFromA[k] = baseCurrentA(hvKv);
    out.baseCurrentToA[k] = baseCurrentA(lvKv);
    const limitMva = tr.limitMva ?? tr.ratedMva;
    out.limitFromA[k] = (limitMva * 1000) / (Math.sqrt(3) * hvKv);
    out.limitToA[k] = (limitMva * 1000) / (Math.sqrt(3) * lvKv);
    k++;
  }
  return out;
}

function compileSubnetwork(
  name: string,
  nodes: Int32Array,
  slackNode: number,
  slackVPu: number,
  slackAngleRad: number,
  shared: {
    nodeLocal: Int32Array;
    branches: CompiledBranches;
    shuntG: Float64Array;
    shuntB: Float64Array;
    pvSet: Map<number, number>;
  },
): Subnetwork {
  const { nodeLocal, branches, shuntG, shuntB, pvSet } = shared;
  const n = nodes.length;
  const type = new Uint8Array(n);
  const vSet = new Float64Array(n).fill(1);
  for (let i = 0; i < n; i++) {
    const pv = pvSet.get(nodes[i]);
    if (pv !== undefined) {
      type[i] = NodeType.PV;
      vSet[i] = pv;
    }
  }
  const slackLocal = nodeLocal[slackNode];
  type[slackLocal] = NodeType.Slack;
  vSet[slackLocal] = slackVPu;

  // Ybus by rows: per-row maps from column to accumulated admittance.
  const rows: Map<number, [number, number]>[] = Array.from({ length: n }, () => new Map());
  const add = (i: number, j: number, re: number, im: number) => {
    const entry = rows[i].get(j);
    if (entry) {
      entry[0] += re;
      entry[1] += im;
    } else rows[i].set(j, [re, im]);
  };
  for (let i = 0; i < n; i++) add(i, i, shuntG[nodes[i]], shuntB[nodes[i]]);
  const inSub = new Set(nodes);
  for (let k = 0; k < branches.count; k++) {
    if (!inSub.has(branches.fromNode[k])) continue;
    const f = nodeLocal[branches.fromNode[k]];
    const t = nodeLocal[branches.toNode[k]];
    add(f, f, branches.yffRe[k], branches.yffIm[k]);
    add(f, t, branches.yftRe[k], branches.yftIm[k]);
    add(t, f, branches.ytfRe[k], branches.ytfIm[k]);
    add(t, t, branches.yttRe[k], branches.yttIm[k]);
  }
  const yStart = new Int32Array(n + 1);
  const yColList: number[] = [];
  const gList: number[] = [];
  const bList: number[] = [];
  for (let i = 0; i < n; i++) {
    const cols = [...rows[i].keys()].sort((a, c) => a - c);
    for (const j of cols) {
      const [re, im] = rows[i].get(j)!;
      yColList.push(j);
      gList.push(re);
      bList.push(im);
    }
    yStart[i + 1] = yColList.length;
  }
  const yCol = Int32Array.from(yColList);

  // Bus-level minimum-degree order of the non-slack nodes (the slack's row and column are not unknowns).
  const adjStart = new Int32Array(n + 1);
  const adj: number[] = [];
  for (let i = 0; i < n; i++) {
    if (i !== slackLocal)
      for (let p = yStart[i]; p < yStart[i + 1]; p++) if (yCol[p] !== slackLocal && yCol[p] !== i) adj.push(yCol[p]);
    adjStart[i + 1] = adj.length;
  }
  const order = Array.from(minimumDegreeOrdering({ n, adjStart, adj })).filter((i) => i !== slackLocal);
  const m = order.length;
  const position = new Int32Array(n).fill(-1);
  order.forEach((node, pos) => (position[node] = pos));
  const thetaIndex = new Int32Array(n).fill(-1);
  const vIndex = new Int32Array(n).fill(-1);
  const isPv = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (position[i] < 0) continue;
    thetaIndex[i] = 2 * position[i];
    if (type[i] === NodeType.PQ) vIndex[i] = 2 * position[i] + 1;
    else isPv[i] = 1;
  }
  const blockStart = new Int32Array(m + 1);
  const blockColList: number[] = [];
  for (let r = 0; r < m; r++) {
    const i = order[r];
    const cols: number[] = [];
    for (let p = yStart[i]; p < yStart[i + 1]; p++) if (position[yCol[p]] >= 0) cols.push(position[yCol[p]]);
    cols.sort((a, c) => a - c);
    blockColList.push(...cols);
    blockStart[r + 1] = blockColList.length;
  }
  const blockCol = Int32Array.from(blockColList);
  const blockPos = new Int32Array(yCol.length).fill(-1);
  for (let i = 0; i < n; i++) {
    const row = position[i];
    if (row < 0) continue;
    for (let p = yStart[i]; p < yStart[i + 1]; p++) {
      const col = position[yCol[p]];
      if (col < 0) continue;
      let lo = blockStart[row];
      let hi = blockStart[row + 1] - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (blockCol[mid] === col) {
          blockPos[p] = mid;
          break;
        }
        if (blockCol[mid] < col) lo = mid + 1;
        else hi = mid - 1;
      }
    }
  }
  return {
    name,
    nodes,
    type,
    vSet,
    slackAngleRad,
    yStart,
    yCol,
    g: Float64Array.from(gList),
    b: Float64Array.from(bList),
    thetaIndex,
    vIndex,
    isPv,
    unknowns: 2 * m,
    blockPos,
    blockSymbolic: blockSymbolic(m, blockStart, blockCol),
  };
}

// Fill-reducing ordering for sparse LU: minimum degree on the symmetric graph, eliminating the node of least
// degree first and updating the elimination graph, so radial feeders factor with no fill at all.

/** Adjacency of an undirected graph in CSR form (no self loops needed; they are ignored). */
export interface Graph {
  n: number;
  adjStart: Int32Array | number[];
  adj: Int32Array | number[];
}

/** Binary heap of (key, node) pairs with lazy deletion: stale entries are skipped on pop. */
class MinHeap {
  private keys: number[] = [];
  private nodes: number[] = [];
  get size(): number {
    return this.keys.length;
  }
  push(key: number, node: number): void {
    let i = this.keys.length;
    this.keys.push(key);
    this.nodes.push(node);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.less(parent, i)) break;
      this.swap(i, parent);
      i = parent;
    }
  }
  pop(): [number, number] {
    const top: [number, number] = [this.keys[0], this.nodes[0]];
    const lastKey = this.keys.pop()!;
    const lastNode = this.nodes.pop()!;
    if (this.keys.length > 0) {
      this.keys[0] = lastKey;
      this.nodes[0] = lastNode;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.keys.length && this.less(l, m)) m = l;
        if (r < this.keys.length && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }
  // Ties broken by node index so the ordering is deterministic.
  private less(a: number, b: number): boolean {
    return this.keys[a] < this.keys[b] || (this.keys[a] === this.keys[b] && this.nodes[a] < this.nodes[b]);
  }
  private swap(a: number, b: number): void {
    [this.keys[a], this.keys[b]] = [this.keys[b], this.keys[a]];
    [this.nodes[a], this.nodes[b]] = [this.nodes[b], this.nodes[a]];
  }
}

/**
 * Minimum-degree ordering. Returns `order` with order[k] = the node eliminated k-th.
 * The elimination graph is kept explicitly (sets), which is fine for distribution grids whose fill is tiny.
 */
export function minimumDegreeOrdering(graph: Graph): Int32Array {
  const { n } = graph;
  const adjacency: Set<number>[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const set = new Set<number>();
    for (let p = graph.adjStart[i]; p < graph.adjStart[i + 1]; p++) {
      const j = graph.adj[p];
      if (j !== i) set.add(j);
    }
    adjacency[i] = set;
  }
  const eliminated = new Uint8Array(n);
  const heap = new MinHeap();
  for (let i = 0; i < n; i++) heap.push(adjacency[i].size, i);
  const order = new Int32Array(n);
  let k = 0;
  while (heap.size > 0) {
    const [degree, v] = heap.pop();
    if (eliminated[v] || degree !== adjacency[v].size) continue;
    eliminated[v] = 1;
    order[k++] = v;
    const neighbours = [...adjacency[v]];
    for (const u of neighbours) {
      const set = adjacency[u];
      set.delete(v);
      for (const w of neighbours) if (w !== u) set.add(w);
      heap.push(set.size, u);
    }
    adjacency[v].clear();
  }
  return order;
}

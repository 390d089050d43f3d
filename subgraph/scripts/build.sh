#!/usr/bin/env bash
# Builds the subgraph: render subgraph.yaml from the artifacts and the deployment book, graph codegen, graph build;
# then the runner's probe subgraph. `--probe-only` skips the FlexGrid subgraph (no contracts needed).
# This build is the local runner's: it takes addresses and start blocks from the address book when it starts, so the
# manifest may hold placeholders. For graph-node, render against the book (scripts/graph-node-deploy.sh does).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(cd .. && pwd)"
GRAPH="node $ROOT/node_modules/@graphprotocol/graph-cli/bin/run.js"
NETWORK="${SUBGRAPH_NETWORK:-hardhat}"

if [[ "${1:-}" != "--probe-only" ]]; then
  (cd "$ROOT" && npx hardhat compile --quiet)
  node "$ROOT/bin/run.js" scripts/render.ts --network "$NETWORK" --placeholder-addresses
  $GRAPH codegen subgraph.yaml -o generated
  $GRAPH build subgraph.yaml -o build
fi
(cd runner/test/probe && $GRAPH codegen subgraph.yaml -o generated && $GRAPH build subgraph.yaml -o build)

#!/usr/bin/env bash
# Deploys the FlexGrid subgraph to a graph-node (docker-compose.yml): renders subgraph.yaml from the address book of
# NETWORK (refusing contracts missing from it: never a zero address), builds, creates and deploys.
# Usage: NETWORK=hardhat [GRAPH_NETWORK=hardhat] [GRAPH_NODE=http://localhost:8020/] [IPFS=http://localhost:5001]
#        bash subgraph/scripts/graph-node-deploy.sh [version-label]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(cd .. && pwd)"
GRAPH="node $ROOT/node_modules/@graphprotocol/graph-cli/bin/run.js"
NETWORK="${NETWORK:-hardhat}"
LABEL="${1:-v$(node -p 'require("./package.json").version')}"

(cd "$ROOT" && npx hardhat compile --quiet)
RENDER_ARGS=(--network "$NETWORK")
if [[ -n "${GRAPH_NETWORK:-}" ]]; then RENDER_ARGS+=(--graph-network "$GRAPH_NETWORK"); fi
node "$ROOT/bin/run.js" scripts/render.ts "${RENDER_ARGS[@]}"
$GRAPH codegen subgraph.yaml -o generated
$GRAPH build subgraph.yaml -o build
$GRAPH create --node "${GRAPH_NODE:-http://localhost:8020/}" flexgrid || true # already created is fine
$GRAPH deploy --node "${GRAPH_NODE:-http://localhost:8020/}" --ipfs "${IPFS:-http://localhost:5001}" \
  --version-label "$LABEL" flexgrid subgraph.yaml
echo "deployed: http://localhost:8000/subgraphs/name/flexgrid (GraphiQL at .../flexgrid/graphql)"

// wagmi configuration from the runtime config: the FlexGrid chain, injected wallets (MetaMask and the like),
// WalletConnect when a project id is configured, and on the local chain one mock connector per named account so a
// person (and the tests) can take any role in one click. The mock connector signs nothing itself: it forwards
// requests to the local node, whose well-known accounts are unlocked, so no key is ever in the bundle.
import { createConfig, http, type Config, type CreateConnectorFn, type Transport } from "wagmi";
import { defineChain } from "viem";
import { injected, mock, walletConnect } from "wagmi/connectors";
import { absoluteUrl, type RuntimeConfig } from "./runtimeConfig";

export const LOCAL_CHAIN_ID = 31337;

export function flexGridChain(runtime: RuntimeConfig) {
  const rpc = absoluteUrl(runtime.rpcUrl);
  return defineChain({
    id: runtime.chainId,
    name: runtime.chainId === LOCAL_CHAIN_ID ? "FlexGrid local chain" : `FlexGrid ${runtime.network}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpc] } },
    testnet: runtime.chainId === LOCAL_CHAIN_ID,
  });
}

/** Connector id of the dev connector for a named account ("dev:aggregator:ACEAE"). */
export function devConnectorId(name: string): string {
  return `dev:${name}`;
}

/** `transport` replaces HTTP to the RPC URL (component tests answer JSON-RPC in memory). */
export function createWagmiConfig(runtime: RuntimeConfig, transport?: Transport): Config {
  const chain = flexGridChain(runtime);
  const connectors: CreateConnectorFn[] = [injected({ shimDisconnect: true })];
  if (runtime.walletConnectProjectId)
    connectors.push(walletConnect({ projectId: runtime.walletConnectProjectId, showQrModal: true }));
  if (runtime.chainId === LOCAL_CHAIN_ID) {
    for (const [name, account] of Object.entries(runtime.devAccounts)) {
      const connector = mock({ accounts: [account], features: { reconnect: true } });
      // mock() builds one connector type; give each named account its own id and label.
      const named: CreateConnectorFn = (config) => ({
        ...connector(config),
        id: devConnectorId(name),
        name: `Dev account: ${name}`,
      });
      connectors.push(named);
    }
  }
  return createConfig({
    chains: [chain],
    connectors,
    transports: { [chain.id]: transport ?? http(absoluteUrl(runtime.rpcUrl), { batch: true }) },
    pollingInterval: 1_000,
  });
}

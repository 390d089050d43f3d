// The shell with wagmi's real hooks: a dev connector per named account, roles read from the RoleRegistry over an
// in-memory JSON-RPC, and the navigation that follows them.
import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { WagmiProvider } from "wagmi";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { custom, decodeFunctionData, encodeFunctionResult, type Hex } from "viem";
import { roleIds, roleRegistryAbi } from "../src/generated/contracts";
import { createWagmiConfig } from "../src/wagmiConfig";
import { RuntimeContext } from "../src/RuntimeContext";
import type { RuntimeConfig } from "../src/runtimeConfig";
import { App } from "../src/App";

const ACCOUNTS = {
  dso: "0x70997970C51812dc3A010C7d01b50e0d17dC79C8",
  "aggregator:ACEAE": "0x976EA74026E726554dB657fA54763abd0C3a0aa9",
} as const;
const HOLDERS: Record<string, Hex[]> = {
  [roleIds.DSO]: [ACCOUNTS.dso],
  [roleIds.AGGREGATOR]: [ACCOUNTS["aggregator:ACEAE"]],
};

const runtime: RuntimeConfig = {
  chainId: 31337,
  network: "localhost",
  rpcUrl: "http://127.0.0.1:1/rpc",
  subgraphUrl: "http://127.0.0.1:1/subgraph",
  balUrl: "http://127.0.0.1:1/bal",
  contracts: { RoleRegistry: "0x5FbDB2315678afecb367f032d93F642f64180aa3" },
  devAccounts: ACCOUNTS,
};

/** A JSON-RPC node that knows the chain id, a block, and RoleRegistry.hasRole. */
const node = custom({
  async request({ method, params }: { method: string; params?: unknown[] }) {
    if (method === "eth_chainId") return "0x7a69";
    if (method === "eth_blockNumber") return "0x10";
    if (method === "eth_getBlockByNumber")
      return { number: "0x10", timestamp: "0x6553f100", hash: `0x${"1".repeat(64)}`, transactions: [] };
    if (method === "eth_call") {
      const { data } = (params as [{ data: Hex }])[0];
      const call = decodeFunctionData({ abi: roleRegistryAbi, data });
      if (call.functionName !== "hasRole") throw new Error(`unexpected call ${call.functionName}`);
      const [role, account] = call.args as [Hex, Hex];
      const holds = (HOLDERS[role] ?? []).some((a) => a.toLowerCase() === account.toLowerCase());
      return encodeFunctionResult({ abi: roleRegistryAbi, functionName: "hasRole", result: holds });
    }
    throw new Error(`unexpected RPC ${method}`);
  },
});

function renderApp() {
  vi.stubGlobal("fetch", async () => new Response(JSON.stringify({ data: { sessions: [] } })));
  const config = createWagmiConfig(runtime, node);
  return render(
    <RuntimeContext.Provider value={runtime}>
      <WagmiProvider config={config}>
        <QueryClientProvider client={new QueryClient()}>
          <App />
        </QueryClientProvider>
      </WagmiProvider>
    </RuntimeContext.Provider>,
  );
}

const nav = () => within(screen.getByRole("navigation", { name: "Pages" }));

describe("App", () => {
  it("shows public pages only until an account with roles connects", async () => {
    renderApp();
    expect(nav().queryByRole("link", { name: "Aggregator" })).toBeNull();
    expect(nav().getByRole("link", { name: "Market" })).toBeTruthy();
    // the page is a lazy chunk: its first import is slow on a busy machine
    await screen.findByRole("heading", { name: "Market sessions" }, { timeout: 20_000 });
  });

  it("connects as a named account in one click and shows the pages of its on-chain roles", async () => {
    renderApp();
    fireEvent.click(await screen.findByTestId("dev:aggregator:ACEAE"));
    await waitFor(() => expect(screen.getByTestId("roles").textContent).toBe("AGGREGATOR"));
    expect(nav().getByRole("link", { name: "Aggregator" })).toBeTruthy();
    expect(nav().queryByRole("link", { name: "DSO" })).toBeNull();

    fireEvent.click(screen.getByText("Local chain: connect as a named account"));
    fireEvent.click(screen.getByTestId("dev:dso"));
    await waitFor(() => expect(screen.getByTestId("roles").textContent).toBe("DSO"));
    expect(nav().getByRole("link", { name: "DSO" })).toBeTruthy();
    expect(nav().queryByRole("link", { name: "Aggregator" })).toBeNull();
  });

  it("refuses a role page to an account without the role, saying which role it needs", async () => {
    window.location.hash = "#/aggregator";
    renderApp();
    const alert = await screen.findByRole("alert", {}, { timeout: 20_000 });
    expect(alert.textContent).toContain("This page needs the AGGREGATOR role");
    window.location.hash = "";
  });
});

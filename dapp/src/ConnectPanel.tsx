// Connect and switch account: injected wallets, WalletConnect when configured, and on the local chain one button
// per named account of the stack (admin, DSO, TSO, market operator, aggregators) to take that role in one click.
import { useAccount, useConnect, useDisconnect } from "wagmi";
import { useRoles } from "./chain/roles";

export function ConnectPanel() {
  const { address, connector, isConnected } = useAccount();
  const { connectors, connect, isPending, error } = useConnect();
  const { disconnect, disconnectAsync } = useDisconnect();
  const { roles, isLoading } = useRoles(address);
  const wallets = connectors.filter((c) => !c.id.startsWith("dev:"));
  const devs = connectors.filter((c) => c.id.startsWith("dev:"));
  return (
    <section className="connect" aria-label="Account">
      {isConnected ? (
        <div className="connected">
          <span data-testid="connected-address" title={address}>
            {connector?.name}: <code>{address}</code>
          </span>
          <span className="roles" data-testid="roles">
            {isLoading ? "reading roles…" : roles.size > 0 ? [...roles].join(", ") : "no platform role (customer)"}
          </span>
          <button type="button" onClick={() => disconnect()}>
            Disconnect
          </button>
        </div>
      ) : (
        <p className="muted">Not connected: market data is public; connect to act.</p>
      )}
      <div className="connectors">
        {wallets.map((c) => (
          <button key={c.uid} type="button" disabled={isPending} onClick={() => connect({ connector: c })}>
            {c.name === "Injected" ? "Browser wallet" : c.name}
          </button>
        ))}
        {devs.length > 0 && (
          <details className="dev-accounts" open={!isConnected}>
            <summary>Local chain: connect as a named account</summary>
            {devs.map((c) => (
              <button
                key={c.uid}
                type="button"
                data-testid={c.id}
                disabled={isPending}
                onClick={async () => {
                  if (connector?.id === c.id) return;
                  // One account at a time: finish the disconnect before connecting the next role.
                  if (isConnected) await disconnectAsync();
                  connect({ connector: c });
                }}
              >
                {c.id.slice(4)}
              </button>
            ))}
          </details>
        )}
      </div>
      {error && (
        <p className="tx tx-failed" role="alert">
          {error.message}
        </p>
      )}
    </section>
  );
}

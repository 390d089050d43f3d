// Shows a transaction's phase: waiting for the wallet, pending on chain, confirmed in block N, or failed with the
// contract's reason in words.
import type { TxState } from "../chain/useTransaction";

export function TxStatus({ state }: { state: TxState }) {
  switch (state.phase) {
    case "idle":
      return null;
    case "signing":
      return (
        <p className="tx tx-pending" role="status">
          Waiting for the wallet…
        </p>
      );
    case "pending":
      return (
        <p className="tx tx-pending" role="status">
          Pending: transaction <code>{state.hash.slice(0, 10)}…</code> sent, waiting for a block.
        </p>
      );
    case "confirmed":
      return (
        <p className="tx tx-confirmed" role="status" data-testid="tx-confirmed">
          Confirmed in block {state.blockNumber.toString()} (<code>{state.hash.slice(0, 10)}…</code>).
        </p>
      );
    case "failed":
      return (
        <p className="tx tx-failed" role="alert" data-testid="tx-failed" data-error={state.errorName ?? ""}>
          Failed: {state.message}
        </p>
      );
  }
}

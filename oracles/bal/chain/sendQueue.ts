// One wallet, one sender at a time: the anchorer and the key register both send from the BAL_ANCHOR wallet, and two
// sends racing for the "pending" nonce make one fail ("nonce has already been used"). Each send runs after the
// previous one has been handed to the node, and not sooner than `spacingMs` after it: ethers v6 answers an identical
// JSON-RPC request from a 250 ms cache, so a send right after another would read the pre-send pending nonce
// (seen as NONCE_EXPIRED on every second anchoring once receipts were polled instead of tx.wait()).
export type SendQueue = <T>(send: () => Promise<T>) => Promise<T>;

export function createSendQueue(spacingMs = 300): SendQueue {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(send: () => Promise<T>): Promise<T> => {
    const run = tail.then(send, send);
    tail = run.catch(() => undefined).then(() => new Promise((r) => setTimeout(r, spacingMs)));
    return run;
  };
}

/** No queue (a wallet used by one sender only). */
export const unqueued: SendQueue = (send) => send();

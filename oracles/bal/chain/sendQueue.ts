// One wallet, one sender at a time: the anchorer and the key register both send from the BAL_ANCHOR wallet, and two
// sends racing for the "pending" nonce make one fail ("nonce has already been used"). Each send (up to its
// broadcast, not its mining) runs after the previous one has been handed to the node.
export type SendQueue = <T>(send: () => Promise<T>) => Promise<T>;

export function createSendQueue(): SendQueue {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(send: () => Promise<T>): Promise<T> => {
    const run = tail.then(send, send);
    tail = run.catch(() => undefined);
    return run;
  };
}

/** No queue (a wallet used by one sender only). */
export const unqueued: SendQueue = (send) => send();

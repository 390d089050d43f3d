// One wallet, one sender at a time, nonces counted here: the anchorer and the key register both send from the
// BAL_ANCHOR wallet. Two sends racing for the "pending" nonce make one fail, and asking the node for it before each
// send is not enough either: ethers v6 answers an identical JSON-RPC request from a 250 ms cache, so a send right
// after another read the pre-send nonce (NONCE_EXPIRED on every second anchoring in the crash test). The queue asks
// the node once, then counts; after a failed send it asks again (after the cache has expired).
export type SendQueue = <T extends { nonce: number }>(send: (nonce: number | undefined) => Promise<T>) => Promise<T>;

export function createSendQueue(fetchNonce?: () => Promise<number>): SendQueue {
  let tail: Promise<unknown> = Promise.resolve();
  let next: number | undefined;
  let afterError = false;
  return <T extends { nonce: number }>(send: (nonce: number | undefined) => Promise<T>): Promise<T> => {
    const run = tail.then(async () => {
      if (next === undefined && fetchNonce) {
        if (afterError) await new Promise((r) => setTimeout(r, 300));
        next = await fetchNonce();
      }
      try {
        const tx = await send(next);
        next = Math.max(next ?? 0, tx.nonce + 1);
        afterError = false;
        return tx;
      } catch (error) {
        next = undefined;
        afterError = true;
        throw error;
      }
    });
    tail = run.catch(() => undefined);
    return run;
  };
}

/** No queue: each send lets the signer pick its nonce (a wallet used by one sender, tests). */
export const unqueued: SendQueue = (send) => send(undefined);

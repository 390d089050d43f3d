// Sign-In with Ethereum (EIP-4361) against the BAL/SCD API: GET /auth/nonce, sign the message in the wallet, POST
// /auth/verify. The session token stays in memory (never in storage) and goes with every personal-data request.
// UNFINISHED on the server side: the BAL does not serve /auth/* yet; the client is built against that shape and
// reports a clear "not available" when the endpoint answers 404.
import { createSiweMessage } from "viem/siwe";
import { z } from "zod";

export class SignInUnavailableError extends Error {}

const nonceSchema = z.object({ nonce: z.string().min(8) });
const verifySchema = z.object({
  token: z.string().min(1),
  address: z.string().optional(),
  expiresAt: z.string().optional(),
});

export interface SiweSession {
  token: string;
  address: `0x${string}`;
}

export async function signIn(options: {
  balUrl: string;
  address: `0x${string}`;
  chainId: number;
  signMessage: (message: string) => Promise<`0x${string}`>;
}): Promise<SiweSession> {
  const nonceResponse = await fetch(`${options.balUrl}/auth/nonce`);
  if (nonceResponse.status === 404)
    throw new SignInUnavailableError("The BAL does not offer sign-in yet (GET /auth/nonce answered 404).");
  if (!nonceResponse.ok) throw new Error(`GET /auth/nonce answered ${nonceResponse.status}`);
  const { nonce } = nonceSchema.parse(await nonceResponse.json());
  const message = createSiweMessage({
    address: options.address,
    chainId: options.chainId,
    domain: window.location.host,
    uri: window.location.origin,
    nonce,
    version: "1",
    statement: "Sign in to FlexGrid to read the personal data of your own PoDs.",
    issuedAt: new Date(),
  });
  const signature = await options.signMessage(message);
  const verify = await fetch(`${options.balUrl}/auth/verify`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ message, signature }),
  });
  if (!verify.ok) {
    const body = (await verify.json().catch(() => ({}))) as { error?: string };
    throw new Error(`sign-in refused: ${body.error ?? `HTTP ${verify.status}`}`);
  }
  const { token } = verifySchema.parse(await verify.json());
  return { token, address: options.address };
}

/** Headers for a personal-data request of the signed-in party. */
export function authHeaders(session: SiweSession | undefined): Record<string, string> {
  return session ? { authorization: `Bearer ${session.token}` } : {};
}

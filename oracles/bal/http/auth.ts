// Who may read what from the BAL's HTTP API. People sign in with their wallet (EIP-4361, Sign-In with Ethereum, via
// viem's siwe helpers): GET /auth/nonce, then POST /auth/verify with the signed message; the answer is a session
// token (also set as an HttpOnly cookie). Roles come from the chain: the DSO (RoleRegistry DSO role) reads every
// PoD, an aggregator the PoDs registered to it (PodRegistry), a customer the PoD whose remuneration wallet it is
// (RemunerationScheme.walletOf). Services use their own bearer tokens (configured, stored as SHA-256 hashes).
import { createHash, randomBytes } from "node:crypto";
import type { ContractRunner } from "ethers";
import express, { type Request, type Response, type NextFunction } from "express";
import { keccak256, toHex, verifyMessage, type Hex } from "viem";
import { generateSiweNonce, parseSiweMessage, validateSiweMessage } from "viem/siwe";
import { z } from "zod";
import { podIdToBytes32 } from "../../../protocol";
import { IPodRegistry__factory } from "../../../typechain-types/factories/contracts/interfaces/IPodRegistry__factory";
import { IRemunerationScheme__factory } from "../../../typechain-types/factories/contracts/interfaces/IRemunerationScheme__factory";
import { IRoleRegistry__factory } from "../../../typechain-types/factories/contracts/interfaces/IRoleRegistry__factory";

/** Who is asking: a signed-in wallet or a configured service. */
export type Principal =
  { kind: "wallet"; address: Hex } | { kind: "service"; name: string; allPods: boolean; address?: Hex };

/** The roles the chain gives an address (the BAL asks at every request; the chain is the source of truth). */
export interface PodAccess {
  isDso(address: Hex): Promise<boolean>;
  /** whether `address` is the PoD's aggregator or its customer's wallet */
  mayReadPod(address: Hex, pod: string): Promise<boolean>;
}

const ZERO = "0x0000000000000000000000000000000000000000";

/** Roles read from RoleRegistry, PodRegistry and the PoD's RemunerationScheme. */
export class ChainPodAccess implements PodAccess {
  private readonly _roles;
  private readonly _pods;
  constructor(
    roleRegistry: string,
    podRegistry: string,
    private readonly runner: ContractRunner,
  ) {
    this._roles = IRoleRegistry__factory.connect(roleRegistry, runner);
    this._pods = IPodRegistry__factory.connect(podRegistry, runner);
  }

  isDso(address: Hex): Promise<boolean> {
    return this._roles.hasRole(DSO_ROLE, address);
  }

  async mayReadPod(address: Hex, pod: string): Promise<boolean> {
    const id = podIdToBytes32(pod);
    const flexibility = await this._pods.flexibilityOf(id).catch(() => undefined);
    if (!flexibility) return false;
    if (flexibility.aggregator.toLowerCase() === address.toLowerCase()) return true;
    const data = await this._pods.podData(id).catch(() => undefined);
    if (!data || data.remunerationScheme === ZERO) return false;
    const wallet = await IRemunerationScheme__factory.connect(data.remunerationScheme, this.runner)
      .walletOf(id)
      .catch(() => ZERO);
    return wallet.toLowerCase() === address.toLowerCase();
  }
}

/** keccak256("DSO"), as Roles.DSO on chain. */
export const DSO_ROLE = keccak256(toHex("DSO"));

export const serviceCredentialSchema = z.object({
  name: z.string().min(1).max(64),
  /** SHA-256 (hex) of the bearer token; the token itself is never stored */
  tokenSha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** a DSO-side service (the aggregator webhook consumer of the DSO, the operator console) reads every PoD */
  allPods: z.boolean().default(false),
  /** otherwise the service acts for this address, whose chain roles apply (an aggregator's agent) */
  address: z
    .string()
    .regex(/^0x[0-9a-fA-F]{40}$/)
    .optional(),
});
export type ServiceCredential = z.infer<typeof serviceCredentialSchema>;

export const sha256Hex = (s: string): string => createHash("sha256").update(s).digest("hex");

export interface AuthOptions {
  access: PodAccess;
  chainId: number;
  /** the EIP-4361 domain the dApp puts in its message (default: the request's Host) */
  domain?: string;
  services?: readonly ServiceCredential[];
  sessionTtlMs?: number;
  nonceTtlMs?: number;
  /** mark the cookie Secure (HTTPS deployments) */
  secureCookie?: boolean;
  clock?: () => number;
}

export const SESSION_COOKIE = "bal_session";
const MAX_NONCES = 100_000;

const verifyBodySchema = z.object({
  message: z.string().min(1).max(4096),
  signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, "65-byte signature"),
});

/** Sessions and nonces in memory (a restart signs everyone out; several instances need a shared store: UNFINISHED). */
export class Auth {
  private readonly _nonces = new Map<string, number>();
  private readonly _sessions = new Map<string, { principal: Principal; expiresMs: number }>();
  private readonly _clock: () => number;

  constructor(private readonly opts: AuthOptions) {
    this._clock = opts.clock ?? Date.now;
  }

  issueNonce(): { nonce: string; expiresMs: number } {
    const now = this._clock();
    if (this._nonces.size >= MAX_NONCES)
      for (const [n, exp] of this._nonces) if (exp < now || this._nonces.size >= MAX_NONCES) this._nonces.delete(n);
    const nonce = generateSiweNonce();
    const expiresMs = now + (this.opts.nonceTtlMs ?? 5 * 60_000);
    this._nonces.set(nonce, expiresMs);
    return { nonce, expiresMs };
  }

  /** Checks a signed SIWE message; returns a session token or the reason for the refusal. */
  async signIn(
    body: unknown,
    host: string | undefined,
  ): Promise<
    { ok: true; token: string; address: Hex; expiresMs: number } | { ok: false; status: number; error: string }
  > {
    const parsedBody = verifyBodySchema.safeParse(body);
    if (!parsedBody.success) return { ok: false, status: 400, error: "expected { message, signature }" };
    const { message, signature } = parsedBody.data;
    const siwe = parseSiweMessage(message);
    if (!siwe.address || !siwe.nonce || !siwe.domain)
      return { ok: false, status: 400, error: "not an EIP-4361 message" };
    const now = this._clock();
    const nonceExpires = this._nonces.get(siwe.nonce);
    if (nonceExpires === undefined || nonceExpires < now)
      return { ok: false, status: 401, error: "unknown, used or expired nonce (GET /auth/nonce first)" };
    const domain = this.opts.domain ?? host;
    if (siwe.chainId !== this.opts.chainId)
      return { ok: false, status: 401, error: `wrong chain ${siwe.chainId}, expected ${this.opts.chainId}` };
    if (!validateSiweMessage({ message: siwe, domain, nonce: siwe.nonce, time: new Date(now) }))
      return { ok: false, status: 401, error: `message not valid now for domain ${domain}` };
    const valid = await verifyMessage({ address: siwe.address, message, signature: signature as Hex }).catch(
      () => false,
    );
    if (!valid) return { ok: false, status: 401, error: "signature does not match the message's address" };
    this._nonces.delete(siwe.nonce); // single use
    const token = randomBytes(32).toString("base64url");
    const expiresMs = Math.min(
      now + (this.opts.sessionTtlMs ?? 12 * 3600_000),
      siwe.expirationTime ? siwe.expirationTime.getTime() : Infinity,
    );
    this._sessions.set(sha256Hex(token), { principal: { kind: "wallet", address: siwe.address }, expiresMs });
    return { ok: true, token, address: siwe.address, expiresMs };
  }

  signOut(token: string): void {
    this._sessions.delete(sha256Hex(token));
  }

  /** The principal behind a bearer token or session cookie; undefined when none or expired. */
  principalOf(req: Request): Principal | undefined {
    const token = tokenOf(req);
    if (!token) return undefined;
    const hash = sha256Hex(token);
    const service = this.opts.services?.find((s) => s.tokenSha256 === hash);
    if (service)
      return { kind: "service", name: service.name, allPods: service.allPods, address: service.address as Hex };
    const session = this._sessions.get(hash);
    if (!session) return undefined;
    if (session.expiresMs < this._clock()) {
      this._sessions.delete(hash);
      return undefined;
    }
    return session.principal;
  }

  async mayReadAll(p: Principal): Promise<boolean> {
    if (p.kind === "service") return p.allPods || (p.address !== undefined && this.opts.access.isDso(p.address));
    return this.opts.access.isDso(p.address);
  }

  async mayReadPod(p: Principal, pod: string): Promise<boolean> {
    if (await this.mayReadAll(p)) return true;
    return p.address !== undefined && this.opts.access.mayReadPod(p.address, pod);
  }

  /** The /auth routes. */
  router(): express.Router {
    const r = express.Router();
    r.get("/nonce", (_req, res) => void res.json(this.issueNonce()));
    r.post("/verify", express.json({ limit: "8kb" }), (req, res, next) => {
      this.signIn(req.body, req.headers.host)
        .then((result) => {
          if (!result.ok) return void res.status(result.status).json({ error: result.error });
          res.cookie(SESSION_COOKIE, result.token, {
            httpOnly: true,
            sameSite: "strict",
            secure: this.opts.secureCookie ?? false,
            expires: new Date(result.expiresMs),
            path: "/",
          });
          res.json({ token: result.token, address: result.address, expiresMs: result.expiresMs });
        })
        .catch(next);
    });
    r.post("/logout", (req, res) => {
      const token = tokenOf(req);
      if (token) this.signOut(token);
      res.clearCookie(SESSION_COOKIE, { path: "/" });
      res.status(204).end();
    });
    r.get("/me", (req, res, next) => {
      const p = this.principalOf(req);
      if (!p) return void res.status(401).json({ error: "not signed in" });
      this.mayReadAll(p)
        .then((all) => void res.json({ principal: p, allPods: all }))
        .catch(next);
    });
    return r;
  }

  /** Refuses (401) a request without a valid session or service token; puts the principal on res.locals. */
  requireSignIn() {
    return (req: Request, res: Response, next: NextFunction) => {
      const p = this.principalOf(req);
      if (!p) return void res.status(401).json({ error: "sign in first (GET /auth/nonce, POST /auth/verify)" });
      res.locals.principal = p;
      next();
    };
  }
}

function tokenOf(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith("Bearer ")) return header.slice(7).trim() || undefined;
  const cookies = req.headers.cookie;
  if (!cookies) return undefined;
  for (const part of cookies.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === SESSION_COOKIE) return decodeURIComponent(v.join("="));
  }
  return undefined;
}

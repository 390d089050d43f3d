// Per-device MQTT credentials and the topic ACL: a Light Node may publish only to its own PoD's topics and
// subscribe only to its own setpoints; the BAL reads everything; the DSO oracle publishes setpoints.
import { randomBytes, scryptSync, timingSafeEqual } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { parseTopic } from "../../../protocol";

export const principalSchema = z.discriminatedUnion("role", [
  z.object({ role: z.literal("node"), pod: z.string().min(1), passwordHash: z.string() }),
  z.object({ role: z.literal("bal"), passwordHash: z.string() }),
  z.object({ role: z.literal("dso"), passwordHash: z.string() }),
  z.object({ role: z.literal("observer"), passwordHash: z.string() }),
]);
export type Principal = z.infer<typeof principalSchema>;
export type PrincipalInput = { role: "node"; pod: string } | { role: "bal" } | { role: "dso" } | { role: "observer" };
export const credentialsFileSchema = z.record(z.string(), principalSchema);

/** scrypt with a random salt: `salt:hash` in hex. */
export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return `${salt.toString("hex")}:${scryptSync(password, salt, 32).toString("hex")}`;
}

export function passwordMatches(password: string, stored: string): boolean {
  const [saltHex, hashHex] = stored.split(":");
  if (!saltHex || !hashHex) return false;
  const expected = Buffer.from(hashHex, "hex");
  const got = scryptSync(password, Buffer.from(saltHex, "hex"), expected.length);
  return timingSafeEqual(expected, got);
}

export class CredentialStore {
  private readonly _principals = new Map<string, Principal>();
  // scrypt is deliberately slow: remember what already matched so reconnect storms stay cheap
  private readonly _verified = new Map<string, string>();

  constructor(entries: Record<string, Principal> = {}) {
    for (const [user, p] of Object.entries(entries)) this._principals.set(user, p);
  }

  static load(file: string): CredentialStore {
    if (!existsSync(file)) return new CredentialStore();
    return new CredentialStore(credentialsFileSchema.parse(JSON.parse(readFileSync(file, "utf8"))));
  }

  save(file: string): void {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(Object.fromEntries(this._principals), null, 2), { mode: 0o600 });
  }

  /** Adds (or replaces) a user; returns the password to hand to the device. */
  add(username: string, principal: PrincipalInput, password = randomBytes(18).toString("base64url")): string {
    this._principals.set(username, { ...principal, passwordHash: hashPassword(password) } as Principal);
    this._verified.delete(username);
    return password;
  }

  has(username: string): boolean {
    return this._principals.has(username);
  }

  authenticate(username: string | undefined, password: Buffer | string | undefined): Principal | undefined {
    if (!username || password === undefined) return undefined;
    const p = this._principals.get(username);
    if (!p) return undefined;
    const pw = password.toString();
    if (this._verified.get(username) === pw) return p;
    if (!passwordMatches(pw, p.passwordHash)) return undefined;
    this._verified.set(username, pw);
    return p;
  }
}

/** Whether `principal` may publish to `topic`. */
export function mayPublish(principal: Principal, topic: string): boolean {
  if (principal.role === "bal") return true;
  let parsed;
  try {
    parsed = parseTopic(topic);
  } catch {
    return false;
  }
  if (principal.role === "dso") return parsed.channel === "setpoints";
  // setpoints come from the DSO, acknowledgements from the BAL: a node publishes neither
  if (principal.role === "node")
    return parsed.pod === principal.pod && parsed.channel !== "setpoints" && parsed.channel !== "acks";
  return false;
}

/** Whether `principal` may subscribe to `filter` (shared-subscription prefixes are stripped first). */
export function maySubscribe(principal: Principal, filter: string): boolean {
  const f = filter.startsWith("$share/") ? filter.split("/").slice(2).join("/") : filter;
  if (principal.role === "bal" || principal.role === "observer") return true;
  if (principal.role === "dso") return /^flexgrid\/(\+|[^/#+]+)\/(activations|anomalies|status)$/.test(f);
  return f === `flexgrid/${principal.pod}/setpoints` || f === `flexgrid/${principal.pod}/acks`;
}

/** A Mosquitto ACL file with the same rules, for deployments on a real broker. */
export function mosquittoAcl(balUser: string, dsoUser: string): string {
  return [
    `user ${balUser}`,
    "topic readwrite flexgrid/#",
    "",
    `user ${dsoUser}`,
    "topic write flexgrid/+/setpoints",
    "topic read flexgrid/+/activations",
    "topic read flexgrid/+/anomalies",
    "",
    "# every other user is a Light Node whose username is its PoD id",
    "pattern write flexgrid/%u/measurements",
    "pattern write flexgrid/%u/anomalies",
    "pattern write flexgrid/%u/activations",
    "pattern write flexgrid/%u/status",
    "pattern read flexgrid/%u/setpoints",
    "pattern read flexgrid/%u/acks",
    "",
  ].join("\n");
}

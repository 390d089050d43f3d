// Decimal arithmetic with graph-node's BigDecimal semantics: value = digits * 10^exp, normalised (no trailing
// zeros in digits) and limited to 34 significant digits, rounded half to even.

export interface Decimal {
  digits: bigint;
  exp: number;
}

export const DECIMAL_PRECISION = 34;

function digitCount(n: bigint): number {
  return (n < 0n ? -n : n).toString().length;
}

function divRoundHalfEven(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  if (r === 0n) return q;
  const twice = (r < 0n ? -r : r) * 2n;
  const absD = d < 0n ? -d : d;
  const sign = n < 0n !== d < 0n ? -1n : 1n;
  if (twice > absD || (twice === absD && (q & 1n) !== 0n)) return q + sign;
  return q;
}

export function normalize(value: Decimal): Decimal {
  let { digits, exp } = value;
  if (digits === 0n) return { digits: 0n, exp: 0 };
  const excess = digitCount(digits) - DECIMAL_PRECISION;
  if (excess > 0) {
    digits = divRoundHalfEven(digits, 10n ** BigInt(excess));
    exp += excess;
  }
  while (digits % 10n === 0n) {
    digits /= 10n;
    exp += 1;
  }
  return { digits, exp };
}

export function parseDecimal(text: string): Decimal {
  const match = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
  if (!match || (match[2] === "" && (match[3] ?? "") === "")) throw new Error(`invalid BigDecimal "${text}"`);
  const fraction = match[3] ?? "";
  const digits = BigInt((match[1] === "-" ? "-" : "") + (match[2] + fraction || "0"));
  return normalize({ digits, exp: Number(match[4] ?? 0) - fraction.length });
}

export function formatDecimal(value: Decimal): string {
  const { digits, exp } = normalize(value);
  if (exp >= 0) return (digits * 10n ** BigInt(exp)).toString();
  const negative = digits < 0n;
  const text = (negative ? -digits : digits).toString().padStart(-exp + 1, "0");
  const cut = text.length + exp;
  return `${negative ? "-" : ""}${text.slice(0, cut)}.${text.slice(cut)}`;
}

function align(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const exp = Math.min(a.exp, b.exp);
  return [a.digits * 10n ** BigInt(a.exp - exp), b.digits * 10n ** BigInt(b.exp - exp), exp];
}

export function plus(a: Decimal, b: Decimal): Decimal {
  const [x, y, exp] = align(a, b);
  return normalize({ digits: x + y, exp });
}

export function minus(a: Decimal, b: Decimal): Decimal {
  const [x, y, exp] = align(a, b);
  return normalize({ digits: x - y, exp });
}

export function times(a: Decimal, b: Decimal): Decimal {
  return normalize({ digits: a.digits * b.digits, exp: a.exp + b.exp });
}

export function dividedBy(a: Decimal, b: Decimal): Decimal {
  if (b.digits === 0n) throw new Error("Division by zero");
  if (a.digits === 0n) return { digits: 0n, exp: 0 };
  // Scale the numerator so the quotient has two digits more than the precision, then round once.
  const shift = Math.max(0, DECIMAL_PRECISION + 2 - (digitCount(a.digits) - digitCount(b.digits)));
  const digits = divRoundHalfEven(a.digits * 10n ** BigInt(shift), b.digits);
  return normalize({ digits, exp: a.exp - b.exp - shift });
}

export function equals(a: Decimal, b: Decimal): boolean {
  const x = normalize(a);
  const y = normalize(b);
  return x.digits === y.digits && x.exp === y.exp;
}

export function fromBigInt(n: bigint): Decimal {
  return normalize({ digits: n, exp: 0 });
}

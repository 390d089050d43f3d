// A small interpreter of the MATLAB subset that MATPOWER case files are written in: matrix literals (with Inf and
// NaN), scalar and column assignments with arithmetic (`mpc.bus(:, [PD, QD]) = mpc.bus(:, [PD, QD]) / 1e3`,
// `sin(acos(pf))`), the idx_* column-name declarations and if/else/end. Anything outside that subset is refused
// with the statement and its line, so an importer never reads a case that MATPOWER would have changed by code.
import { GridImportError } from "../errors";

/** A real matrix (scalars are 1×1), row-major. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

/** What running a case file leaves behind: the `mpc` struct's fields and the function's name. */
export interface MatlabCase {
  functionName?: string;
  fields: Map<string, Matrix | { text: string } | { cell: string[] }>;
}

// Column-name constants exactly as MATPOWER's idx_* functions return them, in their output order.
const IDX_FUNCTIONS: Record<string, [string, number][]> = {
  idx_bus: [
    ["PQ", 1],
    ["PV", 2],
    ["REF", 3],
    ["NONE", 4],
    ["BUS_I", 1],
    ["BUS_TYPE", 2],
    ["PD", 3],
    ["QD", 4],
    ["GS", 5],
    ["BS", 6],
    ["BUS_AREA", 7],
    ["VM", 8],
    ["VA", 9],
    ["BASE_KV", 10],
    ["ZONE", 11],
    ["VMAX", 12],
    ["VMIN", 13],
    ["LAM_P", 14],
    ["LAM_Q", 15],
    ["MU_VMAX", 16],
    ["MU_VMIN", 17],
  ],
  idx_brch: [
    ["F_BUS", 1],
    ["T_BUS", 2],
    ["BR_R", 3],
    ["BR_X", 4],
    ["BR_B", 5],
    ["RATE_A", 6],
    ["RATE_B", 7],
    ["RATE_C", 8],
    ["TAP", 9],
    ["SHIFT", 10],
    ["BR_STATUS", 11],
    ["PF", 14],
    ["QF", 15],
    ["PT", 16],
    ["QT", 17],
    ["MU_SF", 18],
    ["MU_ST", 19],
    ["ANGMIN", 12],
    ["ANGMAX", 13],
    ["MU_ANGMIN", 20],
    ["MU_ANGMAX", 21],
  ],
  idx_gen: [
    ["GEN_BUS", 1],
    ["PG", 2],
    ["QG", 3],
    ["QMAX", 4],
    ["QMIN", 5],
    ["VG", 6],
    ["MBASE", 7],
    ["GEN_STATUS", 8],
    ["PMAX", 9],
    ["PMIN", 10],
    ["MU_PMAX", 22],
    ["MU_PMIN", 23],
    ["MU_QMAX", 24],
    ["MU_QMIN", 25],
    ["PC1", 11],
    ["PC2", 12],
    ["QC1MIN", 13],
    ["QC1MAX", 14],
    ["QC2MIN", 15],
    ["QC2MAX", 16],
    ["RAMP_AGC", 17],
    ["RAMP_10", 18],
    ["RAMP_30", 19],
    ["RAMP_Q", 20],
    ["APF", 21],
  ],
  idx_cost: [
    ["PW_LINEAR", 1],
    ["POLYNOMIAL", 2],
    ["MODEL", 1],
    ["STARTUP", 2],
    ["SHUTDOWN", 3],
    ["NCOST", 4],
    ["COST", 5],
  ],
};

const UNARY_FUNCTIONS: Record<string, (x: number) => number> = {
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  sqrt: Math.sqrt,
  abs: Math.abs,
  exp: Math.exp,
  log: Math.log,
  log10: Math.log10,
  isinf: (x) => (x === Infinity || x === -Infinity ? 1 : 0),
  isnan: (x) => (Number.isNaN(x) ? 1 : 0),
};
const CONSTANTS: Record<string, number> = { Inf: Infinity, inf: Infinity, NaN: NaN, nan: NaN, pi: Math.PI };

const scalar = (v: number): Matrix => ({ rows: 1, cols: 1, data: Float64Array.of(v) });

// ---------------------------------------------------------------------------------------------------------------
// Statements: split the text into statements with their line, stripping comments and joining `...` continuations.

interface Statement {
  text: string;
  line: number;
}

/** Strips a `%` comment that is not inside a string literal. */
function stripComment(line: string): string {
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    // A quote right after an operand is a transpose, not a string.
    if (c === "'" && isStringQuote(line, i, inString)) inString = !inString;
    else if (c === "%" && !inString) return line.slice(0, i);
  }
  return line;
}

function statements(text: string): Statement[] {
  const lines = text.split(/\r?\n/);
  const out: Statement[] = [];
  let pending = "";
  let pendingLine = 0;
  let depth = 0;
  for (let n = 0; n < lines.length; n++) {
    let line = stripComment(lines[n]);
    const continued = /\.\.\.\s*$/.test(line);
    if (continued) line = line.replace(/\.\.\.\s*$/, " ");
    if (pending === "") pendingLine = n + 1;
    // Inside a bracket, a newline is a row separator; keep it as ';'.
    depth += bracketBalance(line);
    pending += line + (depth > 0 && !continued ? ";" : continued ? " " : "");
    if (depth > 0 || continued) continue;
    for (const piece of splitTopLevel(pending))
      if (piece.trim() !== "") out.push({ text: piece.trim(), line: pendingLine });
    pending = "";
    depth = 0;
  }
  if (pending.trim() !== "") throw new GridImportError(`line ${pendingLine}: unterminated bracket`);
  return out;
}

/** True when the quote at `i` opens or closes a string (rather than being a transpose after an operand). */
function isStringQuote(text: string, i: number, inString: boolean): boolean {
  return inString || i === 0 || !/[\w)\]}.']/.test(text[i - 1]);
}

/** Net count of opening minus closing brackets outside strings. */
function bracketBalance(text: string): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'" && isStringQuote(text, i, inString)) inString = !inString;
    else if (inString) continue;
    else if (c === "[" || c === "{" || c === "(") depth++;
    else if (c === "]" || c === "}" || c === ")") depth--;
  }
  return depth;
}

/** Splits a line on `;` and `,` outside brackets and strings. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inString = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'" && isStringQuote(text, i, inString)) {
      inString = !inString;
      continue;
    }
    if (inString) continue;
    if (c === "[" || c === "{" || c === "(") depth++;
    else if (c === "]" || c === "}" || c === ")") depth--;
    else if ((c === ";" || c === ",") && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

// ---------------------------------------------------------------------------------------------------------------
// Expressions: tokenizer and a precedence-climbing parser that evaluates as it parses.

interface Token {
  kind: "num" | "id" | "str" | "op" | "end";
  text: string;
  value?: number;
  spaceBefore: boolean;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    let space = false;
    while (i < text.length && (text[i] === " " || text[i] === "\t")) {
      i++;
      space = true;
    }
    if (i >= text.length) break;
    const rest = text.slice(i);
    const num = /^(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)/.exec(rest);
    if (num) {
      tokens.push({ kind: "num", text: num[0], value: Number(num[0]), spaceBefore: space });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_]\w*/.exec(rest);
    if (id) {
      tokens.push({ kind: "id", text: id[0], spaceBefore: space });
      i += id[0].length;
      continue;
    }
    if (rest[0] === "'") {
      const prev = tokens[tokens.length - 1];
      const transpose = prev && !space && (prev.kind !== "op" || [")", "]", "}", "'"].includes(prev.text));
      if (transpose) {
        tokens.push({ kind: "op", text: "'", spaceBefore: space });
        i++;
        continue;
      }
      let j = i + 1;
      let s = "";
      for (;;) {
        if (j >= text.length) throw new GridImportError(`unterminated string in "${text}"`);
        if (text[j] === "'" && text[j + 1] === "'") {
          s += "'";
          j += 2;
        } else if (text[j] === "'") break;
        else s += text[j++];
      }
      tokens.push({ kind: "str", text: s, spaceBefore: space });
      i = j + 1;
      continue;
    }
    const op = /^(?:\.\*|\.\/|\.\^|==|~=|<=|>=|&&|\|\||[-+*/^()[\]{},;:=<>&|~.])/.exec(rest);
    if (!op) throw new GridImportError(`unexpected character "${rest[0]}" in "${text}"`);
    tokens.push({ kind: "op", text: op[0], spaceBefore: space });
    i += op[0].length;
  }
  tokens.push({ kind: "end", text: "", spaceBefore: true });
  return tokens;
}

type IndexArg = { all: true } | { indices: number[] };

class Interpreter {
  readonly variables = new Map<string, Matrix>();
  readonly fields: MatlabCase["fields"] = new Map();
  private tokens: Token[] = [];
  private pos = 0;
  private bracketDepth = 0;
  private statementText = "";

  private fail(problem: string): never {
    throw new GridImportError(`${problem} in "${this.statementText}"`);
  }
  private peek(): Token {
    return this.tokens[this.pos];
  }
  private next(): Token {
    return this.tokens[this.pos++];
  }
  private expect(text: string): void {
    const t = this.next();
    if (t.text !== text || t.kind === "str") this.fail(`expected "${text}", found "${t.text}"`);
  }

  load(tokens: Token[], statementText: string): void {
    this.tokens = tokens;
    this.pos = 0;
    this.bracketDepth = 0;
    this.statementText = statementText;
  }
  atEnd(): boolean {
    return this.peek().kind === "end";
  }

  /** Evaluates a full expression from the current token. */
  expression(): Matrix {
    return this.binary(0);
  }

  private static readonly PRECEDENCE: Record<string, number> = {
    "||": 1,
    "&&": 2,
    "|": 3,
    "&": 4,
    "==": 5,
    "~=": 5,
    "<": 5,
    "<=": 5,
    ">": 5,
    ">=": 5,
    "+": 6,
    "-": 6,
    "*": 7,
    "/": 7,
    ".*": 7,
    "./": 7,
    "^": 9,
    ".^": 9,
  };

  private binary(minPrecedence: number): Matrix {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      if (t.kind !== "op") break;
      const precedence = Interpreter.PRECEDENCE[t.text];
      if (precedence === undefined || precedence < minPrecedence) break;
      // Inside [ ], "a -b" is two elements while "a - b" and "a-b" are one (MATLAB's rule).
      if (
        this.bracketDepth > 0 &&
        (t.text === "+" || t.text === "-") &&
        t.spaceBefore &&
        !this.tokens[this.pos + 1].spaceBefore
      )
        break;
      this.next();
      // ^ is left-associative in MATLAB too.
      const right = this.binary(precedence + 1);
      left = this.apply(t.text, left, right);
    }
    return left;
  }

  private unary(): Matrix {
    const t = this.peek();
    if (t.kind === "op" && (t.text === "-" || t.text === "+" || t.text === "~")) {
      this.next();
      // Unary minus binds looser than ^ (-2^2 = -4).
      const operand = this.binary(8);
      if (t.text === "+") return operand;
      return map(operand, t.text === "-" ? (x) => -x : (x) => (x === 0 ? 1 : 0));
    }
    const value = this.primary();
    if (this.peek().text === "'" && this.peek().kind === "op") this.fail("transposes are not supported");
    return value;
  }

  private primary(): Matrix {
    const t = this.next();
    if (t.kind === "num") return scalar(t.value!);
    if (t.kind === "str") this.fail(`string '${t.text}' is not a number`);
    if (t.kind === "op" && t.text === "(") {
      const depth = this.bracketDepth;
      this.bracketDepth = 0;
      const value = this.expression();
      this.bracketDepth = depth;
      this.expect(")");
      return value;
    }
    if (t.kind === "op" && t.text === "[") return this.matrixLiteral();
    if (t.kind === "id") {
      if (t.text === "mpc") {
        this.expect(".");
        const field = this.next();
        if (field.kind !== "id") this.fail("expected a field name after mpc.");
        const value = this.fields.get(field.text);
        if (value === undefined) this.fail(`mpc.${field.text} is used before it is set`);
        if (!("data" in value)) this.fail(`mpc.${field.text} is not numeric`);
        if (this.peek().text === "(" && !this.peek().spaceBefore) return this.index(value);
        return value;
      }
      const variable = this.variables.get(t.text);
      if (variable) {
        if (this.peek().text === "(" && !this.peek().spaceBefore) return this.index(variable);
        return variable;
      }
      if (t.text in CONSTANTS) return scalar(CONSTANTS[t.text]);
      const fn = UNARY_FUNCTIONS[t.text];
      if (fn) {
        this.expect("(");
        const depth = this.bracketDepth;
        this.bracketDepth = 0;
        const arg = this.expression();
        this.bracketDepth = depth;
        this.expect(")");
        return map(arg, fn);
      }
      this.fail(`"${t.text}" is not a known variable, constant or supported function`);
    }
    this.fail(`unexpected "${t.text}"`);
  }

  /** `[a b; c d]`, `[PD, QD]`: rows of horizontally concatenated values. */
  private matrixLiteral(): Matrix {
    this.bracketDepth++;
    const rows: Matrix[][] = [[]];
    for (;;) {
      const t = this.peek();
      if (t.kind === "op" && t.text === "]") {
        this.next();
        break;
      }
      if (t.kind === "end") this.fail("unterminated [");
      if (t.kind === "op" && t.text === ",") {
        this.next();
        continue;
      }
      if (t.kind === "op" && t.text === ";") {
        this.next();
        rows.push([]);
        continue;
      }
      rows[rows.length - 1].push(this.expression());
    }
    this.bracketDepth--;
    const blocks = rows.filter((r) => r.length > 0).map((r) => concatenate(r, "horizontal", this));
    if (blocks.length === 0) return { rows: 0, cols: 0, data: new Float64Array(0) };
    return concatenate(blocks, "vertical", this);
  }

  private index(value: Matrix): Matrix {
    const [rowsArg, colsArg] = this.indexArguments(value);
    const rowList = rowsArg && "indices" in rowsArg ? rowsArg.indices : range(value.rows);
    const colList = colsArg && "indices" in colsArg ? colsArg.indices : range(value.cols);
    const out = new Float64Array(rowList.length * colList.length);
    rowList.forEach((r, i) =>
      colList.forEach((c, j) => {
        if (r > value.rows || c > value.cols)
          this.fail(`index (${r}, ${c}) is outside a ${value.rows}×${value.cols} matrix`);
        out[i * colList.length + j] = value.data[(r - 1) * value.cols + (c - 1)];
      }),
    );
    return { rows: rowList.length, cols: colList.length, data: out };
  }

  /** Parses `(rows, cols)`; a single argument is refused (linear indexing is not used by case files). */
  indexArguments(value: Matrix): [IndexArg, IndexArg] {
    this.expect("(");
    const args: IndexArg[] = [];
    const depth = this.bracketDepth;
    this.bracketDepth = 0;
    for (;;) {
      const t = this.peek();
      if (t.kind === "op" && t.text === ":" && [",", ")"].includes(this.tokens[this.pos + 1].text)) {
        this.next();
        args.push({ all: true });
      } else {
        const v = this.expression();
        const indices = Array.from(v.data);
        for (const k of indices)
          if (!Number.isInteger(k) || k < 1)
            this.fail(`index ${k} is not a positive integer (logical indexing is not supported)`);
        args.push({ indices });
      }
      const sep = this.next();
      if (sep.text === ")") break;
      if (sep.text !== ",") this.fail(`expected "," or ")" in an index, found "${sep.text}"`);
    }
    this.bracketDepth = depth;
    if (args.length !== 2)
      this.fail(
        `an index needs (rows, columns), got ${args.length} argument(s) for a ${value.rows}×${value.cols} matrix`,
      );
    return [args[0], args[1]];
  }

  private apply(op: string, a: Matrix, b: Matrix): Matrix {
    const isScalar = (m: Matrix) => m.rows === 1 && m.cols === 1;
    switch (op) {
      case "*":
        if (!isScalar(a) && !isScalar(b)) this.fail("matrix products are not supported");
        return elementwise(a, b, (x, y) => x * y, this);
      case "/":
        if (!isScalar(b)) this.fail("division by a matrix is not supported");
        return elementwise(a, b, (x, y) => x / y, this);
      case "^":
        if (!isScalar(a) || !isScalar(b)) this.fail("matrix powers are not supported");
        return scalar(a.data[0] ** b.data[0]);
      case ".*":
        return elementwise(a, b, (x, y) => x * y, this);
      case "./":
        return elementwise(a, b, (x, y) => x / y, this);
      case ".^":
        return elementwise(a, b, (x, y) => x ** y, this);
      case "+":
        return elementwise(a, b, (x, y) => x + y, this);
      case "-":
        return elementwise(a, b, (x, y) => x - y, this);
      case "==":
        return elementwise(a, b, (x, y) => (x === y ? 1 : 0), this);
      case "~=":
        return elementwise(a, b, (x, y) => (x !== y ? 1 : 0), this);
      case "<":
        return elementwise(a, b, (x, y) => (x < y ? 1 : 0), this);
      case "<=":
        return elementwise(a, b, (x, y) => (x <= y ? 1 : 0), this);
      case ">":
        return elementwise(a, b, (x, y) => (x > y ? 1 : 0), this);
      case ">=":
        return elementwise(a, b, (x, y) => (x >= y ? 1 : 0), this);
      case "&":
      case "&&":
        return elementwise(a, b, (x, y) => (x !== 0 && y !== 0 ? 1 : 0), this);
      case "|":
      case "||":
        return elementwise(a, b, (x, y) => (x !== 0 || y !== 0 ? 1 : 0), this);
    }
    this.fail(`operator ${op} is not supported`);
  }

  /** Parses the rest of a `{ 'a'; 'b' }` cell literal of strings. */
  cellOfStrings(): string[] {
    const out: string[] = [];
    for (;;) {
      const t = this.next();
      if (t.kind === "op" && t.text === "}") return out;
      if (t.kind === "str") out.push(t.text);
      else if (t.kind === "op" && (t.text === ";" || t.text === ",")) continue;
      else this.fail(`a cell array may hold only strings here, found "${t.text}"`);
    }
  }

  peekToken(offset = 0): Token {
    return this.tokens[this.pos + offset];
  }
  take(): Token {
    return this.next();
  }
  need(text: string): void {
    this.expect(text);
  }
  refuse(problem: string): never {
    this.fail(problem);
  }
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

function map(m: Matrix, fn: (x: number) => number): Matrix {
  return { rows: m.rows, cols: m.cols, data: m.data.map(fn) };
}

function elementwise(a: Matrix, b: Matrix, fn: (x: number, y: number) => number, at: Interpreter): Matrix {
  if (a.rows === 1 && a.cols === 1) return map(b, (y) => fn(a.data[0], y));
  if (b.rows === 1 && b.cols === 1) return map(a, (x) => fn(x, b.data[0]));
  if (a.rows !== b.rows || a.cols !== b.cols)
    at.refuse(`sizes ${a.rows}×${a.cols} and ${b.rows}×${b.cols} do not match`);
  return { rows: a.rows, cols: a.cols, data: a.data.map((x, i) => fn(x, b.data[i])) };
}

function concatenate(parts: Matrix[], direction: "horizontal" | "vertical", at: Interpreter): Matrix {
  const nonEmpty = parts.filter((p) => p.rows * p.cols > 0);
  if (nonEmpty.length === 0) return { rows: 0, cols: 0, data: new Float64Array(0) };
  if (direction === "horizontal") {
    const rows = nonEmpty[0].rows;
    if (nonEmpty.some((p) => p.rows !== rows)) at.refuse("rows of different heights in [ ]");
    const cols = nonEmpty.reduce((s, p) => s + p.cols, 0);
    const data = new Float64Array(rows * cols);
    let offset = 0;
    for (const p of nonEmpty) {
      for (let r = 0; r < rows; r++)
        for (let c = 0; c < p.cols; c++) data[r * cols + offset + c] = p.data[r * p.cols + c];
      offset += p.cols;
    }
    return { rows, cols, data };
  }
  const cols = nonEmpty[0].cols;
  if (nonEmpty.some((p) => p.cols !== cols))
    at.refuse(`matrix rows of different lengths (${nonEmpty.map((p) => p.cols).join(", ")} columns)`);
  const rows = nonEmpty.reduce((s, p) => s + p.rows, 0);
  const data = new Float64Array(rows * cols);
  let offset = 0;
  for (const p of nonEmpty) {
    data.set(p.data, offset);
    offset += p.data.length;
  }
  return { rows, cols, data };
}

/**
 * Reads a matrix literal made only of numbers quickly (the bulk of a large case file): one pass over the characters,
 * rows ended by ';', cells split on blanks and commas. Anything else (a name, an operator, a malformed number) makes
 * it answer undefined, and the interpreter's general path reads (or refuses) the literal.
 */
function fastNumericMatrix(body: string): Matrix | undefined {
  const values: number[] = [];
  let cols = -1;
  let rowCount = 0;
  let inRow = 0;
  const endRow = () => {
    if (inRow === 0) return;
    if (cols < 0) cols = inRow;
    else if (inRow !== cols)
      throw new GridImportError(`matrix row ${rowCount + 1} has ${inRow} columns, row 1 has ${cols}`);
    rowCount++;
    inRow = 0;
  };
  const n = body.length;
  let i = 0;
  while (i < n) {
    const ch = body.charCodeAt(i);
    if (ch === 59 /* ; */) {
      endRow();
      i++;
      continue;
    }
    if (ch === 32 || ch === 9 || ch === 10 || ch === 13 || ch === 44 /* blank or , */) {
      i++;
      continue;
    }
    let j = i;
    let plain = true; // only digits, '.', 'e', 'E', '+', '-'
    for (; j < n; j++) {
      const c = body.charCodeAt(j);
      if (c === 32 || c === 9 || c === 10 || c === 13 || c === 44 || c === 59) break;
      if (!((c >= 48 && c <= 57) || c === 46 || c === 101 || c === 69 || c === 43 || c === 45)) plain = false;
    }
    const token = body.slice(i, j);
    let value: number;
    if (plain) {
      value = Number(token);
      if (Number.isNaN(value)) return undefined;
    } else {
      const sign = token.startsWith("-") ? -1 : 1;
      const bare = token.replace(/^[-+]/, "").toLowerCase();
      if (bare === "inf") value = sign * Infinity;
      else if (bare === "nan") value = NaN;
      else return undefined;
    }
    values.push(value);
    inRow++;
    i = j;
  }
  endRow();
  if (rowCount === 0) return { rows: 0, cols: 0, data: new Float64Array(0) };
  return { rows: rowCount, cols, data: Float64Array.from(values) };
}

/**
 * Runs a MATPOWER case file. Refuses, naming the statement and line, anything it cannot interpret exactly: other
 * functions (loadcase, find, ...), loops, logical indexing, transposes, matrix products, and statements that are
 * not assignments.
 */
export function runMatlabCase(text: string): MatlabCase {
  const it = new Interpreter();
  const result: MatlabCase = { fields: it.fields };
  const list = statements(text);
  // if/else blocks: a stack of "is this branch running" flags.
  const running: { active: boolean; taken: boolean; parentActive: boolean }[] = [];
  const active = () => running.every((r) => r.active);
  for (const { text: stmt, line } of list) {
    const where = (problem: string) => new GridImportError(`MATPOWER case line ${line}: ${problem}`);
    try {
      const head = /^(\w+)\b/.exec(stmt)?.[1];
      if (head === "if" || head === "elseif" || head === "else" || head === "end") {
        if (head === "if") {
          const parentActive = active();
          let value = false;
          if (parentActive) value = truthy(evaluateCondition(it, stmt.slice(2), stmt));
          running.push({ active: value, taken: value, parentActive });
        } else if (head === "elseif" || head === "else") {
          const top = running[running.length - 1];
          if (!top) throw where(`"${head}" without "if"`);
          if (top.taken || !top.parentActive) top.active = false;
          else {
            const value = head === "else" ? true : truthy(evaluateCondition(it, stmt.slice(6), stmt));
            top.active = value;
            top.taken = value;
          }
        } else {
          if (!running.pop()) throw where(`"end" without "if"`);
        }
        continue;
      }
      if (!active()) continue;
      if (/^function\b/.test(stmt)) {
        const m = /^function\s+(?:\w+\s*=\s*)?(\w+)\s*$/.exec(stmt);
        if (!m) throw where(`cannot read the function line "${stmt}"`);
        if (result.functionName !== undefined) throw where("a second function in one case file is not supported");
        result.functionName = m[1];
        continue;
      }
      if (stmt === "define_constants") {
        for (const pairs of Object.values(IDX_FUNCTIONS)) for (const [n, v] of pairs) it.variables.set(n, scalar(v));
        continue;
      }
      if (/^(for|while|switch|try|return|function|global|persistent)\b/.test(stmt))
        throw where(`"${head}" statements are not supported: "${stmt}"`);
      // [A, B, ...] = idx_bus
      const multi = /^\[([\w\s,]+)\]\s*=\s*(\w+)\s*$/.exec(stmt);
      if (multi) {
        const pairs = IDX_FUNCTIONS[multi[2]];
        if (!pairs) throw where(`unknown function ${multi[2]} in "${stmt}"`);
        const names = multi[1].split(/[\s,]+/).filter(Boolean);
        if (names.length > pairs.length) throw where(`${multi[2]} returns ${pairs.length} values, not ${names.length}`);
        names.forEach((n, i) => n !== "~" && it.variables.set(n, scalar(pairs[i][1])));
        continue;
      }
      assignment(it, stmt);
    } catch (error) {
      if (error instanceof GridImportError && !error.message.startsWith("MATPOWER case line"))
        throw new GridImportError(`MATPOWER case line ${line}: ${error.message}`);
      throw error;
    }
  }
  if (running.length > 0) throw new GridImportError(`MATPOWER case: an "if" block is not closed by "end"`);
  return result;
}

function truthy(m: Matrix): boolean {
  return m.data.length > 0 && m.data.every((x) => x !== 0 && !Number.isNaN(x));
}

function evaluateCondition(it: Interpreter, text: string, stmt: string): Matrix {
  it.load(tokenize(text), stmt);
  const value = it.expression();
  if (!it.atEnd()) it.refuse(`unexpected "${it.peekToken().text}"`);
  return value;
}

function assignment(it: Interpreter, stmt: string): void {
  const eq = findAssignment(stmt);
  if (eq < 0) throw new GridImportError(`statement not understood (not an assignment): "${stmt}"`);
  const lhs = stmt.slice(0, eq).trim();
  const rhs = stmt.slice(eq + 1).trim();
  const field = /^mpc\.(\w+)$/.exec(lhs);
  const indexed = /^mpc\.(\w+)\s*\(/.exec(lhs);
  const variable = /^([A-Za-z_]\w*)$/.exec(lhs);
  if (field) {
    const name = field[1];
    if (rhs.startsWith("'") && rhs.endsWith("'") && !rhs.slice(1, -1).includes("'")) {
      it.fields.set(name, { text: rhs.slice(1, -1) });
      return;
    }
    if (rhs.startsWith("{")) {
      it.load(tokenize(rhs), stmt);
      it.need("{");
      it.fields.set(name, { cell: it.cellOfStrings() });
      if (!it.atEnd()) it.refuse(`unexpected "${it.peekToken().text}" after a cell array`);
      return;
    }
    if (rhs.startsWith("[") && rhs.endsWith("]")) {
      const fast = fastNumericMatrix(rhs.slice(1, -1));
      if (fast) {
        it.fields.set(name, fast);
        return;
      }
    }
    it.fields.set(name, evaluateAll(it, rhs, stmt));
    return;
  }
  if (indexed) {
    const target = it.fields.get(indexed[1]);
    if (target === undefined || !("data" in target))
      throw new GridImportError(`mpc.${indexed[1]} is assigned by index before it is set: "${stmt}"`);
    it.load(tokenize(lhs.slice(indexed[0].length - 1)), stmt);
    const [rowsArg, colsArg] = it.indexArguments(target);
    if (!it.atEnd()) it.refuse("unexpected text after the index");
    const value = evaluateAll(it, rhs, stmt);
    const rowList = "indices" in rowsArg ? rowsArg.indices : range(target.rows);
    const colList = "indices" in colsArg ? colsArg.indices : range(target.cols);
    const isScalar = value.rows === 1 && value.cols === 1;
    if (!isScalar && (value.rows !== rowList.length || value.cols !== colList.length))
      it.refuse(`assigning ${value.rows}×${value.cols} values to ${rowList.length}×${colList.length} elements`);
    rowList.forEach((r, i) =>
      colList.forEach((c, j) => {
        if (r > target.rows || c > target.cols)
          it.refuse(
            `index (${r}, ${c}) is outside mpc.${indexed[1]} (${target.rows}×${target.cols}); growing a matrix is not supported`,
          );
        target.data[(r - 1) * target.cols + (c - 1)] = isScalar ? value.data[0] : value.data[i * colList.length + j];
      }),
    );
    return;
  }
  if (variable) {
    it.variables.set(variable[1], evaluateAll(it, rhs, stmt));
    return;
  }
  throw new GridImportError(`assignment to "${lhs}" is not supported: "${stmt}"`);
}

/** Position of the assignment `=` (not part of ==, ~=, <=, >=) outside brackets, or -1. */
function findAssignment(stmt: string): number {
  let depth = 0;
  for (let i = 0; i < stmt.length; i++) {
    const c = stmt[i];
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") depth--;
    else if (c === "=" && depth === 0 && stmt[i + 1] !== "=" && !"~<>=".includes(stmt[i - 1] ?? "")) return i;
  }
  return -1;
}

function evaluateAll(it: Interpreter, text: string, stmt: string): Matrix {
  it.load(tokenize(text), stmt);
  const value = it.expression();
  if (!it.atEnd()) it.refuse(`unexpected "${it.peekToken().text}"`);
  return value;
}

// Reads MATPOWER case files (.m, format version 2: mpc.baseMVA, mpc.bus, mpc.gen, mpc.branch) into the
// FlexGrid network model in physical units, so the engine can be checked against published MATPOWER results.
import { GridImportError } from "../errors";
import { parseNetwork, type Network, type NetworkInput } from "../model";

const BUS_TYPE_PV = 2;
const BUS_TYPE_REF = 3;
const BUS_TYPE_ISOLATED = 4;

/** Extracts `mpc.<name> = [ ... ];` as rows of numbers (comments stripped, rows split on ';' or newlines). */
function matrix(text: string, name: string): number[][] {
  const match = new RegExp(`mpc\\.${name}\\s*=\\s*\\[([\\s\\S]*?)\\];`).exec(text);
  if (!match) throw new GridImportError(`MATPOWER case has no mpc.${name} matrix`);
  const body = match[1]
    .split("\n")
    .map((line) => line.replace(/%.*$/, ""))
    .join("\n");
  const rows: number[][] = [];
  for (const chunk of body.split(/[;\n]/)) {
    const cells = chunk
      .trim()
      .split(/[\s,]+/)
      .filter(Boolean);
    if (cells.length === 0) continue;
    const row = cells.map((c) => {
      const v = Number(c);
      if (!Number.isFinite(v)) throw new GridImportError(`mpc.${name}: "${c}" is not a number`);
      return v;
    });
    rows.push(row);
  }
  return rows;
}

function scalar(text: string, name: string): number {
  const match = new RegExp(`mpc\\.${name}\\s*=\\s*([-+0-9.eE]+)\\s*;`).exec(text);
  if (!match) throw new GridImportError(`MATPOWER case has no mpc.${name}`);
  return Number(match[1]);
}

/**
 * Parses a MATPOWER case. Recognises the two unit conversions some distribution cases (case33bw, case69)
 * append in code: branch r, x given in ohms (divided by Vbase²/Sbase) and loads in kW/kvar (divided by 1e3).
 */
export function parseMatpowerCase(text: string, name = "matpower-case"): Network {
  const baseMva = scalar(text, "baseMVA");
  const bus = matrix(text, "bus");
  const gen = matrix(text, "gen");
  const branch = matrix(text, "branch");
  const code = text.replace(/%.*$/gm, "");
  const ohmBranches =
    /mpc\.branch\(:,\s*\[BR_R\s+BR_X\]\)\s*=\s*mpc\.branch\(:,\s*\[BR_R\s+BR_X\]\)\s*\/\s*\(Vbase\^2\s*\/\s*Sbase\)/.test(
      code,
    );
  const kwLoads = /mpc\.bus\(:,\s*\[PD,\s*QD\]\)\s*=\s*mpc\.bus\(:,\s*\[PD,\s*QD\]\)\s*\/\s*1e3/.test(code);

  const kvOf = new Map<number, number>();
  const typeOf = new Map<number, number>();
  const input: NetworkInput = {
    name,
    baseMva,
    buses: [],
    lines: [],
    transformers: [],
    loads: [],
    generators: [],
    slacks: [],
  };
  const loadScale = kwLoads ? 1 : 1000;
  for (const row of bus) {
    if (row.length < 13) throw new GridImportError(`mpc.bus row for bus ${row[0]} has ${row.length} columns, not 13`);
    const [id, type, pd, qd, gs, bs, , vm, va, baseKv, , vmax, vmin] = row;
    if (type === BUS_TYPE_ISOLATED) continue;
    const kv = baseKv > 0 ? baseKv : 1;
    kvOf.set(id, kv);
    typeOf.set(id, type);
    input.buses.push({
      id: String(id),
      nominalKv: kv,
      vMinPu: vmin > 0 ? vmin : undefined,
      vMaxPu: vmax > 0 ? vmax : undefined,
      shuntKw: gs * 1000,
      shuntKvar: bs * 1000,
    });
    if (pd !== 0 || qd !== 0)
      input.loads!.push({ id: `load-${id}`, bus: String(id), pKw: pd * loadScale, qKvar: qd * loadScale });
    if (type === BUS_TYPE_REF) input.slacks!.push({ bus: String(id), vPu: vm, angleDeg: va });
  }
  const vbaseKv = bus[0]?.[9] ?? 0;
  const zScale = ohmBranches ? 1 / ((vbaseKv * vbaseKv) / baseMva) : 1;

  gen.forEach((row, g) => {
    const [busId, pg, qg, , , vg, , status] = row;
    const type = typeOf.get(busId);
    if (type === undefined) throw new GridImportError(`mpc.gen row ${g + 1} is at unknown or isolated bus ${busId}`);
    if (status <= 0) return;
    if (type === BUS_TYPE_REF) {
      // MATPOWER holds the reference voltage at the generator's set point.
      const slack = input.slacks!.find((s) => s.bus === String(busId))!;
      slack.vPu = vg;
    }
    input.generators!.push({
      id: `gen-${g + 1}`,
      bus: String(busId),
      pKw: pg * 1000,
      qKvar: qg * 1000,
      vSetPu: type === BUS_TYPE_PV ? vg : undefined,
    });
  });

  branch.forEach((row, k) => {
    if (row.length < 11) throw new GridImportError(`mpc.branch row ${k + 1} has ${row.length} columns, not 11+`);
    const [f, t, r0, x0, b, rateA, , , ratio, angle, status] = row;
    const r = r0 * zScale;
    const x = x0 * zScale;
    const from = String(f);
    const to = String(t);
    if (!kvOf.has(f) || !kvOf.has(t)) {
      if (status > 0)
        throw new GridImportError(`mpc.branch row ${k + 1} connects unknown or isolated bus ${f} or ${t}`);
      return;
    }
    const kvFrom = kvOf.get(f)!;
    const kvTo = kvOf.get(t)!;
    const id = `branch-${k + 1}`;
    const isTransformer = (ratio !== 0 && ratio !== 1) || angle !== 0 || kvFrom !== kvTo;
    if (!isTransformer) {
      const zBase = (kvFrom * kvFrom) / baseMva;
      input.lines!.push({
        id,
        from,
        to,
        rOhm: r * zBase,
        xOhm: x * zBase,
        bMicroS: (b / zBase) * 1e6,
        ampacityA: rateA > 0 ? (rateA * 1000) / (Math.sqrt(3) * kvFrom) : undefined,
        inService: status > 0,
      });
    } else {
      // Express the per-unit impedance on a rating base (rateA, else the system base); charging is dropped
      // because the transformer model has none (MATPOWER transformer rows normally carry b = 0).
      const ratedMva = rateA > 0 ? rateA : baseMva;
      const z = Math.hypot(r, x);
      input.transformers!.push({
        id,
        hvBus: from,
        lvBus: to,
        ratedMva,
        vkPercent: z * (ratedMva / baseMva) * 100 * (x < 0 ? -1 : 1),
        vkrPercent: r * (ratedMva / baseMva) * 100,
        tapRatio: ratio === 0 ? 1 : ratio,
        shiftDeg: angle,
        inService: status > 0,
      });
    }
  });
  return parseNetwork(input);
}

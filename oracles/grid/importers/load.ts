// Reads a case file of any supported format: MATPOWER .m, FlexGrid JSON, or pandapower-style JSON.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { GridImportError } from "../errors";
import { parseNetwork, type Network } from "../model";
import { parseMatpowerCase } from "./matpower";
import { parsePandapowerJson } from "./pandapower";

/** Parses case text; `fileName` picks the format (.m is MATPOWER, .json is FlexGrid or pandapower). */
export function parseCase(text: string, fileName: string): Network {
  const name = basename(fileName).replace(/\.(m|json)$/, "");
  if (fileName.endsWith(".m")) return parseMatpowerCase(text, name);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new GridImportError(`${fileName} is not valid JSON: ${(error as Error).message}`);
  }
  const object = json as Record<string, unknown>;
  // pandapower nets have ext_grid/trafo tables or the `pandapowerNet` wrapper; FlexGrid models have `buses`.
  if (
    object &&
    (object._class === "pandapowerNet" || "ext_grid" in object || ("bus" in object && !("buses" in object)))
  )
    return parsePandapowerJson(json, name);
  return parseNetwork(json);
}

export function loadCaseFile(path: string): Network {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new GridImportError(`cannot read case file ${path}: ${(error as Error).message}`);
  }
  return parseCase(text, path);
}

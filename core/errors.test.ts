// The core's errors: every part's typed errors are FlexGridErrors (the CLI prints their message, never a stack), and
// parseWith names each bad field of an input by its path.
import { expect } from "chai";
import { z } from "zod";
import { FlexGridError, parseWith, ValidationError } from "./errors";
import { GridImportError } from "../oracles/grid/errors";

describe("core errors", function () {
  it("lists every bad field of an input with its path, under the input's name", function () {
    const schema = z.object({ pod: z.string().min(1), slots: z.array(z.number().int()).length(2) });
    let error: unknown;
    try {
      parseWith(schema, { pod: "", slots: [1, 2.5] }, "baseline");
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(ValidationError);
    const validation = error as ValidationError;
    expect(validation.code).to.equal("VALIDATION");
    expect(validation.issues.map((i) => i.split(":")[0])).to.deep.equal(["pod", "slots.1"]);
    expect(validation.message).to.match(/^invalid baseline: pod: /);
  });

  it("makes the grid engine's errors FlexGridErrors, with their code", function () {
    const error = new GridImportError("case.m: unknown statement");
    expect(error).to.be.instanceOf(FlexGridError);
    expect(error.code).to.equal("GRID_IMPORT");
    expect(error.name).to.equal("GridImportError");
  });
});

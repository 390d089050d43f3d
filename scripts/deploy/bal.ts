// Deploy step: the BAL's contracts — LightNodeRegistry (Light Node keys) and MeasurementAnchor (batch roots).
import type { DeployStep } from "./context";

export const balStep: DeployStep = {
  name: "bal",
  async deploy(ctx) {
    const roles = ctx.address("RoleRegistry");
    const registry = await ctx.deploy("LightNodeRegistry", "LightNodeRegistry", [roles]);
    await ctx.deploy("MeasurementAnchor", "MeasurementAnchor", [roles, registry]);
  },
};

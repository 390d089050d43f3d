// The PoD registration form's rules: a PoD code the chain can hold (printable ASCII, 1..32 bytes), integer kW within
// uint32, cos φ in (0, 1]. The registry checks the rest (flexibility within the contract) and its error is shown.
import { z } from "zod";
import { gridIdSchema } from "../../../../protocol/src/ids";

const UINT32_MAX = 0xffffffff;
const kw = z.coerce
  .number({ error: "a number" })
  .int("whole kW")
  .min(0, "cannot be negative")
  .max(UINT32_MAX, "too large");

export const podSchema = z.object({
  code: gridIdSchema,
  voltageLevel: z.enum(["LV", "MV", "HV"]),
  contractualPowerWithdrawnKw: kw,
  contractualPowerInjectedKw: kw,
  cosPhi: z.coerce.number({ error: "a number" }).gt(0, "above 0").max(1, "at most 1"),
  maxUpKw: kw,
  maxDownKw: kw,
});
export type PodFormInput = z.input<typeof podSchema>;
export type PodFormValues = z.output<typeof podSchema>;

export const VOLTAGE_LEVELS = ["LV", "MV", "HV"] as const;

/** The registry's PodData from the form (cos φ × 1000 as the chain keeps it). */
export function podDataOf(values: PodFormValues) {
  return {
    voltageLevel: VOLTAGE_LEVELS.indexOf(values.voltageLevel),
    contractualPowerWithdrawnKw: values.contractualPowerWithdrawnKw,
    contractualPowerInjectedKw: values.contractualPowerInjectedKw,
    cosPhiMilli: Math.round(values.cosPhi * 1000),
    maxUpKw: values.maxUpKw,
    maxDownKw: values.maxDownKw,
    remunerationScheme: "0x0000000000000000000000000000000000000000" as const,
  };
}

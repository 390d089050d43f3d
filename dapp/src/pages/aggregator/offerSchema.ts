// The offer form's rules, checked before anything is signed: a price-step curve of 1..10 steps with positive
// quantities and non-decreasing prices whose total stays within the PoD's qualified limit in that direction,
// slots inside the session, and an energy for block offers. The contract checks the same and has the last word.
import { z } from "zod";

export const MAX_STEPS = 10;

export interface PodLimits {
  qualifiedUpKw: number;
  qualifiedDownKw: number;
}

export function offerSchema(
  limits: PodLimits | undefined,
  session: { firstSlot: number; slotCount: number } | undefined,
) {
  return z
    .object({
      sessionId: z.string().min(1, "choose a session"),
      podCode: z.string().min(1, "choose a PoD"),
      kind: z.enum(["SingleSlot", "Block"]),
      direction: z.enum(["Up", "Down"]),
      firstSlot: z.coerce.number().int().min(0).max(95),
      lastSlot: z.coerce.number().int().min(0).max(95),
      energyKwh: z.coerce.number().int().min(0),
      steps: z
        .array(
          z.object({
            quantityKw: z.coerce.number({ error: "a number" }).int("whole kW").positive("must be above 0 kW"),
            priceEurPerKw: z.coerce
              .number({ error: "a number" })
              .min(0, "cannot be negative")
              .max(4_000_000, "too high"),
          }),
        )
        .min(1, "at least one price step")
        .max(MAX_STEPS, `at most ${MAX_STEPS} steps`),
    })
    .superRefine((offer, ctx) => {
      offer.steps.forEach((step, i) => {
        if (i > 0 && step.priceEurPerKw < offer.steps[i - 1]!.priceEurPerKw)
          ctx.addIssue({
            code: "custom",
            path: ["steps", i, "priceEurPerKw"],
            message: "prices must not decrease from step to step",
          });
      });
      const total = offer.steps.reduce((sum, s) => sum + s.quantityKw, 0);
      const limit = limits ? (offer.direction === "Up" ? limits.qualifiedUpKw : limits.qualifiedDownKw) : undefined;
      if (limit !== undefined && total > limit)
        ctx.addIssue({
          code: "custom",
          path: ["steps"],
          message: `the curve totals ${total} kW, above the PoD's qualified ${offer.direction === "Up" ? "upward" : "downward"} limit of ${limit} kW`,
        });
      // A single-slot offer has one slot: its (hidden) last slot is the first, whatever the field holds.
      const lastSlot = offer.kind === "Block" ? offer.lastSlot : offer.firstSlot;
      if (lastSlot < offer.firstSlot)
        ctx.addIssue({ code: "custom", path: ["lastSlot"], message: "the last slot comes before the first" });
      if (session) {
        const end = session.firstSlot + session.slotCount - 1;
        if (offer.firstSlot < session.firstSlot || lastSlot > end)
          ctx.addIssue({
            code: "custom",
            path: ["firstSlot"],
            message: `the session covers slots ${session.firstSlot}–${end}`,
          });
      }
      if (offer.kind === "Block" && offer.energyKwh <= 0)
        ctx.addIssue({ code: "custom", path: ["energyKwh"], message: "a block offer needs its energy (kWh)" });
    });
}
export type OfferFormInput = z.input<ReturnType<typeof offerSchema>>;
export type OfferFormValues = z.output<ReturnType<typeof offerSchema>>;

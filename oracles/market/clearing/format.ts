// Human-readable rendering of a clearing result (kW, EUR), for the CLI.
import { MICRO_EUR_PER_EUR, W_PER_KW, type ClearingResult } from "./types";

const kw = (w: number): string => (w / W_PER_KW).toFixed(3);
const eur = (micro: number): string => {
  const text = (micro / MICRO_EUR_PER_EUR).toFixed(6).replace(/0+$/, "");
  return /\.\d\d/.test(text) ? text : (micro / MICRO_EUR_PER_EUR).toFixed(2);
};
const eurPerKw = (micro: number | null): string => (micro === null ? "-" : (micro / MICRO_EUR_PER_EUR).toString());

export function formatClearingResult(result: ClearingResult, inputHash: string): string {
  const lines: string[] = [];
  lines.push(`clearing (${result.method}, ${result.pricing}), input hash ${inputHash}`);
  for (const r of result.requests) {
    lines.push(
      `request ${r.requestId} ${r.by} slot ${r.slot}: need ${kw(r.needW)} kW, served ${kw(r.servedW)} kW, ` +
        `clearing price ${eurPerKw(r.clearingPriceMicroEurPerKw)} EUR/kW`,
    );
    for (const a of result.awards.filter((x) => x.requestId === r.requestId)) {
      const step = a.stepIndex < 0 ? "block" : `step ${a.stepIndex}`;
      lines.push(
        `  ${a.pod}  ${kw(a.powerW).padStart(12)} kW  offer ${a.offerId} (${step}) bid ${eurPerKw(a.offerPriceMicroEurPerKw)}` +
          `  paid ${eurPerKw(a.paidPriceMicroEurPerKw)} EUR/kW = ${eur(a.paymentMicroEur)} EUR`,
      );
    }
  }
  for (const b of result.blocks)
    lines.push(
      `block ${b.offerId} ${b.pod}: ${kw(b.deltaW)} kW, slots ${b.startSlot}..${b.startSlot + b.durationSlots - 1}, ` +
        `paid ${eur(b.paymentMicroEur)} EUR`,
    );
  lines.push(`total paid ${eur(result.totalPaymentMicroEur)} EUR (bid cost ${eur(result.totalBidCostMicroEur)} EUR)`);
  return lines.join("\n");
}

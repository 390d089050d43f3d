// Register a PoD, or edit one of yours (same code): its connection data and declared flexibility. The DSO then maps
// it to its PoM and prequalifies it; an edit that changes the flexibility sends it back to prequalification.
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { podRegistryAbi } from "../../generated/contracts";
import { useContractAddress } from "../../RuntimeContext";
import { useTransaction } from "../../chain/useTransaction";
import { TxStatus } from "../../components/TxStatus";
import type { PodRow } from "../../data/queries";
import { podIdOf } from "../../chain/ids";
import { podDataOf, podSchema, VOLTAGE_LEVELS, type PodFormInput, type PodFormValues } from "./podSchema";

const FIELDS = [
  ["contractualPowerWithdrawnKw", "Contractual power withdrawn (kW)"],
  ["contractualPowerInjectedKw", "Contractual power injected (kW)"],
  ["cosPhi", "cos φ"],
  ["maxUpKw", "Max upward flexibility (kW)"],
  ["maxDownKw", "Max downward flexibility (kW)"],
] as const;

export function PodForm({ pods }: { pods: PodRow[] }) {
  const registry = useContractAddress("PodRegistry");
  const tx = useTransaction();
  const { register, handleSubmit, watch, formState } = useForm<PodFormInput, unknown, PodFormValues>({
    resolver: zodResolver(podSchema),
    defaultValues: {
      code: "",
      voltageLevel: "LV",
      contractualPowerWithdrawnKw: 6,
      contractualPowerInjectedKw: 0,
      cosPhi: 0.95,
      maxUpKw: 0,
      maxDownKw: 3,
    },
  });
  const existing = pods.find((p) => p.code === watch("code") && p.status === "Registered");
  const onSubmit = handleSubmit(async (values) => {
    tx.reset();
    await tx.send({
      address: registry!,
      abi: podRegistryAbi,
      functionName: existing ? "updatePod" : "registerPod",
      args: [podIdOf(values.code), podDataOf(values)],
    });
  });
  const err = formState.errors;
  return (
    <form className="card" onSubmit={onSubmit} aria-labelledby="pod-title" noValidate>
      <h3 id="pod-title">Register or edit a PoD</h3>
      <label htmlFor="pod-code">PoD code</label>
      <input id="pod-code" placeholder="IT002E…" {...register("code")} aria-invalid={Boolean(err.code)} />
      {err.code && <p className="field-error">{err.code.message}</p>}
      {existing && (
        <p className="muted">
          {existing.code} is yours: submitting updates it (a flexibility change needs a new prequalification).
        </p>
      )}
      <label htmlFor="pod-voltage">Voltage level</label>
      <select id="pod-voltage" {...register("voltageLevel")}>
        {VOLTAGE_LEVELS.map((v) => (
          <option key={v}>{v}</option>
        ))}
      </select>
      <div className="row">
        {FIELDS.map(([name, label]) => (
          <div key={name}>
            <label htmlFor={`pod-${name}`}>{label}</label>
            <input
              id={`pod-${name}`}
              type="number"
              step={name === "cosPhi" ? "0.001" : "1"}
              {...register(name)}
              aria-invalid={Boolean(err[name])}
            />
            {err[name] && <p className="field-error">{err[name]!.message}</p>}
          </div>
        ))}
      </div>
      <button type="submit" disabled={!registry || tx.state.phase === "signing" || tx.state.phase === "pending"}>
        {existing ? "Update PoD" : "Register PoD"}
      </button>
      <TxStatus state={tx.state} />
    </form>
  );
}

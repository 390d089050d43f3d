// Offer form: session, PoD (its qualified limits shown), single slot or block, direction, and a price-step curve
// editor (add/remove steps, cumulative kW against the limit). zod checks it all before the wallet is asked.
import { lazy, Suspense } from "react";
import { useFieldArray, useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { flexMarketAbi } from "../../generated/contracts";
import { useContractAddress } from "../../RuntimeContext";
import { useTransaction } from "../../chain/useTransaction";
import { TxStatus } from "../../components/TxStatus";
import { Countdown, useChainNow } from "../../components/Countdown";
import type { PodRow, SessionRow } from "../../data/queries";
import { eurPerKwToMilli, formatKw } from "../../units";
import { podIdOf } from "../../chain/ids";
import { MAX_STEPS, offerSchema, type OfferFormInput, type OfferFormValues } from "./offerSchema";

const Chart = lazy(() => import("../../components/Chart"));

export function OfferForm({ pods, sessions }: { pods: PodRow[]; sessions: SessionRow[] }) {
  const market = useContractAddress("FlexMarket");
  const tx = useTransaction();
  const now = useChainNow();
  const form = useForm<OfferFormInput, unknown, OfferFormValues>({
    defaultValues: {
      sessionId: sessions[0]?.sessionId ?? "",
      podCode: pods.find((p) => p.qualifiedUpKw > 0 || p.qualifiedDownKw > 0)?.code ?? pods[0]?.code ?? "",
      kind: "SingleSlot",
      direction: "Up",
      firstSlot: sessions[0]?.firstSlot ?? 0,
      lastSlot: sessions[0]?.firstSlot ?? 0,
      energyKwh: 0,
      steps: [{ quantityKw: 10, priceEurPerKw: 0.2 }],
    },
    // The schema depends on the chosen PoD and session: resolve against the current ones.
    resolver: (values, context, options) => {
      const pod = pods.find((p) => p.code === values.podCode);
      const session = sessions.find((s) => s.sessionId === values.sessionId);
      return zodResolver(offerSchema(pod, session))(values, context, options);
    },
  });
  const { register, control, handleSubmit, watch, formState } = form;
  const steps = useFieldArray({ control, name: "steps" });
  const pod = pods.find((p) => p.code === watch("podCode"));
  const session = sessions.find((s) => s.sessionId === watch("sessionId"));
  const direction = watch("direction");
  const kind = watch("kind");
  const curve = watch("steps");
  const limit = pod ? (direction === "Up" ? pod.qualifiedUpKw : pod.qualifiedDownKw) : undefined;
  let cumulative = 0;
  const cumulativeKw = curve.map((s) => (cumulative += Number(s.quantityKw) || 0));

  const onSubmit = handleSubmit(async (offer) => {
    tx.reset();
    await tx.send({
      address: market!,
      abi: flexMarketAbi,
      functionName: "submitOffer",
      args: [
        {
          sessionId: BigInt(offer.sessionId),
          podId: podIdOf(offer.podCode),
          kind: offer.kind === "SingleSlot" ? 0 : 1,
          direction: offer.direction === "Up" ? 0 : 1,
          firstSlot: offer.firstSlot,
          lastSlot: offer.kind === "SingleSlot" ? offer.firstSlot : offer.lastSlot,
          energyKwh: offer.kind === "Block" ? offer.energyKwh : 0,
          steps: offer.steps.map((s) => ({
            quantityKw: s.quantityKw,
            priceMilliEurPerKw: eurPerKwToMilli(s.priceEurPerKw),
          })),
        },
      ],
    });
  });
  const err = formState.errors;
  return (
    <form className="card" onSubmit={onSubmit} aria-labelledby="offer-title" noValidate>
      <h3 id="offer-title">Offer</h3>
      <label htmlFor="offer-session">Session</label>
      <select id="offer-session" {...register("sessionId")}>
        {sessions.map((s) => (
          <option key={s.id} value={s.sessionId}>
            #{s.sessionId} {s.kind === "DayAhead" ? "day-ahead" : "real-time"} day {s.day} ({s.status})
          </option>
        ))}
      </select>
      {session && <Countdown targetSeconds={Number(session.gateClosureTime)} nowSeconds={now} />}
      <label htmlFor="offer-pod">PoD</label>
      <select id="offer-pod" {...register("podCode")}>
        {pods.map((p) => (
          <option key={p.id} value={p.code}>
            {p.code} ({p.qualification})
          </option>
        ))}
      </select>
      {pod && (
        <p className="muted" data-testid="offer-limits">
          Qualified limits: up {formatKw(pod.qualifiedUpKw)}, down {formatKw(pod.qualifiedDownKw)}.
        </p>
      )}
      <fieldset>
        <legend>Kind and direction</legend>
        <label>
          <input type="radio" value="SingleSlot" {...register("kind")} /> single slot
        </label>
        <label>
          <input type="radio" value="Block" {...register("kind")} /> block
        </label>
        <label>
          <input type="radio" value="Up" {...register("direction")} /> up
        </label>
        <label>
          <input type="radio" value="Down" {...register("direction")} /> down
        </label>
      </fieldset>
      <div className="row">
        <div>
          <label htmlFor="offer-first">{kind === "Block" ? "First slot" : "Slot"}</label>
          <input id="offer-first" type="number" {...register("firstSlot")} aria-invalid={Boolean(err.firstSlot)} />
        </div>
        {kind === "Block" && (
          <>
            <div>
              <label htmlFor="offer-last">Last slot</label>
              <input id="offer-last" type="number" {...register("lastSlot")} aria-invalid={Boolean(err.lastSlot)} />
            </div>
            <div>
              <label htmlFor="offer-energy">Energy (kWh)</label>
              <input id="offer-energy" type="number" {...register("energyKwh")} aria-invalid={Boolean(err.energyKwh)} />
            </div>
          </>
        )}
      </div>
      {err.firstSlot && <p className="field-error">{err.firstSlot.message}</p>}
      {err.lastSlot && <p className="field-error">{err.lastSlot.message}</p>}
      {err.energyKwh && <p className="field-error">{err.energyKwh.message}</p>}
      <fieldset>
        <legend>Price steps (cheapest first)</legend>
        {steps.fields.map((field, i) => (
          <div className="row step" key={field.id}>
            <div>
              <label htmlFor={`step-${i}-kw`}>Step {i + 1} kW</label>
              <input
                id={`step-${i}-kw`}
                type="number"
                min={1}
                {...register(`steps.${i}.quantityKw`)}
                aria-invalid={Boolean(err.steps?.[i]?.quantityKw)}
              />
            </div>
            <div>
              <label htmlFor={`step-${i}-price`}>EUR/kW</label>
              <input
                id={`step-${i}-price`}
                type="number"
                step="0.001"
                min={0}
                {...register(`steps.${i}.priceEurPerKw`)}
                aria-invalid={Boolean(err.steps?.[i]?.priceEurPerKw)}
              />
            </div>
            <span className={limit !== undefined && cumulativeKw[i]! > limit ? "over" : "muted"}>
              Σ {cumulativeKw[i]} kW{limit !== undefined ? ` / ${limit}` : ""}
            </span>
            <button
              type="button"
              onClick={() => steps.remove(i)}
              disabled={steps.fields.length === 1}
              aria-label={`Remove step ${i + 1}`}
            >
              −
            </button>
            {err.steps?.[i]?.quantityKw && <p className="field-error">{err.steps[i]!.quantityKw!.message}</p>}
            {err.steps?.[i]?.priceEurPerKw && <p className="field-error">{err.steps[i]!.priceEurPerKw!.message}</p>}
          </div>
        ))}
        <button
          type="button"
          onClick={() =>
            steps.append({ quantityKw: 5, priceEurPerKw: Number(curve[curve.length - 1]?.priceEurPerKw ?? 0.2) })
          }
          disabled={steps.fields.length >= MAX_STEPS}
        >
          Add step
        </button>
        {(err.steps?.root ?? err.steps)?.message && (
          <p className="field-error" role="alert">
            {(err.steps?.root ?? err.steps)!.message}
          </p>
        )}
      </fieldset>
      <Suspense fallback={null}>
        <Chart
          title="Offer curve"
          unit="EUR/kW"
          height={180}
          categories={cumulativeKw.map((kw) => `${kw} kW`)}
          series={[{ name: "price", type: "bar", values: curve.map((s) => Number(s.priceEurPerKw) || 0) }]}
        />
      </Suspense>
      <button type="submit" disabled={!market || tx.state.phase === "signing" || tx.state.phase === "pending"}>
        Submit offer
      </button>
      <TxStatus state={tx.state} />
    </form>
  );
}

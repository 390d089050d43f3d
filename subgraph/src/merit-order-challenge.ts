// MeritOrderChallenge: a session whose clearing was proven wrong (merit order violated) is voided and never settled.
import { SessionResultVoided } from "../generated/MeritOrderChallenge/MeritOrderChallenge";
import { Session } from "../generated/schema";

export function handleSessionResultVoided(event: SessionResultVoided): void {
  const session = Session.load(event.params.sessionId.toString());
  if (session == null) return;
  session.voided = true;
  session.save();
}

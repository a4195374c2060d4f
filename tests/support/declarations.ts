import { AGGREGATOR_ACCESS } from "../../functions/aggregator/access";
import { APPLICATION_ACCESS } from "../../functions/application/access";
import { CAPTURE_ACCESS } from "../../functions/capture/access";
import { TRAIL_REPLAY_ACCESS } from "../../functions/capture/trailAccess";
import { COMMAND_CONTROL_ACCESS } from "../../functions/commandControl/access";
import { FORWARDER_ACCESS } from "../../functions/forwarder/access";
import { HEALTH_ACCESS } from "../../functions/health/access";
import { PROBE_CERTIFICATE_ACCESS } from "../../functions/probeCertificate/access";
import { READINESS_ACCESS } from "../../functions/readiness/access";
import { RECONCILER_ACCESS, SWEEP_MACHINE_ACCESS } from "../../functions/reconciler/access";
import { RECONNECT_ACCESS } from "../../functions/reconnect/access";
import { AccessDeclaration } from "../../functions/shared/access";

/** Every access declaration, by a name for test titles. */
export const DECLARATIONS: Record<string, AccessDeclaration> = {
  aggregator: AGGREGATOR_ACCESS,
  application: APPLICATION_ACCESS,
  capture: CAPTURE_ACCESS,
  "trail replay": TRAIL_REPLAY_ACCESS,
  "command & control API": COMMAND_CONTROL_ACCESS,
  forwarder: FORWARDER_ACCESS,
  "health handlers": HEALTH_ACCESS,
  reconciler: RECONCILER_ACCESS,
  "sweep state machine": SWEEP_MACHINE_ACCESS,
  reconnect: RECONNECT_ACCESS,
  "probe certificate issuer": PROBE_CERTIFICATE_ACCESS,
  "readiness check": READINESS_ACCESS,
};

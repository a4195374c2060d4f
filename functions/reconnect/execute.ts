import { DevicesPort } from "./iot";
import { ReconnectPlan } from "./instruction";

/** Disconnects at most this many clients at once: DeleteConnection has a per-account TPS quota. */
const DISCONNECT_CONCURRENCY = 10;

export interface ReconnectOutcome {
  published: boolean;
  displaced: number;
  displaceFailures: number;
}

/**
 * Option 1 always: publish the instruction to the region being left. Option 2 when configured:
 * disconnect every client still connected there, so even devices that ignore the instruction
 * reconnect and re-resolve the domain. The publish failing (the region may be down) does not stop
 * the displacement, and neither failing throws: DNS already moved, this only speeds devices up.
 */
export async function executePlan(
  plan: ReconnectPlan,
  devices: DevicesPort,
): Promise<ReconnectOutcome> {
  let published = true;
  try {
    await devices.publish(plan.leave, plan.topic, plan.payload);
  } catch {
    published = false;
  }
  let displaced = 0;
  let displaceFailures = 0;
  if (plan.displaceSessions) {
    let clients: string[] = [];
    try {
      clients = await devices.connectedClients(plan.leave);
    } catch {
      displaceFailures++;
    }
    for (let i = 0; i < clients.length; i += DISCONNECT_CONCURRENCY) {
      const batch = clients.slice(i, i + DISCONNECT_CONCURRENCY);
      const results = await Promise.allSettled(
        batch.map((clientId) => devices.disconnect(plan.leave, clientId)),
      );
      displaced += results.filter((r) => r.status === "fulfilled").length;
      displaceFailures += results.filter((r) => r.status === "rejected").length;
    }
  }
  return { published, displaced, displaceFailures };
}

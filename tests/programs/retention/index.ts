import * as aws from "@pulumi/aws";

const bus = new aws.cloudwatch.EventBus("telemetry", { name: "telemetry" });

// The test that plans this program puts a registry here, to learn when a run's resource is
// collected. Not a WeakRef: V8 keeps a WeakRef's target alive for the rest of the job.
const probe = (globalThis as { retentionProbe?: FinalizationRegistry<number> }).retentionProbe;
const runs = globalThis as { retentionRuns?: number };
runs.retentionRuns = (runs.retentionRuns ?? 0) + 1;
probe?.register(bus, runs.retentionRuns);

// An output that reaches the resource, as every real program's exports do.
export const busArn = bus.arn;

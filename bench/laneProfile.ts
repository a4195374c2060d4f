/**
 * Where the reconciler containers' batch time goes, for BENCH_TRACE=1 npm run -s
 * bench:replication: per API, the time calls waited for the pacer's turn, the time in the SDK call
 * (its limiter, retries and IoT's service time), the time the API had a turn or a call outstanding
 * in the batch (busy), and the batch's tail after its last call of the API (the lane then waits
 * for the rest of its batch). Figures are per batch or per call, in virtual milliseconds.
 */
import type { IotCall } from "../functions/reconciler/calls";
import type { ReconcilerIotPort } from "../functions/reconciler/iot";
import type { Pacer } from "../functions/reconciler/pacer";
import type { Clock } from "../functions/shared/clock";

interface ApiTotals {
  pacerMs: number;
  turns: number;
  callMs: number;
  calls: number;
  busyMs: number;
  tailMs: number;
}

export class LaneProfile {
  private readonly apis = new Map<string, ApiTotals>();
  private batches = 0;
  private batchMs = 0;
  private records = 0;

  constructor(private readonly clock: Clock) {}

  private totalsOf(api: string): ApiTotals {
    let totals = this.apis.get(api);
    const zero = { pacerMs: 0, turns: 0, callMs: 0, calls: 0, busyMs: 0, tailMs: 0 };
    if (!totals) this.apis.set(api, (totals = zero));
    return totals;
  }

  /** One batch's pacer and port, timed; `end` adds the batch (a killed one is left out). */
  batch(pacer: Pacer, port: ReconcilerIotPort) {
    const { clock } = this;
    const started = clock.now();
    const open = new Map<string, { n: number; since: number; busy: number; last: number }>();
    const timed = <T>(api: string, kind: "pacer" | "call", work: Promise<T>): Promise<T> => {
      const t0 = clock.now();
      const o = open.get(api) ?? { n: 0, since: 0, busy: 0, last: NaN };
      open.set(api, o);
      if (o.n++ === 0) o.since = t0;
      return work.finally(() => {
        if (--o.n === 0) o.busy += clock.now() - o.since;
        const totals = this.totalsOf(api);
        if (kind === "pacer") {
          totals.pacerMs += clock.now() - t0;
          totals.turns += 1;
        } else {
          totals.callMs += clock.now() - t0;
          totals.calls += 1;
          o.last = clock.now();
        }
      });
    };
    return {
      pacer: {
        take: (api: string) => timed(api, "pacer", pacer.take(api)),
        refund: (api: string) => pacer.refund(api),
      } satisfies Pacer,
      port: {
        ...port,
        send: (c: IotCall) => timed(c.api, "call", port.send(c)),
      } satisfies ReconcilerIotPort,
      end: (records: number) => {
        this.batches += 1;
        this.batchMs += clock.now() - started;
        this.records += records;
        for (const [api, o] of open) {
          const totals = this.totalsOf(api);
          totals.busyMs += o.busy;
          if (!Number.isNaN(o.last)) totals.tailMs += clock.now() - o.last;
        }
      },
    };
  }

  report() {
    const per = (total: number, n: number) => (n ? Math.round(total / n) : 0);
    return {
      batches: this.batches,
      batchMs: per(this.batchMs, this.batches),
      recordsPerBatch: per(this.records * 10, this.batches) / 10,
      apis: Object.fromEntries(
        [...this.apis].map(([api, t]) => [
          api,
          {
            turns: t.turns,
            calls: t.calls,
            pacerMsPerTurn: per(t.pacerMs, t.turns),
            callMs: per(t.callMs, t.calls),
            busyMsPerBatch: per(t.busyMs, this.batches),
            tailMsPerBatch: per(t.tailMs, this.batches),
          },
        ]),
      ),
    };
  }
}

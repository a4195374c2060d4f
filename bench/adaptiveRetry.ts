/**
 * The AWS SDK v3 "adaptive" retry mode, on the virtual clock: retries throttling errors with
 * exponential backoff and full jitter (base 100 ms, cap 20 s), and a client-side CUBIC rate
 * limiter (as in @smithy/util-retry DefaultRateLimiter) that turns on at the first throttle, drops
 * the send rate to 0.7 x the measured rate and grows it back along a cubic curve.
 */
import type { Clock } from "../functions/shared/clock";

const BETA = 0.7;
const SCALE = 0.4;
const SMOOTH = 0.8;
const MIN_FILL = 0.5;

export class AdaptiveRetry {
  throttles = 0;
  private enabled = false;
  private fillRate = 0;
  private capacity = 0;
  private tokens = 0;
  private lastRefill = 0;
  private lastMaxRate = 0;
  private lastThrottle = 0;
  private timeWindow = 0;
  private measured = 0;
  private bucketTime = 0;
  private count = 0;

  constructor(
    private readonly clock: Clock,
    private readonly random: () => number,
    private readonly maxAttempts = 8,
    /** False: the SDK's "standard" mode (retries with backoff, no client-side rate limiter). */
    private readonly adaptive = true,
  ) {}

  async call<T>(send: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      await this.acquire();
      try {
        const result = await send();
        this.update(false);
        return result;
      } catch (error) {
        if ((error as { name?: string }).name !== "ThrottlingException") throw error;
        this.throttles += 1;
        this.update(true);
        if (attempt >= this.maxAttempts) throw error;
        await this.clock.sleep(this.random() * Math.min(20_000, 100 * 2 ** attempt));
      }
    }
  }

  private seconds(): number {
    return this.clock.now() / 1000;
  }

  private refill(): void {
    const now = this.seconds();
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.lastRefill) * this.fillRate);
    this.lastRefill = now;
  }

  private async acquire(): Promise<void> {
    if (!this.enabled) return;
    this.refill();
    if (this.tokens < 1) {
      await this.clock.sleep(((1 - this.tokens) / this.fillRate) * 1000);
      this.refill();
    }
    this.tokens -= 1;
  }

  private update(throttled: boolean): void {
    if (!this.adaptive) return;
    const now = this.seconds();
    const bucket = Math.floor(now * 2) / 2;
    this.count += 1;
    if (bucket > this.bucketTime) {
      const rate = this.count / (bucket - this.bucketTime);
      this.measured = rate * SMOOTH + this.measured * (1 - SMOOTH);
      this.count = 0;
      this.bucketTime = bucket;
    }
    let rate: number;
    if (throttled) {
      const toUse = this.enabled ? Math.min(this.measured, this.fillRate) : this.measured;
      this.lastMaxRate = toUse;
      this.timeWindow = Math.cbrt((this.lastMaxRate * (1 - BETA)) / SCALE);
      this.lastThrottle = now;
      rate = toUse * BETA;
      this.enabled = true;
    } else {
      this.timeWindow = Math.cbrt((this.lastMaxRate * (1 - BETA)) / SCALE);
      rate = SCALE * (now - this.lastThrottle - this.timeWindow) ** 3 + this.lastMaxRate;
    }
    const newRate = Math.min(rate, 2 * this.measured);
    this.refill();
    this.fillRate = Math.max(newRate, MIN_FILL);
    this.capacity = Math.max(newRate, 1);
    this.tokens = Math.min(this.tokens, this.capacity);
  }
}

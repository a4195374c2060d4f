import { ANSWER_POLL_SECONDS } from "../../core/healthTiming";
/**
 * Waiting for Route 53's answer before telling devices to move. The aggregator's alarm invokes the
 * function as soon as it changes state, while Route 53 is still following that alarm (its
 * reaction term of the budget): an instruction sent now would make devices re-resolve, get the
 * region they are in, and stay. So the function asks the zone's name servers until they answer
 * the region devices must move to, bounded in polls and time.
 */

/** What Route 53 answers for the IoT domain right now. */
export interface AnswerPort {
  /** Whether the failover record's answer is the region `towards`. */
  answers(towards: string): Promise<boolean>;
}

export interface WaitClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export { ANSWER_POLL_SECONDS } from "../../core/healthTiming";
/**
 * Longest wait for the answer: three times the Route 53 reaction the budget allows. Past it the
 * instruction goes out anyway (devices that still get the old answer stay where they are, and the
 * HealthCheckStatus alarm's later notification tells them again).
 */
export const ANSWER_MAX_WAIT_SECONDS = 90;

export interface AnswerWait {
  answered: boolean;
  waitedMs: number;
  polls: number;
}

export async function awaitAnswer(
  towards: string,
  port: AnswerPort,
  clock: WaitClock,
  pollMs = ANSWER_POLL_SECONDS * 1000,
  maxWaitMs = ANSWER_MAX_WAIT_SECONDS * 1000,
): Promise<AnswerWait> {
  const started = clock.now();
  const maxPolls = Math.ceil(maxWaitMs / pollMs) + 1;
  for (let polls = 1; polls <= maxPolls; polls++) {
    // A failed question is not an answer: ask again at the next poll.
    const answered = await port.answers(towards).catch(() => false);
    const waitedMs = clock.now() - started;
    if (answered || waitedMs >= maxWaitMs) return { answered, waitedMs, polls };
    await clock.sleep(Math.min(pollMs, maxWaitMs - waitedMs));
  }
  return { answered: false, waitedMs: clock.now() - started, polls: maxPolls };
}

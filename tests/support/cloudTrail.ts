/**
 * An "AWS API Call via CloudTrail" event as EventBridge hands it to capture: the envelope, and a
 * record whose `eventTime` has whole seconds, as CloudTrail writes it.
 */
import type { CloudTrailEvent } from "../../functions/capture/normalize";

export function cloudTrailCall(
  eventName: string,
  call: {
    account: string;
    /** When the call was made (ms); the record keeps its whole second. */
    at: number;
    /** The caller's role ARN (sessionIssuer). */
    caller: string;
    requestParameters: Record<string, unknown>;
    responseElements?: Record<string, unknown> | null;
  },
): CloudTrailEvent {
  return {
    source: "aws.iot",
    "detail-type": "AWS API Call via CloudTrail",
    account: call.account,
    detail: {
      eventName,
      eventTime: new Date(Math.floor(call.at / 1000) * 1000).toISOString().replace(".000Z", "Z"),
      userIdentity: { sessionContext: { sessionIssuer: { arn: call.caller } } },
      requestParameters: call.requestParameters,
      ...(call.responseElements !== undefined ? { responseElements: call.responseElements } : {}),
    },
  };
}

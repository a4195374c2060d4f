/** Port: the reconciler's dead-letter queue for entities that cannot converge. */
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";

export interface DeadLetter {
  key: string;
  version: number;
  reason: string;
}

export interface DlqPort {
  send(letter: DeadLetter): Promise<void>;
}

/**
 * `replayTo`: the function a redrive hands the key back to (ops/redrive.ts); in Lambda, this
 * function's own name, which Lambda sets in AWS_LAMBDA_FUNCTION_NAME.
 */
export function sqsDlq(
  queueUrl: string,
  client = new SQSClient({ retryMode: "adaptive" }),
  replayTo = process.env.AWS_LAMBDA_FUNCTION_NAME,
): DlqPort {
  return {
    async send(letter) {
      await client.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: JSON.stringify(replayTo ? { ...letter, function: replayTo } : letter),
          MessageAttributes: { key: { DataType: "String", StringValue: letter.key } },
        }),
      );
    },
  };
}

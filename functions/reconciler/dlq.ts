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

export function sqsDlq(
  queueUrl: string,
  client = new SQSClient({ retryMode: "adaptive" }),
): DlqPort {
  return {
    async send(letter) {
      await client.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: JSON.stringify(letter),
          MessageAttributes: { key: { DataType: "String", StringValue: letter.key } },
        }),
      );
    },
  };
}

import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";

/** A request to the application service. */
export type DocumentRequest =
  { action: "put"; key: string; body: string } | { action: "get"; key: string };

/** Refuses anything but a put or get of a plain key, naming the field. */
export function parseDocumentRequest(event: unknown): DocumentRequest {
  const raw = (event ?? {}) as Record<string, unknown>;
  if (raw.action !== "put" && raw.action !== "get") {
    throw new Error(`action: expected "put" or "get", got ${JSON.stringify(raw.action)}`);
  }
  if (typeof raw.key !== "string" || !/^[\w./-]{1,512}$/.test(raw.key) || raw.key.includes("..")) {
    throw new Error(`key: expected 1-512 characters of letters, digits or _./-`);
  }
  if (raw.action === "put") {
    if (typeof raw.body !== "string") throw new Error("body: expected a string");
    return { action: "put", key: raw.key, body: raw.body };
  }
  return { action: "get", key: raw.key };
}

/**
 * Documents through the Multi-Region Access Point (the S3 client signs with SigV4a, so the
 * handler bundles @aws-sdk/signature-v4a), with an index item in the application global table.
 */
export class Documents {
  constructor(
    private readonly s3: S3Client,
    private readonly table: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** The access point's ARN: S3 routes to the active region's bucket. */
    private readonly accessPointArn: () => Promise<string>,
  ) {}

  async handle(
    request: DocumentRequest,
  ): Promise<{ key: string; body?: string; versionId?: string }> {
    const Bucket = await this.accessPointArn();
    if (request.action === "get") {
      const result = await this.s3.send(new GetObjectCommand({ Bucket, Key: request.key }));
      return { key: request.key, body: await result.Body?.transformToString() };
    }
    const put = await this.s3.send(
      new PutObjectCommand({ Bucket, Key: request.key, Body: request.body }),
    );
    await this.table.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: `document#${request.key}`,
          sk: "latest",
          versionId: put.VersionId,
          updatedAt: new Date().toISOString(),
        },
      }),
    );
    return { key: request.key, versionId: put.VersionId };
  }
}

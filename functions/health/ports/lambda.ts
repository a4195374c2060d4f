import { createHash, createHmac } from "crypto";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { SignatureV4 } from "@smithy/signature-v4";
import type { Checksum, SourceData } from "@smithy/types";
import { FunctionPort } from "../app";

/** SHA-256 (HMAC when keyed) from node:crypto, in the shape SignatureV4 expects. */
class Sha256 implements Checksum {
  private hash;
  constructor(secret?: SourceData) {
    this.hash = secret ? createHmac("sha256", toBuffer(secret)) : createHash("sha256");
  }
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    throw new Error("not used by SignatureV4");
  }
}

function toBuffer(data: SourceData): Buffer {
  if (typeof data === "string") return Buffer.from(data, "utf8");
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/**
 * Lambda's Invoke with `X-Amz-Invocation-Type: DryRun` (HTTP 204 when the function exists and
 * the caller may invoke it), signed with SigV4. The project installs no Lambda SDK client, and a
 * dry run is one request, so it is made directly.
 */
export class LambdaDryRun implements FunctionPort {
  private readonly signer: SignatureV4;

  constructor(
    private readonly region: string,
    private readonly dnsSuffix = "amazonaws.com",
    private readonly send: typeof fetch = fetch,
  ) {
    this.signer = new SignatureV4({
      service: "lambda",
      region,
      credentials: defaultProvider(),
      sha256: Sha256,
    });
  }

  async dryRun(functionName: string): Promise<void> {
    const hostname = `lambda.${this.region}.${this.dnsSuffix}`;
    const path = `/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations`;
    const signed = await this.signer.sign({
      method: "POST",
      protocol: "https:",
      hostname,
      path,
      headers: { host: hostname, "x-amz-invocation-type": "DryRun" },
      body: "",
    });
    const response = await this.send(`https://${hostname}${path}`, {
      method: "POST",
      headers: signed.headers,
      body: "",
    });
    if (response.status !== 204) {
      throw new Error(`function ${functionName}: dry run answered HTTP ${response.status}`);
    }
  }
}

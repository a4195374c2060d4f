import { strict as assert } from "assert";
import { isDeepStrictEqual } from "util";
import { decoded } from "../../policies/rules/support";

/** What the rules always meant: JSON text is decoded, anything else is kept as given. */
function parsedOrKept(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

describe("decoded (provider inputs that may arrive JSON-encoded)", () => {
  // Every kind of JSON text (RFC 8259 section 2), with and without leading whitespace, and strings
  // that only look like one: decoding must skip JSON.parse for none of them that it accepts.
  const samples: unknown[] = [
    '{"a":1}',
    '["111122223333"]',
    '[{"roleArn":"arn:aws:iam::444455556666:role/deploy","externalId":"x"}]',
    '"eu-west-1"',
    "111122223333",
    "-1.5e3",
    "0",
    "true",
    "false",
    "null",
    " \t\r\n[1]",
    '\n"padded"',
    "us-east-1",
    "eu-west-1",
    "nullish",
    "t",
    "-",
    "{not json",
    "[1,",
    "",
    " ",
    "\u00a0[1]",
    "\ufeff[1]",
    "arn:aws:iam::111122223333:role/x",
    42,
    undefined,
    null,
    ["a"],
  ];
  it("gives for every sample what JSON.parse-or-keep gives", () => {
    const differing = samples.filter((s) => !isDeepStrictEqual(decoded(s), parsedOrKept(s)));
    assert.deepEqual(differing, []);
  });

  it("keeps a plain region name as the same string", () => {
    assert.equal(decoded("ap-southeast-2"), "ap-southeast-2");
  });
});

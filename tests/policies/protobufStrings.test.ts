import { strict as assert } from "assert";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { BinaryWriter } from "google-protobuf";
import { encodeStringsWithBuffer, stockWriteString } from "../support/protobufStrings";

/** A message as google-protobuf's own string writer encodes it. */
function stockBytes(message: Struct): Buffer {
  const writer = BinaryWriter.prototype as unknown as { writeString: typeof stockWriteString };
  const patched = writer.writeString;
  writer.writeString = stockWriteString;
  try {
    return Buffer.from(message.serializeBinary());
  } finally {
    writer.writeString = patched;
  }
}

describe("the CLI harness's protobuf string encoding (tests/support/protobufStrings.ts)", () => {
  it("encodes every string exactly as google-protobuf does", () => {
    encodeStringsWithBuffer();
    const message = Struct.fromJavaScript({
      ascii: "index.js",
      bundle: "const x = 1;\n".repeat(20_000),
      accents: "héllo wörld",
      symbols: "✓ → €",
      astral: "𝄞 😀",
      nul: "a\u0000b",
      lone: "a\ud800b",
      empty: "",
      nested: { list: ["ü", { deeper: "ß" }], n: 1.5, yes: true, none: null },
    });
    const fast = Buffer.from(message.serializeBinary());
    assert.ok(fast.equals(stockBytes(message)), "not the bytes google-protobuf writes");
  });
});

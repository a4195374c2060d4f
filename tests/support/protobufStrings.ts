import { BinaryWriter } from "google-protobuf";

type WriteString = (this: BinaryWriter, field: number, value: string | null | undefined) => void;
const writer = BinaryWriter.prototype as unknown as {
  writeString: WriteString;
  writeBytes(field: number, value: Uint8Array): void;
};

// String.prototype.isWellFormed is ES2024 (Node.js 20+); tsconfig's lib stops at ES2022.
const isWellFormed = (value: string) =>
  (value as unknown as { isWellFormed(): boolean }).isWellFormed();

/** google-protobuf's own string writer, kept for strings the fast path does not take. */
export const stockWriteString: WriteString = writer.writeString;

/**
 * Makes google-protobuf's writer encode strings through Buffer in this (test) process.
 *
 * Its JavaScript writer encodes a string one UTF-16 unit at a time into an array of numbers. The
 * requests the CLI harness sends the pack carry each Lambda function's bundled code (about 10 MB
 * of strings per deployment of a stack), and encoding those was most of the CLI pack test's time
 * (`--cpu-prof`). On the wire a string field is a length-delimited field holding its UTF-8 bytes,
 * the same form as a bytes field (https://protobuf.dev/programming-guides/encoding/#length-types),
 * so writing the string's UTF-8 bytes as a bytes field gives the same message byte for byte.
 * A string that is not well-formed UTF-16 (a lone surrogate) keeps the stock path.
 */
export function encodeStringsWithBuffer(): void {
  writer.writeString = function (field, value) {
    if (value == null || !isWellFormed(value)) return stockWriteString.call(this, field, value);
    writer.writeBytes.call(this, field, Buffer.from(value, "utf8"));
  };
}

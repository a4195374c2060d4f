import { RegistryItem } from "../../../core/registryItem";
import { ConflictError, RegistryPort } from "../../../functions/commandControl/ports";
import { RegistryWrite, WriteCondition } from "../../../functions/commandControl/registryWrites";

/** The conditions of the DynamoDB port, evaluated the way DynamoDB would on the stored item. */
export function holds(
  condition: WriteCondition,
  stored: RegistryItem | undefined,
  version: number,
) {
  switch (condition.kind) {
    case "create":
      return !stored || (stored.deleted && stored.version < version);
    case "newer":
      return !stored || stored.version < version;
    case "current":
      return !!stored && stored.version === condition.version && !stored.deleted;
  }
}

/**
 * An in-memory registry table that honours each write's condition and applies a transaction all
 * or nothing. Reads and writes yield to the event loop, so concurrent callers interleave.
 */
export class FakeRegistry implements RegistryPort {
  readonly items = new Map<string, RegistryItem>();
  transactions = 0;

  async get(pk: string) {
    await tick();
    return structuredClone(this.items.get(pk));
  }

  async getMany(pks: string[]) {
    await tick();
    return pks.flatMap((pk) => (this.items.has(pk) ? [structuredClone(this.items.get(pk)!)] : []));
  }

  async write(writes: RegistryWrite[]) {
    await tick();
    // Atomic from here: no await until every condition is checked and every item written.
    const failed = writes.filter(
      (w) => !holds(w.condition, this.items.get(w.item.pk), w.item.version),
    );
    if (failed.length > 0) {
      throw new ConflictError(
        `conditional check failed for ${failed.map((w) => w.item.pk).join(", ")}`,
      );
    }
    for (const w of writes) this.items.set(w.item.pk, structuredClone(w.item));
    this.transactions += 1;
  }
}

function tick() {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * `dated` of a shadow read from IoT (docs/convergence.md, rule 1). A shadow document's `metadata`
 * holds, for each field of `state.desired` and `state.reported`, a `timestamp` in epoch seconds of
 * when that field was last updated ("Information about the data stored in the state section of the
 * document. This includes timestamps, in Epoch time, for each attribute in the state section, which
 * enables you to determine when they were updated": AWS IoT developer guide, Device Shadow service
 * documents, https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-document.html; its
 * examples and moto 5.2.1's iotdata give whole seconds). The metadata mirrors the state: an object
 * field's metadata is an object of its fields', an array's an array of its elements', a value's
 * `{ "timestamp": t }`.
 *
 * So the state is at least as recent as its greatest field timestamp: a lower bound of its time,
 * never later (a field removed since leaves no metadata, and seconds floor the time). The
 * document's top-level `timestamp` is when IoT sent the response, no date of the state, and is not
 * read. Absent when no field carries a timestamp (an empty shadow) or one is not a date in seconds.
 */

/** Above this, a "seconds" value would be past the year 5000: not a date this code understands. */
const MAX_EPOCH_SECONDS = 1e11;

/** The greatest field timestamp of a shadow document's `metadata`, in epoch ms; see above. */
export function shadowDated(metadata: unknown): { dated?: number } {
  if (!isObject(metadata)) return {};
  let greatest: number | undefined;
  let understood = true;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (!isObject(node)) return;
    // A value's metadata: { timestamp: <seconds> }. An object field's metadata holds its fields',
    // which are objects or arrays, never a number.
    if (typeof node.timestamp === "number") {
      const seconds = node.timestamp;
      if (!Number.isFinite(seconds) || seconds < 0 || seconds >= MAX_EPOCH_SECONDS) {
        understood = false;
        return;
      }
      greatest = greatest === undefined ? seconds : Math.max(greatest, seconds);
      return;
    }
    Object.values(node).forEach(visit);
  };
  visit(metadata.desired);
  visit(metadata.reported);
  // Fail closed: a timestamp that is no date in seconds makes none of them one to rely on.
  return understood && greatest !== undefined ? { dated: greatest * 1000 } : {};
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

import { Evasion } from "../kit";
import { apis } from "./apis";
import { devices } from "./device";
import { grants } from "./iam";
import { wrappers } from "./opaque";
import { unpeered } from "./peered";
import { stores } from "./stores";

/** Every evasion, each rejected on its own resource by its own rule. */
export const evasions: Evasion[] = [
  ...stores,
  ...wrappers,
  ...unpeered,
  ...grants,
  ...devices,
  ...apis,
];

export {
  ClientStoppedError,
  FailoverClient,
  clampSpreadMs,
  parseInstruction,
  type ConnectCause,
  type ConnectedEvent,
  type InstructionEvent,
  type ReconnectInstruction,
} from "./client";
export { Deduper, messageIdOf, type DeduperOptions } from "./dedupe";
export { CLIENT_DEFAULTS, OptionError, type FailoverClientOptions } from "./options";
export { Outbox, OutboxFullError, type Acknowledged, type PendingMessage } from "./outbox";
export { systemResolver, type Endpoint, type Resolution, type Resolver } from "./resolver";

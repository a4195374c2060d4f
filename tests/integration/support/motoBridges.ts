/**
 * Where moto 5.2.1 answers differently from AWS in a way the functions rely on, the harness makes
 * the client see AWS's answer. Each bridge cites the behaviour it restores.
 */
import { DescribeThingCommand, IoTClient } from "@aws-sdk/client-iot";
import { sameJson } from "../../../functions/shared/stableJson";

/**
 * CreateThing: "If this call is made multiple times using the same thing name and configuration,
 * the call will succeed. If this call is made with the same thing name but different configuration
 * a ResourceAlreadyExistsException is thrown." (AWS IoT API Reference, CreateThing). moto replaces
 * the existing thing instead, which silently drops its shadows.
 */
export function refuseConflictingCreateThing(client: IoTClient, observer: IoTClient): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if ((context as { commandName?: string }).commandName === "CreateThingCommand") {
        const input = args.input as {
          thingName: string;
          thingTypeName?: string;
          attributePayload?: { attributes?: Record<string, string> };
        };
        const existing = await observer
          .send(new DescribeThingCommand({ thingName: input.thingName }))
          .catch(() => undefined);
        if (
          existing &&
          ((existing.thingTypeName ?? null) !== (input.thingTypeName ?? null) ||
            !sameJson(existing.attributes ?? {}, input.attributePayload?.attributes ?? {}))
        ) {
          const error = new Error(
            `thing ${input.thingName} already exists with another configuration`,
          );
          error.name = "ResourceAlreadyExistsException";
          throw error;
        }
      }
      return next(args);
    },
    { step: "initialize", priority: "low", name: "refuseConflictingCreateThing" },
  );
}

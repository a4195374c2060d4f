/**
 * IoT reads moto 5.2.1 does not implement, which the readiness check makes: the harness answers
 * them from a per-region store the test sets, as AWS would answer for that configuration
 * (DescribeEventConfigurations, GetV2LoggingOptions, ListAuthorizers, ListCACertificates,
 * ListProvisioningTemplates: each returns moto's "not yet implemented" error). Everything else
 * goes to moto.
 */
import type { IoTClient } from "@aws-sdk/client-iot";

export interface BridgedSettings {
  eventConfigurations: Record<string, { Enabled: boolean }>;
  logging: { defaultLogLevel: string; disableAllLogs: boolean; roleArn: string };
}

export function answerUnimplementedReads(client: IoTClient, settings: BridgedSettings): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = (context as { commandName?: string }).commandName;
      const answer = (output: Record<string, unknown>) =>
        Promise.resolve({ output: { $metadata: {}, ...output }, response: {} });
      switch (command) {
        case "DescribeEventConfigurationsCommand":
          return answer({ eventConfigurations: structuredClone(settings.eventConfigurations) });
        case "GetV2LoggingOptionsCommand":
          return answer({ ...settings.logging });
        case "ListAuthorizersCommand":
          return answer({ authorizers: [] });
        case "ListCACertificatesCommand":
          return answer({ certificates: [] });
        case "ListProvisioningTemplatesCommand":
          return answer({ templates: [] });
        default:
          return next(args);
      }
    },
    { step: "initialize", priority: "high", name: "answerUnimplementedReads" },
  );
}

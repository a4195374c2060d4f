/**
 * The readiness check's port: one region's IoT read the way the check compares it. Every read
 * that fails throws (the check then reports the region not ready): a setting it cannot read is
 * not a setting it knows to be equal.
 */
import {
  DescribeAuthorizerCommand,
  DescribeCACertificateCommand,
  DescribeDomainConfigurationCommand,
  DescribeEventConfigurationsCommand,
  DescribeProvisioningTemplateCommand,
  DescribeThingCommand,
  DescribeThingGroupCommand,
  GetIndexingConfigurationCommand,
  GetPolicyCommand,
  GetTopicRuleCommand,
  GetV2LoggingOptionsCommand,
  IoTClient,
  ListAuthorizersCommand,
  ListBillingGroupsCommand,
  ListCACertificatesCommand,
  ListDomainConfigurationsCommand,
  ListPoliciesCommand,
  ListProvisioningTemplatesCommand,
  ListTargetsForPolicyCommand,
  ListThingGroupsCommand,
  ListThingGroupsForThingCommand,
  ListThingPrincipalsCommand,
  ListThingTypesCommand,
  ListThingsCommand,
  ListTopicRulesCommand,
} from "@aws-sdk/client-iot";
import {
  GetThingShadowCommand,
  IoTDataPlaneClient,
  ListNamedShadowsForThingCommand,
} from "@aws-sdk/client-iot-data-plane";
import { isReservedName } from "../../core/reserved";
import type { CountedKind, RegionView, SampledKind, SampledState, Setting } from "./compare";

/** Every page of a listing. */
async function all<T>(
  page: (token?: string) => Promise<{ items?: T[]; next?: string }>,
): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  do {
    const result = await page(token);
    out.push(...(result.items ?? []));
    token = result.next;
  } while (token);
  return out;
}

const notFound = (error: unknown) =>
  (error as { name?: string } | null)?.name === "ResourceNotFoundException";

/** The last part of an ARN's resource (`cert/<id>` -> `cert/<id>`, kept with its type). */
const resourceOf = (arn: string) => arn.split(":").slice(5).join(":");

const decoder = new TextDecoder();

export interface ReadinessIot {
  view(): Promise<Omit<RegionView, "region">>;
  sampled(kind: SampledKind, name: string): Promise<SampledState>;
}

export function sdkReadinessIot(iot: IoTClient, data: IoTDataPlaneClient): ReadinessIot {
  const names = async (): Promise<Record<CountedKind, string[]>> => {
    const live = (list: (string | undefined)[]) =>
      list.filter((n): n is string => !!n && !isReservedName(n)).sort();
    const [
      thing,
      thingType,
      thingGroup,
      policy,
      caCertificate,
      provisioningTemplate,
      billingGroup,
    ] = await Promise.all([
      all(async (nextToken) => {
        const r = await iot.send(new ListThingsCommand({ nextToken, maxResults: 250 }));
        return { items: r.things?.map((t) => t.thingName), next: r.nextToken };
      }),
      all(async (nextToken) => {
        const r = await iot.send(new ListThingTypesCommand({ nextToken, maxResults: 250 }));
        return { items: r.thingTypes?.map((t) => t.thingTypeName), next: r.nextToken };
      }),
      all(async (nextToken) => {
        const r = await iot.send(new ListThingGroupsCommand({ nextToken, maxResults: 250 }));
        return { items: r.thingGroups?.map((g) => g.groupName), next: r.nextToken };
      }),
      all(async (marker) => {
        const r = await iot.send(new ListPoliciesCommand({ marker, pageSize: 250 }));
        return { items: r.policies?.map((p) => p.policyName), next: r.nextMarker };
      }),
      all(async (marker) => {
        const r = await iot.send(new ListCACertificatesCommand({ marker, pageSize: 250 }));
        return { items: r.certificates?.map((c) => c.certificateId), next: r.nextMarker };
      }),
      all(async (nextToken) => {
        const r = await iot.send(
          new ListProvisioningTemplatesCommand({ nextToken, maxResults: 250 }),
        );
        return { items: r.templates?.map((t) => t.templateName), next: r.nextToken };
      }),
      all(async (nextToken) => {
        const r = await iot.send(new ListBillingGroupsCommand({ nextToken, maxResults: 250 }));
        return { items: r.billingGroups?.map((g) => g.groupName), next: r.nextToken };
      }),
    ]);
    return {
      thing: live(thing),
      thingType: live(thingType),
      thingGroup: live(thingGroup),
      policy: live(policy),
      caCertificate: live(caCertificate),
      provisioningTemplate: live(provisioningTemplate),
      billingGroup: live(billingGroup),
    };
  };

  const settings = async (
    counted: Record<CountedKind, string[]>,
  ): Promise<Record<Setting, unknown>> => {
    // Independent reads, at once: one round trip's wait instead of six.
    const [events, logging, indexing, domains, authorizers, rules] = await Promise.all([
      iot.send(new DescribeEventConfigurationsCommand({})),
      iot.send(new GetV2LoggingOptionsCommand({})),
      iot.send(new GetIndexingConfigurationCommand({})),
      all(async (marker) => {
        const r = await iot.send(new ListDomainConfigurationsCommand({ marker, pageSize: 250 }));
        return { items: r.domainConfigurations, next: r.nextMarker };
      }),
      all(async (marker) => {
        const r = await iot.send(new ListAuthorizersCommand({ marker, pageSize: 250 }));
        return { items: r.authorizers, next: r.nextMarker };
      }),
      all(async (nextToken) => {
        const r = await iot.send(new ListTopicRulesCommand({ nextToken, maxResults: 250 }));
        return { items: r.rules, next: r.nextToken };
      }),
    ]);
    return {
      eventConfigurations: events.eventConfigurations ?? {},
      logging: {
        defaultLogLevel: logging.defaultLogLevel,
        disableAllLogs: logging.disableAllLogs,
        roleArn: logging.roleArn,
      },
      fleetIndexing: {
        thing: indexing.thingIndexingConfiguration ?? null,
        thingGroup: indexing.thingGroupIndexingConfiguration ?? null,
      },
      // AWS's own configurations (iot:Data-ATS, ...) differ by region and are not the fleet's.
      domainConfigurations: await Promise.all(
        domains
          .filter((d) => d.domainConfigurationName && !d.domainConfigurationName.startsWith("iot:"))
          .map(async (d) => {
            const c = await iot.send(
              new DescribeDomainConfigurationCommand({
                domainConfigurationName: d.domainConfigurationName,
              }),
            );
            return {
              name: c.domainConfigurationName,
              domainName: c.domainName,
              status: c.domainConfigurationStatus,
              serviceType: c.serviceType,
              authorizerConfig: c.authorizerConfig ?? null,
              tlsConfig: c.tlsConfig ?? null,
            };
          }),
      ),
      authorizers: await Promise.all(
        authorizers.map(async (a) => {
          const d = (
            await iot.send(new DescribeAuthorizerCommand({ authorizerName: a.authorizerName }))
          ).authorizerDescription;
          return {
            name: d?.authorizerName,
            status: d?.status,
            functionArn: d?.authorizerFunctionArn,
            tokenKeyName: d?.tokenKeyName ?? null,
            signingDisabled: d?.signingDisabled ?? null,
            enableCachingForHttp: d?.enableCachingForHttp ?? null,
          };
        }),
      ),
      topicRules: await Promise.all(
        rules.map(async (r) => {
          const rule = (await iot.send(new GetTopicRuleCommand({ ruleName: r.ruleName }))).rule;
          return {
            name: rule?.ruleName,
            sql: rule?.sql,
            disabled: rule?.ruleDisabled ?? false,
            sqlVersion: rule?.awsIotSqlVersion ?? null,
            actions: rule?.actions ?? [],
            errorAction: rule?.errorAction ?? null,
          };
        }),
      ),
      // Status and auto-registration, not the mode: a replicated CA is SNI_ONLY by design (docs/architecture.md, "Registry replication").
      caCertificates: await Promise.all(
        counted.caCertificate.map(async (certificateId) => {
          const d = (await iot.send(new DescribeCACertificateCommand({ certificateId })))
            .certificateDescription;
          return {
            id: certificateId,
            status: d?.status,
            autoRegistrationStatus: d?.autoRegistrationStatus,
          };
        }),
      ),
      provisioningTemplates: await Promise.all(
        counted.provisioningTemplate.map(async (templateName) => {
          const t = await iot.send(new DescribeProvisioningTemplateCommand({ templateName }));
          return {
            name: t.templateName,
            enabled: t.enabled,
            type: t.type ?? null,
            body: t.templateBody ? (JSON.parse(t.templateBody) as unknown) : null,
            provisioningRoleArn: t.provisioningRoleArn,
            preProvisioningHook: t.preProvisioningHook ?? null,
          };
        }),
      ),
    };
  };

  const shadowState = async (thingName: string, shadowName?: string) => {
    try {
      const r = await data.send(new GetThingShadowCommand({ thingName, shadowName }));
      const doc = JSON.parse(decoder.decode(r.payload)) as {
        state?: { desired?: unknown; reported?: unknown };
      };
      return { desired: doc.state?.desired ?? null, reported: doc.state?.reported ?? null };
    } catch (error) {
      if (notFound(error)) return null;
      throw error;
    }
  };

  const orNull = async <T>(read: () => Promise<T>): Promise<T | null> => {
    try {
      return await read();
    } catch (error) {
      if (notFound(error)) return null;
      throw error;
    }
  };

  return {
    async view() {
      const counted = await names();
      return { names: counted, settings: await settings(counted) };
    },
    async sampled(kind, name) {
      switch (kind) {
        case "thing":
          return orNull(async () => {
            const thing = await iot.send(new DescribeThingCommand({ thingName: name }));
            const [principals, groups, named] = await Promise.all([
              all(async (nextToken) => {
                const r = await iot.send(
                  new ListThingPrincipalsCommand({ thingName: name, nextToken }),
                );
                return { items: r.principals, next: r.nextToken };
              }),
              all(async (nextToken) => {
                const r = await iot.send(
                  new ListThingGroupsForThingCommand({ thingName: name, nextToken }),
                );
                return { items: r.thingGroups?.map((g) => g.groupName), next: r.nextToken };
              }),
              all(async (nextToken) => {
                const r = await data.send(
                  new ListNamedShadowsForThingCommand({ thingName: name, nextToken }),
                );
                return { items: r.results, next: r.nextToken };
              }),
            ]);
            const shadows: Record<string, unknown> = { "": await shadowState(name) };
            for (const shadow of named) shadows[shadow] = await shadowState(name, shadow);
            return {
              attributes: thing.attributes ?? {},
              thingTypeName: thing.thingTypeName ?? null,
              principals: principals.map(resourceOf).sort(),
              groups: groups.sort(),
              shadows,
            };
          });
        case "thingGroup":
          return orNull(async () => {
            const g = await iot.send(new DescribeThingGroupCommand({ thingGroupName: name }));
            return {
              description: g.thingGroupProperties?.thingGroupDescription ?? null,
              attributes: g.thingGroupProperties?.attributePayload?.attributes ?? {},
              parent: g.thingGroupMetadata?.parentGroupName ?? null,
            };
          });
        case "policy":
          return orNull(async () => {
            const p = await iot.send(new GetPolicyCommand({ policyName: name }));
            const targets = await all(async (marker) => {
              const r = await iot.send(
                new ListTargetsForPolicyCommand({ policyName: name, marker }),
              );
              return { items: r.targets, next: r.nextMarker };
            });
            return {
              document: p.policyDocument ? (JSON.parse(p.policyDocument) as unknown) : null,
              targets: targets.map(resourceOf).sort(),
            };
          });
      }
    },
  };
}

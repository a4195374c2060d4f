import { StateMaker, arn, physicalName, stableHex, stableUuid } from "./naming";

/**
 * Computed state of the resources whose outputs are names other resources point at: invoke URLs,
 * domain names, endpoint URLs and validation records. Programs wire DNS records and clients to
 * these, so they must look like what AWS hands back.
 */
export const ENDPOINT_MAKERS: Record<string, StateMaker> = {
  "aws:apigateway/stage:Stage": (ctx) => {
    const api = String(ctx.inputs.restApi);
    const stage = String(ctx.inputs.stageName);
    const { region, account, partition, dnsSuffix } = ctx.where;
    return {
      id: `ags-${api}-${stage}`,
      state: {
        arn: `arn:${partition}:apigateway:${region}::/restapis/${api}/stages/${stage}`,
        executionArn: `arn:${partition}:execute-api:${region}:${account}:${api}/${stage}`,
        invokeUrl: `https://${api}.execute-api.${region}.${dnsSuffix}/${stage}`,
      },
    };
  },
  "aws:apigateway/domainName:DomainName": (ctx, seed) => {
    const domainName = String(ctx.inputs.domainName);
    const { region, dnsSuffix } = ctx.where;
    return {
      id: domainName,
      state: {
        arn: arn(ctx, "apigateway", `/domainnames/${domainName}`, false, true),
        domainNameId: stableHex(seed, 10),
        regionalDomainName: `d-${stableHex(seed, 10)}.execute-api.${region}.${dnsSuffix}`,
        regionalZoneId: `Z${stableHex(`${region}/apigw`, 12).toUpperCase()}`,
      },
    };
  },
  "aws:acm/certificate:Certificate": (ctx, seed) => {
    const domainName = String(ctx.inputs.domainName);
    const names = [domainName, ...((ctx.inputs.subjectAlternativeNames as string[]) ?? [])];
    return {
      id: arn(ctx, "acm", `certificate/${stableUuid(seed)}`),
      state: {
        arn: arn(ctx, "acm", `certificate/${stableUuid(seed)}`),
        status: "PENDING_VALIDATION",
        domainValidationOptions: names.map((name) => ({
          domainName: name,
          resourceRecordName: `_${stableHex(`${seed}/${name}`, 32)}.${name}.`,
          resourceRecordType: "CNAME",
          resourceRecordValue: `_${stableHex(`${seed}/${name}/v`, 32)}.acm-validations.aws.`,
        })),
      },
    };
  },
  // AWS appends an id to the name: `domainconfiguration/<name>/<id>` (Service Authorization
  // Reference, IoT resource type `domainconfiguration`).
  "aws:iot/domainConfiguration:DomainConfiguration": (ctx, seed) => {
    const name = physicalName(ctx);
    return {
      id: name,
      state: {
        name,
        arn: arn(ctx, "iot", `domainconfiguration/${name}/${stableHex(seed, 5)}`),
        domainType: "CUSTOMER_MANAGED",
      },
    };
  },
  "aws:cloudwatch/eventEndpoint:EventEndpoint": (ctx, seed) => {
    const name = physicalName(ctx);
    // PutEvents takes the part before ".endpoint.events": the EndpointId.
    const endpointId = `${stableHex(seed, 5)}.${stableHex(`${seed}/b`, 3)}`;
    return {
      id: name,
      state: {
        name,
        arn: arn(ctx, "events", `endpoint/${name}`),
        endpointUrl: `https://${endpointId}.endpoint.events.${ctx.where.dnsSuffix}`,
      },
    };
  },
  "aws:s3control/multiRegionAccessPoint:MultiRegionAccessPoint": (ctx, seed) => {
    const details = ctx.inputs.details as { name?: string } | undefined;
    const alias = `${stableHex(seed, 13)}.mrap`;
    return {
      id: `${ctx.where.account}:${details?.name ?? ctx.name}`,
      state: {
        accountId: ctx.where.account,
        alias,
        // Multi-Region Access Point ARNs carry no region: the point spans several.
        arn: `arn:${ctx.where.partition}:s3::${ctx.where.account}:accesspoint/${alias}`,
        domainName: `${alias}.accesspoint.s3-global.${ctx.where.dnsSuffix}`,
        status: "READY",
      },
    };
  },
  "aws:lambda/eventSourceMapping:EventSourceMapping": (ctx, seed) => {
    const uuid = stableUuid(seed);
    return {
      id: uuid,
      state: { uuid, arn: arn(ctx, "lambda", `event-source-mapping:${uuid}`), state: "Enabled" },
    };
  },
};

import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { COMMON_PROPERTIES, RuleConfig, peerRegionOf } from "../config";
import { peerKey } from "./peered";
import {
  Finding,
  RelationRule,
  Subject,
  asList,
  asRecord,
  asString,
  commonSchema,
  isSet,
  label,
  ofType,
  relationPolicy,
  refersTo,
  resourceSubject,
  subjectOf,
} from "./support";
import { stackIndex } from "./stackIndex";

const FUNCTION = "aws:lambda/function:Function";

interface RuntimeConfig extends RuleConfig {
  minimumNodejsMajor?: number;
  deprecatedRuntimes?: string[];
}

/** Old runtimes stop getting patches and, later, cannot be updated: a region could not be rebuilt. */
export const lambdaFunctionRuntime: ResourceValidationPolicy = {
  name: "lambda-function-runtime",
  description:
    "Lambda functions must run on a supported Node.js runtime: nodejs22.x or newer (minimumNodejsMajor) and not listed in deprecatedRuntimes. Container images (no runtime) pass.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      ...COMMON_PROPERTIES,
      minimumNodejsMajor: { type: "integer", minimum: 18, default: 22 },
      deprecatedRuntimes: { type: "array", items: { type: "string" }, default: [] },
    },
  },
  validateResource: (args, report) => {
    if (args.type !== FUNCTION) return;
    const config = args.getConfig<RuntimeConfig>();
    const props = resourceSubject(args).props;
    const runtime = asString(props.runtime);
    if (!runtime) {
      if (props.packageType === "Image") return;
      report(`Lambda function ${args.name} must set a runtime (nodejs22.x or newer).`);
      return;
    }
    const minimum = config.minimumNodejsMajor ?? 22;
    const major = Number(/^nodejs(\d+)\.x$/.exec(runtime)?.[1] ?? NaN);
    if (!(major >= minimum) || (config.deprecatedRuntimes ?? []).includes(runtime)) {
      report(
        `Lambda function ${args.name} runs on ${runtime}, which is not supported here: use nodejs${minimum}.x or newer.`,
      );
    }
  },
};

/** Principals whose invocations are asynchronous (Lambda queues the event and retries on its own). */
const ASYNC_PRINCIPALS = [
  "iot.amazonaws.com",
  "events.amazonaws.com",
  "sns.amazonaws.com",
  "s3.amazonaws.com",
];
const STREAM_SOURCE = /^arn:[^:]+:(kinesis|dynamodb|kafka):/;
const STREAM_TYPES = [
  "aws:kinesis/stream:Stream",
  "aws:dynamodb/table:Table",
  "aws:msk/cluster:Cluster",
  "aws:msk/serverlessCluster:ServerlessCluster",
];
const QUEUE = "aws:sqs/queue:Queue";

/**
 * Whether input `key` of `from` (optionally one nested `value` of it) is `fn`: a name, an ARN, a
 * qualified ARN (`...:function:name:alias`), or at preview a value computed from `fn`.
 */
function isFunctionRef(from: Subject, key: string, fn: Subject, value = from.props[key]): boolean {
  if (refersTo(from, key, fn, value)) return true;
  const arn = asString(fn.props.arn);
  return typeof value === "string" && arn !== undefined && value.startsWith(`${arn}:`);
}

/** Who invokes `fn` asynchronously, as "principal via resource" descriptions. */
function asyncInvokers(fn: Subject, subjects: Subject[]): string[] {
  const found: string[] = [];
  for (const s of stackIndex(subjects).referrersOf(fn)) {
    if (s.type === "aws:lambda/permission:Permission" && isFunctionRef(s, "function", fn)) {
      const principal = asString(s.props.principal) ?? "";
      if (ASYNC_PRINCIPALS.includes(principal)) found.push(`${principal} (permission ${s.name})`);
    }
    if (s.type === "aws:iot/topicRule:TopicRule") {
      if (
        asList(s.props.lambdas).some((l) =>
          isFunctionRef(s, "lambdas", fn, asRecord(l).functionArn),
        )
      ) {
        found.push(`IoT topic rule ${s.name}`);
      }
    }
    if (s.type === "aws:cloudwatch/eventTarget:EventTarget" && isFunctionRef(s, "arn", fn)) {
      found.push(`EventBridge target ${s.name}`);
    }
    if (
      s.type === "aws:sns/topicSubscription:TopicSubscription" &&
      s.props.protocol === "lambda" &&
      isFunctionRef(s, "endpoint", fn)
    ) {
      found.push(`SNS subscription ${s.name}`);
    }
    if (
      s.type === "aws:s3/bucketNotification:BucketNotification" &&
      asList(s.props.lambdaFunctions).some((l) =>
        isFunctionRef(s, "lambdaFunctions", fn, asRecord(l).lambdaFunctionArn),
      )
    ) {
      found.push(`S3 notification ${s.name}`);
    }
  }
  return found;
}

function hasAsyncFailureTarget(fn: Subject, subjects: Subject[]): boolean {
  if (isSet(asRecord(fn.props.deadLetterConfig).targetArn)) return true;
  return stackIndex(subjects)
    .referrersOf(fn)
    .some(
      (c) =>
        c.type === "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig" &&
        isFunctionRef(c, "functionName", fn) &&
        isSet(asRecord(asRecord(c.props.destinationConfig).onFailure).destination),
    );
}

/**
 * Asynchronous events that keep failing are dropped after two retries unless a DLQ or on-failure
 * destination keeps them. Event source mappings do not use either: a stream mapping has its own
 * destinationConfig.onFailure, and an SQS mapping relies on the queue's redrive policy.
 */
export const lambdaFunctionFailureDestination: StackValidationPolicy = {
  name: "lambda-function-failure-destination",
  description:
    "Lambda functions invoked asynchronously (IoT rule, EventBridge, SNS, S3) need a deadLetterConfig or an on-failure destination (FunctionEventInvokeConfig); stream event source mappings need destinationConfig.onFailure; SQS sources need a redrivePolicy.",
  enforcementLevel: "mandatory",
  configSchema: commonSchema(),
  validateStack: (args, report) => {
    const subjects = args.resources.map(subjectOf);
    for (const fn of ofType(subjects, FUNCTION)) {
      const invokers = asyncInvokers(fn, subjects);
      if (invokers.length > 0 && !hasAsyncFailureTarget(fn, subjects)) {
        report(
          `Lambda function ${label(fn)} is invoked asynchronously by ${invokers.join(", ")} but keeps no failed events: set deadLetterConfig.targetArn or add an aws.lambda.FunctionEventInvokeConfig with destinationConfig.onFailure.`,
          fn.urn,
        );
      }
    }
    for (const mapping of ofType(subjects, "aws:lambda/eventSourceMapping:EventSourceMapping")) {
      const given = mapping.props.eventSourceArn;
      const source = asString(given) ?? "";
      // At preview a new stream's or queue's ARN is unknown; the resource it comes from says what it is.
      const from = stackIndex(subjects).targetsOf(mapping, "eventSourceArn");
      const fromStream = from.some((s) => STREAM_TYPES.includes(s.type));
      if (STREAM_SOURCE.test(source) || fromStream) {
        const onFailure = asRecord(asRecord(mapping.props.destinationConfig).onFailure);
        if (!isSet(onFailure.destinationArn)) {
          report(
            `Event source mapping ${mapping.name} reads the stream ${source || from.map((s) => s.name).join(", ")} with no on-failure destination: set destinationConfig.onFailure.destinationArn (SQS, SNS, S3 or Kafka).`,
            mapping.urn,
          );
        }
      } else if (/^arn:[^:]+:sqs:/.test(source) || from.some((s) => s.type === QUEUE)) {
        const queue = from.find((q) => q.type === QUEUE);
        const redriven =
          isSet(queue?.props.redrivePolicy) ||
          (queue !== undefined &&
            stackIndex(subjects)
              .referrersOf(queue)
              .some(
                (r) =>
                  r.type === "aws:sqs/redrivePolicy:RedrivePolicy" &&
                  refersTo(r, "queueUrl", queue),
              ));
        if (queue && !redriven) {
          report(
            `Event source mapping ${mapping.name} reads SQS queue ${label(queue)}, which has no redrivePolicy: failed messages would be retried until they expire; give the queue a dead-letter queue.`,
            mapping.urn,
          );
        }
      }
    }
  },
};

/** `urn:pulumi:<stack>::...` */
const stackOfUrn = (urn: string) => urn.split("::")[0].replace(/^urn:pulumi:/, "");

/**
 * Lambda@Edge: a function in us-east-1 that a CloudFront distribution runs. CloudFront replicates
 * it to its edge locations, so it has no regional copy to keep
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/lambda-edge-how-it-works.html).
 */
function isEdgeFunction(fn: Subject, subjects: Subject[]): boolean {
  if (fn.region !== "us-east-1") return false;
  const ids = [asString(fn.props.arn), asString(fn.props.qualifiedArn)].filter((v): v is string =>
    Boolean(v),
  );
  return ofType(subjects, "aws:cloudfront/distribution:Distribution").some(
    (d) =>
      Object.values(d.refs ?? {}).some((urns) => urns.includes(fn.urn)) ||
      ids.some((id) => JSON.stringify(d.props).includes(id)),
  );
}

/**
 * A function deployed in one region only is missing after a failover. Its copy is the function of
 * the same name (region names and primary/secondary aside) in the other DR region: in the other
 * stack, or in this one when a single stack spans both regions. Judged across stacks by the
 * offline plan's cross-stack check, and under the CLI when the pack config carries the peer
 * stack's resources (peerResources).
 */
export const lambdaFunctionSymmetric: RelationRule = relationPolicy(
  {
    name: "lambda-function-symmetric",
    description:
      "Lambda functions must come from the symmetric program: every function (by type and logical name) is present in every stack, in one of the DR regions, with its copy in the other DR region (not the same one). Lambda@Edge functions (us-east-1, run by a CloudFront distribution) are replicated by CloudFront and pass.",
    enforcementLevel: "mandatory",
  },
  (subjects, config) => {
    const functions = ofType(subjects, FUNCTION).filter((fn) => !isEdgeFunction(fn, subjects));
    const stacks = [...new Set(subjects.map((s) => stackOfUrn(s.urn)))];
    const pair = config.drRegions;
    return functions.flatMap((fn): Finding[] => {
      if (pair && fn.region && !pair.includes(fn.region)) {
        return [
          {
            urn: fn.urn,
            missing: false,
            message: `Lambda function ${fn.name} is in ${fn.region}, outside the DR regions ${pair.join(" and ")}: a failover between them does not move it; deploy it in both DR regions.`,
          },
        ];
      }
      const copies = functions.filter((o) => o !== fn && peerKey(o.name) === peerKey(fn.name));
      const missingFrom = stacks.filter(
        (stack) => stack !== stackOfUrn(fn.urn) && !copies.some((c) => stackOfUrn(c.urn) === stack),
      );
      if (missingFrom.length > 0) {
        return [
          {
            urn: fn.urn,
            missing: true,
            message: `Lambda function ${fn.name} is in stack ${stackOfUrn(fn.urn)} but not in ${missingFrom.join(", ")}: after a failover it would be missing; create it from the symmetric program in every stack (or exempt it with a reason).`,
          },
        ];
      }
      const peer = peerRegionOf(config, fn.region);
      if (copies.length === 0) {
        return [
          {
            urn: fn.urn,
            missing: true,
            message: `Lambda function ${fn.name} has no copy in ${peer ?? "another region"}: after a failover it would be missing; deploy the same function there (or exempt it with a reason).`,
          },
        ];
      }
      const placed = copies.filter((c) => c.region !== undefined && fn.region !== undefined);
      if (
        placed.length === 0 ||
        placed.some((c) => (peer ? c.region === peer : c.region !== fn.region))
      ) {
        return [];
      }
      return [
        {
          urn: fn.urn,
          missing: false,
          message: `Lambda function ${fn.name} and its copies are all in ${[...new Set([fn.region, ...placed.map((c) => c.region)])].join(", ")}: its copy must be in ${peer ?? "another region"}, or a region loss takes both.`,
        },
      ];
    });
  },
);

import { createHash } from "crypto";
import * as fs from "fs";
import { missingInputs } from "../programInputs";
import { UsageError } from "../stackFile";
import { Placement } from "./placement";
import { policyDocument } from "./policyDocument";

type InvokeAnswer = (
  inputs: Record<string, unknown>,
  where: Placement,
  stack: string,
) => Record<string, unknown>;

/** Answers to provider functions, each computed for the calling provider's account and region. */
const INVOKES: Record<string, InvokeAnswer> = {
  "aws:index/getCallerIdentity:getCallerIdentity": (_inputs, where, stack) => ({
    id: where.account,
    accountId: where.account,
    arn: `arn:${where.partition}:sts::${where.account}:assumed-role/iot-dr-deploy/iot-dr-${stack}`,
    userId: `AROAOFFLINEPLAN:iot-dr-${stack}`,
  }),
  "aws:index/getRegion:getRegion": (_inputs, where) => ({
    id: where.region,
    name: where.region,
    region: where.region,
    endpoint: `ec2.${where.region}.${where.dnsSuffix}`,
    description: where.region,
  }),
  "aws:index/getPartition:getPartition": (_inputs, where) => ({
    id: where.partition,
    partition: where.partition,
    dnsSuffix: where.dnsSuffix,
    reverseDnsPrefix: where.dnsSuffix.split(".").reverse().join("."),
  }),
  "aws:index/getAvailabilityZones:getAvailabilityZones": (_inputs, where) => ({
    id: where.region,
    names: ["a", "b", "c"].map((zone) => `${where.region}${zone}`),
    zoneIds: [1, 2, 3].map((n) => `${where.region.replace(/-/g, "").slice(0, 6)}-az${n}`),
    groupNames: [where.region],
    state: "available",
  }),
  // An operator-made secret (e.g. the command & control external id): a placeholder, never real.
  "aws:secretsmanager/getSecretVersion:getSecretVersion": (inputs, where) => {
    const name = String(inputs.secretId);
    const arn = `arn:${where.partition}:secretsmanager:${where.region}:${where.account}:secret:${name}-OFFLNE`;
    return {
      id: `${arn}|AWSCURRENT`,
      arn,
      secretId: name,
      versionId: "00000000-0000-4000-a000-000000000000",
      versionStage: "AWSCURRENT",
      versionStages: ["AWSCURRENT"],
      secretString: `offline-plan-placeholder-for-${name.replace(/[^\w-]/g, "-")}`,
      createdDate: "2026-01-01T00:00:00Z",
    };
  },
  // The newest image matching the filters: a made-up but well-formed AMI of the caller's region.
  "aws:ec2/getAmi:getAmi": (inputs, where) => {
    const owners = Array.isArray(inputs.owners) ? inputs.owners.map(String) : [];
    const id = `ami-0${createHash("sha256").update(where.region).digest("hex").slice(0, 16)}`;
    return {
      id,
      imageId: id,
      arn: `arn:${where.partition}:ec2:${where.region}::image/${id}`,
      architecture: "x86_64",
      name: "offline-plan-image",
      ownerId: owners[0] ?? where.account,
      owners,
      mostRecent: inputs.mostRecent ?? false,
      rootDeviceName: "/dev/xvda",
      rootDeviceType: "ebs",
      virtualizationType: "hvm",
      state: "available",
      filters: inputs.filters ?? [],
    };
  },
  // AWS's public parameters of the FIS Lambda extension: the layer of the caller's region, in an
  // account of AWS's (a placeholder here); any other parameter is the operator's and unknown.
  "aws:ssm/getParameter:getParameter": (inputs, where) => {
    const name = String(inputs.name);
    const match =
      /^\/aws\/service\/fis\/lambda-extension\/AWS-FIS-extension-(arm64|x86_64)\/1\.x\.x$/.exec(
        name,
      );
    if (!match) throw new Error(`aws.ssm.getParameter: no offline answer for ${name}`);
    const value = `arn:${where.partition}:lambda:${where.region}:000000000000:layer:aws-fis-extension-${match[1]}:1`;
    return {
      id: name,
      name,
      arn: `arn:${where.partition}:ssm:${where.region}::parameter${name}`,
      type: "String",
      value,
      insecureValue: value,
      version: 1,
      withDecryption: true,
    };
  },
  // A pure function of its inputs: computed as the provider computes it.
  "aws:iam/getPolicyDocument:getPolicyDocument": (inputs) => policyDocument(inputs),
  "aws:iot/getEndpoint:getEndpoint": (inputs, where) => {
    const prefix = `a${where.account.slice(-4)}offline`;
    const type = typeof inputs.endpointType === "string" ? inputs.endpointType : "iot:Data-ATS";
    const host: Record<string, string> = {
      "iot:Data-ATS": `${prefix}-ats.iot.${where.region}.${where.dnsSuffix}`,
      "iot:Data": `${prefix}.iot.${where.region}.${where.dnsSuffix}`,
      "iot:CredentialProvider": `${prefix}.credentials.iot.${where.region}.${where.dnsSuffix}`,
      "iot:Jobs": `${prefix}.jobs.iot.${where.region}.${where.dnsSuffix}`,
    };
    if (!host[type])
      throw new Error(`aws.iot.getEndpoint: unknown endpointType ${JSON.stringify(type)}`);
    return { id: type, endpointType: type, endpointAddress: host[type] };
  },
};

/** Answers a user supplied with --invoke-answers, by token; they win over the built-in ones. */
const supplied = new Map<string, Record<string, unknown>>();

/** Forgets the answers of an earlier --invoke-answers: each plan run starts with none. */
export function clearInvokeAnswers(): void {
  supplied.clear();
}

/** Reads `{"<token>": {<result>}, ...}` for invokes the offline plan cannot answer itself. */
export function loadInvokeAnswers(file: string): void {
  let document: unknown;
  try {
    document = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new UsageError(
      `--invoke-answers ${file}: expected a JSON file (${(error as Error).message})`,
    );
  }
  if (!document || typeof document !== "object" || Array.isArray(document)) {
    throw new UsageError(
      `--invoke-answers ${file}: expected an object of invoke tokens to results`,
    );
  }
  for (const [token, result] of Object.entries(document)) {
    if (
      !/^[\w-]+:[\w/.-]*:\w+$/.test(token) ||
      !result ||
      typeof result !== "object" ||
      Array.isArray(result)
    ) {
      throw new UsageError(
        `--invoke-answers ${file}: ${JSON.stringify(token)}: expected a token such as "aws:ec2/getAmi:getAmi" mapped to an object`,
      );
    }
    supplied.set(token, result as Record<string, unknown>);
  }
}

/** The answer to `token`; an invoke the plan does not know fails loudly instead of returning nothing. */
export function answerInvoke(
  token: string,
  inputs: Record<string, unknown>,
  where: Placement,
  stack: string,
): Record<string, unknown> {
  const given = supplied.get(token);
  if (given) return given;
  const answer = INVOKES[token];
  if (!answer) {
    // Recorded: the error below reaches the program only as a failed input, which the runtime
    // reports as a bare serialization error.
    missingInputs.invokes.add(token);
    throw new Error(
      `the offline plan has no answer for ${token}: add one to plan/mocks/invokes.ts`,
    );
  }
  return answer(inputs, where, stack);
}

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Arguments of {@link RegionalParameter}. */
export interface RegionalParameterArgs {
  /** The parameter's name (from NAMES: readers in the other stack find it by name). */
  parameterName: string;
  description: string;
  value: pulumi.Input<string>;
}

/**
 * A plain SSM parameter that hands a value known only after `primary` deploys (an endpoint id, an
 * access point ARN) to functions of both regions, read at cold start, so `secondary` never waits
 * for `primary`. Not secret: identifiers only.
 */
export class RegionalParameter extends pulumi.ComponentResource {
  public readonly parameter: aws.ssm.Parameter;

  constructor(name: string, args: RegionalParameterArgs, opts: pulumi.ComponentResourceOptions) {
    super("iotdr:data:RegionalParameter", name, {}, opts);
    this.parameter = new aws.ssm.Parameter(
      `${name}-parameter`,
      {
        name: args.parameterName,
        type: "String",
        description: args.description,
        value: args.value,
        tier: "Standard",
      },
      { parent: this },
    );
    this.registerOutputs({ name: this.parameter.name });
  }
}

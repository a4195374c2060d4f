import { strict as assert } from "assert";
import { dnsSuffixOf, formatArn, parseArn, partitionOf } from "../../core/arn";

describe("ARN helper", () => {
  it("knows the partition and DNS suffix of each region family", () => {
    assert.deepEqual(
      ["eu-west-1", "cn-north-1", "us-gov-west-1", "us-iso-east-1", "us-isob-east-1"].map(
        partitionOf,
      ),
      ["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b"],
    );
    assert.equal(dnsSuffixOf("cn-northwest-1"), "amazonaws.com.cn");
    assert.equal(dnsSuffixOf("eu-central-1"), "amazonaws.com");
  });

  it("keeps colons of the resource part when parsing", () => {
    const parts = parseArn("arn:aws:iot:eu-west-1:222222222222:rule/registry_events");
    assert.deepEqual(parts, {
      partition: "aws",
      service: "iot",
      region: "eu-west-1",
      account: "222222222222",
      resource: "rule/registry_events",
    });
    assert.equal(
      parseArn("arn:aws:lambda:eu-west-1:1:function:f:live").resource,
      "function:f:live",
    );
    assert.equal(formatArn(parseArn("arn:aws:s3:::bucket")), "arn:aws:s3:::bucket");
  });

  it("refuses what is not an ARN, saying what it expected", () => {
    assert.throws(
      () => parseArn("eu-west-1:thing"),
      /expected an ARN of the form arn:partition:service:region:account:resource, got "eu-west-1:thing"/,
    );
  });
});

import * as pulumi from "@pulumi/pulumi";

/**
 * Options of a resource that holds data or the key to it (KMS key, table, bucket, secret): kept in
 * the account when Pulumi deletes or replaces it. A DR platform must not lose the fleet's registry,
 * its keys or its evidence because a stack was destroyed or a property forced a replacement; the
 * operator removes a retained resource by hand, on purpose. retainOnDelete rather than protect:
 * protect would also block tearing a stack down in a drill, and a replacement of a named resource
 * still stops at the name that remains taken, so nothing is silently swapped.
 * (https://www.pulumi.com/docs/iac/concepts/options/retainondelete/)
 */
export function retained<T extends pulumi.CustomResourceOptions>(opts: T): T {
  return { ...opts, retainOnDelete: true };
}

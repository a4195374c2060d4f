/**
 * The IAM path of the roles IoT assumes for a fleet's provisioning: a provisioning template's
 * role and a CA's JITP registration role. The reconciler passes a role to IoT only under this path
 * (iam:PassRole in components/iotPlane/permissions.ts), so an item of the registry cannot make it hand
 * IoT any other role of the account (the deploy role, an administrator's). Operators create these
 * roles with `--path /iot-dr/provisioning/`; their ARNs read `role/iot-dr/provisioning/<name>`.
 */
export const PROVISIONING_ROLE_PATH = "/iot-dr/provisioning/";

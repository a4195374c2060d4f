/**
 * CloudWatch alarm evaluation as AWS documents it: the evaluator lives with the drill
 * (drill/aws/cloudWatchAlarm.ts), which runs it too; the tests judge the plan with the same one.
 */
export * from "../../../drill/aws/cloudWatchAlarm";

/**
 * `dated` of a state read from IoT (docs/convergence.md, rule 1): the epoch ms of a date IoT
 * reports for it (a certificate's `lastModifiedDate`, a group's `creationDate`), absent where IoT
 * gives none or an invalid one. Spread into the read: `{ ...datedBy(date) }`.
 */
export function datedBy(date: Date | undefined): { dated?: number } {
  const dated = date?.getTime();
  return dated !== undefined && Number.isFinite(dated) ? { dated } : {};
}

/**
 * The date IoT gives a policy's state: the `createDate` of its newest version ("the date and time
 * the policy was created", per version in ListPolicyVersions,
 * https://docs.aws.amazon.com/iot/latest/apireference/API_PolicyVersion.html; moto 5.2.1 sets it
 * when CreatePolicy or CreatePolicyVersion makes the version). It dates the creates, the changes
 * that bring a document: no later than the state, a lower bound of its time (docs/convergence.md,
 * rule 1). SetDefaultPolicyVersion and DeletePolicyVersion make no version, so they are not dated.
 * GetPolicy's `lastModifiedDate` is not used: the reference does not say which calls set it, and
 * moto 5.2.1 does not return it.
 */
export function policyDated(versions: { createDate?: Date }[]): { dated?: number } {
  const dates = versions
    .map((v) => v.createDate?.getTime())
    .filter((d): d is number => d !== undefined && Number.isFinite(d));
  return dates.length > 0 ? { dated: Math.max(...dates) } : {};
}

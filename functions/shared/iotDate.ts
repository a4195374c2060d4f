/**
 * `dated` of a state read from IoT (docs/convergence.md, rule 1): the epoch ms of a date IoT
 * reports for it (a certificate's `lastModifiedDate`, a group's `creationDate`), absent where IoT
 * gives none or an invalid one. Spread into the read: `{ ...datedBy(date) }`.
 */
export function datedBy(date: Date | undefined): { dated?: number } {
  const dated = date?.getTime();
  return dated !== undefined && Number.isFinite(dated) ? { dated } : {};
}

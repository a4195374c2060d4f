import { Checkpoint } from "./checkpoints";

export interface TablePort {
  /** The table's status (ACTIVE, UPDATING, ...); throws when it does not exist or is unreadable. */
  tableStatus(tableName: string): Promise<string>;
}

export interface FunctionPort {
  /** An Invoke with InvocationType DryRun: proves the function exists and may be invoked. */
  dryRun(functionName: string): Promise<void>;
}

/** Tables serve reads and writes while ACTIVE or UPDATING; anything else is not serving. */
export const SERVING_TABLE = new Set(["ACTIVE", "UPDATING"]);

export async function expectServingTable(tables: TablePort, tableName: string): Promise<void> {
  const status = await tables.tableStatus(tableName);
  if (!SERVING_TABLE.has(status)) throw new Error(`table ${tableName} is ${status}`);
}

/** The application services: their global table serves and their function can be invoked. */
export function appCheckpoints(
  settings: { tableName: string; functionName: string },
  ports: { tables: TablePort; functions: FunctionPort },
): Checkpoint[] {
  return [
    {
      name: "application-table",
      run: () => expectServingTable(ports.tables, settings.tableName),
    },
    {
      name: "application-function",
      run: () => ports.functions.dryRun(settings.functionName),
    },
  ];
}

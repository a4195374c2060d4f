/**
 * The registry global table as the harness must bridge it: moto keeps one independent table per
 * region and does not replicate (`ReplicaUpdates` is accepted, no replica appears). The bridge
 * reads each region's DynamoDB stream, copies each local write to the other regions with last
 * writer wins (global tables version 2019.11.21 resolve concurrent writes that way:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_HowItWorks.html),
 * and hands every region all the records of its own stream, replicated ones included, shaped as
 * Lambda's DynamoDB event source delivers them
 * (https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html).
 */
import {
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  PutItemCommand,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from "@aws-sdk/client-dynamodb";
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type DynamoDBStreamsClient,
  type _Record,
} from "@aws-sdk/client-dynamodb-streams";
import type { DynamoDBRecord } from "aws-lambda";
import { stableJson } from "../../../core/stableJson";

/** The planned `aws:dynamodb/table:Table` inputs the harness reads. */
export interface PlannedTable {
  name: string;
  hashKey: string;
  rangeKey?: string;
  billingMode?: string;
  attributes: { name: string; type: string }[];
  streamEnabled?: boolean;
  streamViewType?: string;
  ttl?: { attributeName: string; enabled: boolean };
  replicas?: { regionName: string }[];
  globalSecondaryIndexes?: { name: string; hashKey: string; projectionType: string }[];
}

/** Creates the planned table in one region of moto: key schema, indexes, stream and TTL as planned. */
export async function createPlannedTable(ddb: DynamoDBClient, plan: PlannedTable): Promise<string> {
  const out = await ddb.send(
    new CreateTableCommand({
      TableName: plan.name,
      BillingMode: plan.billingMode === "PROVISIONED" ? "PROVISIONED" : "PAY_PER_REQUEST",
      KeySchema: [
        { AttributeName: plan.hashKey, KeyType: "HASH" },
        ...(plan.rangeKey ? [{ AttributeName: plan.rangeKey, KeyType: "RANGE" as const }] : []),
      ],
      AttributeDefinitions: plan.attributes.map((a) => ({
        AttributeName: a.name,
        AttributeType: a.type as "S" | "N" | "B",
      })),
      GlobalSecondaryIndexes: plan.globalSecondaryIndexes?.map((i) => ({
        IndexName: i.name,
        KeySchema: [{ AttributeName: i.hashKey, KeyType: "HASH" as const }],
        Projection: { ProjectionType: i.projectionType as "KEYS_ONLY" },
      })),
      StreamSpecification: plan.streamEnabled
        ? { StreamEnabled: true, StreamViewType: plan.streamViewType as "NEW_AND_OLD_IMAGES" }
        : undefined,
    }),
  );
  if (plan.ttl?.enabled) {
    await ddb.send(
      new UpdateTimeToLiveCommand({
        TableName: plan.name,
        TimeToLiveSpecification: { AttributeName: plan.ttl.attributeName, Enabled: true },
      }),
    );
  }
  const streamArn = out.TableDescription?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${plan.name} was planned without a stream`);
  return streamArn;
}

/** One region's replica as the bridge sees it. */
export interface Replica {
  region: string;
  tableName: string;
  ddb: DynamoDBClient;
  streams: DynamoDBStreamsClient;
}

interface Cursor {
  shardIterator?: string;
  lastSequence?: string;
  shardId?: string;
}

/** Lambda's event record for a stream record read through the DynamoDB Streams API. */
export function lambdaRecord(record: _Record, region: string, streamArn: string): DynamoDBRecord {
  const d = record.dynamodb!;
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: "aws:dynamodb",
    awsRegion: region,
    eventSourceARN: streamArn,
    dynamodb: {
      // Lambda sends epoch seconds; the SDK hands a Date.
      ApproximateCreationDateTime: d.ApproximateCreationDateTime
        ? Math.floor(d.ApproximateCreationDateTime.getTime() / 1000)
        : undefined,
      Keys: d.Keys as never,
      NewImage: d.NewImage as never,
      OldImage: d.OldImage as never,
      SequenceNumber: d.SequenceNumber,
      SizeBytes: d.SizeBytes,
      StreamViewType: d.StreamViewType,
    },
  };
}

const keyOf = (record: _Record) => JSON.stringify(record.dynamodb?.Keys ?? {});
/** A write as its replica's stream will show it: the key and the new image (none for a delete). */
const echoId = (record: _Record) =>
  stableJson([record.dynamodb?.Keys ?? {}, record.dynamodb?.NewImage ?? null]);

export class GlobalTableBridge {
  private readonly cursors = new Map<string, Cursor>();
  private readonly streamArns = new Map<string, string>();
  /** Replicated writes each region's stream will show (by key and image): not to replicate back. */
  private readonly echoes = new Map<string, Map<string, number>>();
  /** When the write each region holds per key was made (ms), for last writer wins. */
  private readonly writtenAt = new Map<string, Map<string, number>>();
  /** Regions cut off (an outage): nothing is read from or written to them until they return. */
  readonly down = new Set<string>();
  /** Writes waiting for a region that is down, applied in order when it returns. */
  private readonly backlog = new Map<string, { record: _Record; at: number }[]>();

  constructor(readonly replicas: Replica[]) {
    for (const r of replicas) {
      this.echoes.set(r.region, new Map());
      this.writtenAt.set(r.region, new Map());
    }
  }

  private replica(region: string): Replica {
    const found = this.replicas.find((r) => r.region === region);
    if (!found) throw new Error(`no replica in ${region}`);
    return found;
  }

  private async streamArn(r: Replica): Promise<string> {
    let arn = this.streamArns.get(r.region);
    if (!arn) {
      const table = await r.ddb.send(new DescribeTableCommand({ TableName: r.tableName }));
      arn = table.Table?.LatestStreamArn;
      if (!arn) throw new Error(`table ${r.tableName} in ${r.region} has no stream`);
      this.streamArns.set(r.region, arn);
    }
    return arn;
  }

  /** New records of a region's stream since the last read, in stream order. */
  async read(region: string): Promise<_Record[]> {
    const r = this.replica(region);
    const arn = await this.streamArn(r);
    const cursor = this.cursors.get(region) ?? {};
    if (!cursor.shardId) {
      const stream = await r.streams.send(new DescribeStreamCommand({ StreamArn: arn }));
      cursor.shardId = stream.StreamDescription?.Shards?.[0]?.ShardId;
      if (!cursor.shardId) return [];
    }
    if (!cursor.shardIterator) {
      const it = await r.streams.send(
        new GetShardIteratorCommand({
          StreamArn: arn,
          ShardId: cursor.shardId,
          ...(cursor.lastSequence
            ? { ShardIteratorType: "AFTER_SEQUENCE_NUMBER", SequenceNumber: cursor.lastSequence }
            : { ShardIteratorType: "TRIM_HORIZON" }),
        }),
      );
      cursor.shardIterator = it.ShardIterator;
    }
    const records: _Record[] = [];
    for (;;) {
      const page = await r.streams.send(
        new GetRecordsCommand({ ShardIterator: cursor.shardIterator, Limit: 1000 }),
      );
      records.push(...(page.Records ?? []));
      cursor.shardIterator = page.NextShardIterator;
      if (!page.Records?.length || !cursor.shardIterator) break;
    }
    if (records.length) cursor.lastSequence = records[records.length - 1].dynamodb?.SequenceNumber;
    // An iterator past the last record may not see later ones in moto: start again from the
    // last sequence number read next time.
    cursor.shardIterator = undefined;
    this.cursors.set(region, cursor);
    return records;
  }

  /**
   * Reads every live region's stream once, then replicates the local writes among the live regions
   * (last writer wins, by the time of the write) and returns, per region, the stream records its
   * reconciler receives: local writes and replicated ones alike, as a replica's stream shows both.
   */
  async pump(): Promise<{ delivered: Map<string, DynamoDBRecord[]>; replicated: number }> {
    const delivered = new Map<string, DynamoDBRecord[]>();
    const local: { record: _Record; at: number; source: Replica }[] = [];
    for (const source of this.replicas) {
      if (this.down.has(source.region)) continue;
      const records = await this.read(source.region);
      const arn = await this.streamArn(source);
      delivered.set(
        source.region,
        records.map((r) => lambdaRecord(r, source.region, arn)),
      );
      for (const record of records) {
        if (this.isEcho(source.region, record)) continue;
        const at = record.dynamodb?.ApproximateCreationDateTime?.getTime();
        if (at === undefined) throw new Error("a stream record without its creation time");
        // Known before any replication of this round, so an older write elsewhere loses to it.
        this.heldAt(source.region, keyOf(record), at);
        local.push({ record, at, source });
      }
    }
    const due = [
      ...this.replicas.flatMap((target) =>
        this.down.has(target.region) ? [] : this.takeBacklog(target),
      ),
      ...local.flatMap(({ record, at, source }) =>
        this.replicas.filter((t) => t !== source).map((target) => ({ record, at, target })),
      ),
    ].sort((x, y) => x.at - y.at);
    let replicated = 0;
    for (const { record, at, target } of due) {
      if (this.down.has(target.region)) {
        this.backlog.set(target.region, [
          ...(this.backlog.get(target.region) ?? []),
          { record, at },
        ]);
      } else if (await this.replicate(record, at, target)) {
        replicated += 1;
      }
    }
    return { delivered, replicated };
  }

  private takeBacklog(target: Replica) {
    const waiting = this.backlog.get(target.region) ?? [];
    this.backlog.delete(target.region);
    return waiting.map(({ record, at }) => ({ record, at, target }));
  }

  private heldAt(region: string, key: string, at: number): void {
    const held = this.writtenAt.get(region)!;
    held.set(key, Math.max(held.get(key) ?? 0, at));
  }

  /** A record of a write the bridge made (matched by key and image), consumed once. */
  private isEcho(region: string, record: _Record): boolean {
    const pending = this.echoes.get(region)!;
    const id = echoId(record);
    const count = pending.get(id) ?? 0;
    if (count === 0) return false;
    pending.set(id, count - 1);
    return true;
  }

  /** Applies one local write of another region to `target`, unless target holds a later one. */
  private async replicate(record: _Record, at: number, target: Replica): Promise<boolean> {
    const key = keyOf(record);
    const held = this.writtenAt.get(target.region)!.get(key);
    if (held !== undefined && held > at) return false;
    const d = record.dynamodb!;
    if (record.eventName === "REMOVE") {
      await target.ddb.send(new DeleteItemCommand({ TableName: target.tableName, Key: d.Keys }));
    } else {
      await target.ddb.send(new PutItemCommand({ TableName: target.tableName, Item: d.NewImage }));
    }
    this.heldAt(target.region, key, at);
    const echoes = this.echoes.get(target.region)!;
    const id = echoId(record);
    echoes.set(id, (echoes.get(id) ?? 0) + 1);
    return true;
  }
}

import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { afterAll, beforeAll } from 'vitest';
import { localTable } from '../../lib/local/table-shape';

export interface DynaliteTable {
  db: DynamoDBDocumentClient;
  table: string;
  stop: () => Promise<void>;
}

/** A dynalite server on a free loopback port with the table's shape (pk, sk), for the stores' unit tests. */
export async function dynaliteTable(): Promise<DynaliteTable> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = new DynamoDBClient({ region: 'eu-west-3', endpoint: `http://127.0.0.1:${port}`, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const table = 'caqes-unit';
  await client.send(new CreateTableCommand(localTable(table)));
  const db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return {
    db,
    table,
    stop: async () => {
      client.destroy();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/**
 * A dynalite table for the tests of the calling file or `describe`: started before them, stopped
 * after. Its `db` and `table` are read once the tests run.
 */
export function useDynaliteTable(): Pick<DynaliteTable, 'db' | 'table'> {
  let current: DynaliteTable | undefined;
  beforeAll(async () => {
    current = await dynaliteTable();
  }, 30_000);
  afterAll(async () => {
    await current?.stop();
  });
  const started = (): DynaliteTable => {
    if (!current) throw new Error('the dynalite table is started by beforeAll: read it inside a test or hook');
    return current;
  };
  return {
    get db() {
      return started().db;
    },
    get table() {
      return started().table;
    },
  };
}

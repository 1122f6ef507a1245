/**
 * What the commands need from the outside world, injectable so tests run commands in-process.
 */
import { writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { loadRehearsalRunner, RehearsalModule } from './rehearse';

export interface Writer {
  write(text: string): unknown;
}

export interface CliDeps {
  /** The Step Functions client for a region; undefined = the SDK's default region chain. */
  readonly sfn: (region: string | undefined) => SFNClient;
  /** The DynamoDB client (the runbook's control table) for a region. */
  readonly dynamodb: (region: string | undefined) => DynamoDBClient;
  readonly stdout: Writer;
  readonly stderr: Writer;
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
  readonly writeFile: (path: string, content: string) => Promise<void>;
  /** Who is at the keyboard: the default `requestedBy` of an abort. */
  readonly user: () => string;
  /** The rehearsal runner, or undefined when this build has none. */
  readonly loadRehearsal: () => Promise<RehearsalModule | undefined>;
  /** Print stack traces of unexpected errors (CONNECT_GOLIVE_DEBUG=1). */
  readonly debug: boolean;
}

export function defaultDeps(): CliDeps {
  return {
    sfn: (region) => new SFNClient({ region }),
    dynamodb: (region) => new DynamoDBClient({ region }),
    stdout: process.stdout,
    stderr: process.stderr,
    now: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    writeFile: (path, content) => writeFile(path, content, 'utf8'),
    user: () => process.env.USER ?? safeUsername(),
    loadRehearsal: loadRehearsalRunner,
    debug: process.env.CONNECT_GOLIVE_DEBUG === '1',
  };
}

function safeUsername(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** Runs the CLI in-process with recorded output, a fixed clock and no real sleeping or file writes. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeExecutionCommand,
  DescribeExecutionOutput,
  GetExecutionHistoryCommand,
  HistoryEvent,
  SFNClient,
} from '@aws-sdk/client-sfn';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import type { CliDeps } from '../../bin/cli/deps';
import { runCli } from '../../bin/cli/program';

export const NOW = new Date('2025-06-01T21:00:00.000Z');

export interface Harness {
  readonly deps: CliDeps;
  run(...argv: string[]): Promise<number>;
  stdout(): string;
  stderr(): string;
  /** Regions the clients were created for. */
  readonly regions: (string | undefined)[];
  readonly files: Map<string, string>;
  readonly sleeps: number[];
}

export function harness(overrides: Partial<CliDeps> = {}): Harness {
  const out: string[] = [];
  const err: string[] = [];
  const regions: (string | undefined)[] = [];
  const files = new Map<string, string>();
  const sleeps: number[] = [];
  const deps: CliDeps = {
    sfn: (region) => {
      regions.push(region);
      return new SFNClient({ region: region ?? 'us-east-1' });
    },
    dynamodb: (region) => new DynamoDBClient({ region: region ?? 'us-east-1' }),
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => err.push(text) },
    now: () => NOW,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    writeFile: async (path, content) => {
      files.set(path, content);
    },
    user: () => 'ops-alice',
    loadRehearsal: async () => undefined,
    debug: false,
    ...overrides,
  };
  return {
    deps,
    run: (...argv) => runCli(argv, deps),
    stdout: () => out.join(''),
    stderr: () => err.join(''),
    regions,
    files,
    sleeps,
  };
}

/** stderr is exactly one `connect-golive: …` line, with no stack trace. */
export function expectOneErrorLine(h: Harness, pattern: RegExp): void {
  const lines = h
    .stderr()
    .split('\n')
    .filter((l) => l !== '');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^connect-golive: /);
  expect(lines[0]).toMatch(pattern);
  expect(h.stderr()).not.toMatch(/\n\s+at /);
}

/** The mocked execution is this story: DescribeExecution returns its description, the history its events. */
export function givenExecution(sfn: AwsClientStub<SFNClient>, story: { events: HistoryEvent[]; describe: DescribeExecutionOutput }): void {
  sfn.on(DescribeExecutionCommand).resolves(story.describe);
  sfn.on(GetExecutionHistoryCommand).resolves({ events: story.events });
}

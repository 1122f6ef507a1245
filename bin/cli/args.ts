/**
 * Argument checks that run before any AWS call: a typo fails here, with the field named, not at AWS.
 */
import { closeSync, openSync } from 'node:fs';
import { usageError } from './errors';

const PARTITION = 'arn:aws(?:-[a-z]+)*';
const REGION = '[a-z]{2}(?:-[a-z]+)+-\\d{1,2}';
const ACCOUNT = '\\d{12}';
/** State machine and execution names: no whitespace, brackets, wildcards or `"#%\\^|~`$&,;:/`. */
const NAME = '[^\\s<>{}\\[\\]?*"#%\\\\^|~`$&,;:/]{1,80}';

const STATE_MACHINE_ARN = new RegExp(`^${PARTITION}:states:(${REGION}):${ACCOUNT}:stateMachine:${NAME}(?::[A-Za-z0-9_-]{1,80})?$`);
const EXECUTION_ARN = new RegExp(`^${PARTITION}:states:(${REGION}):${ACCOUNT}:execution:${NAME}:(${NAME})$`);
const REGION_ONLY = new RegExp(`^${REGION}$`);

/** The execution input's `changeId` (contract). */
export const CHANGE_ID = /^[A-Za-z0-9._-]{1,64}$/;
/** ISO-8601 UTC with a `Z`: date, hours and minutes, optional seconds and fraction. */
const ISO_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?Z$/;

export interface ParsedArn {
  readonly arn: string;
  readonly region: string;
}

export interface ParsedExecutionArn extends ParsedArn {
  /** The execution name: the last segment. */
  readonly name: string;
}

/** `arn:aws[-partition]:states:<region>:<account>:stateMachine:<name>[:<version or alias>]`. */
export function parseStateMachineArn(value: string): ParsedArn {
  const match = STATE_MACHINE_ARN.exec(value);
  if (!match) {
    throw usageError(
      `--state-machine must be a state machine ARN (arn:aws:states:<region>:<account>:stateMachine:<name>), got: ${show(value)}`,
    );
  }
  return { arn: value, region: match[1] };
}

/** `arn:aws[-partition]:states:<region>:<account>:execution:<state machine>:<name>`. */
export function parseExecutionArn(value: string): ParsedExecutionArn {
  const match = EXECUTION_ARN.exec(value);
  if (!match) {
    throw usageError(
      `EXECUTION must be an execution ARN (arn:aws:states:<region>:<account>:execution:<state machine>:<name>), got: ${show(value)}`,
    );
  }
  return { arn: value, region: match[1], name: match[2] };
}

export function parseChangeId(value: string): string {
  if (!CHANGE_ID.test(value)) throw usageError(`--change-id must match ${CHANGE_ID.source}, got: ${show(value)}`);
  return value;
}

/** A future ISO-8601 UTC time, normalised to `toISOString()`. The upper bound is the runbook's to check. */
export function parseCutoverAt(value: string, now: Date): string {
  const match = ISO_UTC.exec(value);
  const date = new Date(value);
  // The round trip catches dates that parse by rolling over (2025-02-30 → March 2).
  const exact =
    match &&
    !Number.isNaN(date.getTime()) &&
    date.toISOString().slice(0, 16) === `${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}`;
  if (!exact) throw usageError(`--cutover-at must be an ISO-8601 UTC time such as 2025-06-01T22:00:00Z, got: ${show(value)}`);
  if (date.getTime() <= now.getTime()) throw usageError(`--cutover-at must be in the future, got: ${value} (now ${now.toISOString()})`);
  return date.toISOString();
}

export function parseRegion(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!REGION_ONLY.test(value)) throw usageError(`--region must be an AWS region such as us-east-1, got: ${show(value)}`);
  return value;
}

/** A required free-text option: trimmed, not empty, no control characters, bounded. */
export function parseText(option: string, value: string, maxChars: number): string {
  const text = value.trim();
  if (text === '') throw usageError(`${option} must not be empty`);
  if (/[\u0000-\u001f\u007f]/.test(text)) throw usageError(`${option} must not contain control characters`);
  if (text.length > maxChars) throw usageError(`${option} must be at most ${maxChars} characters, got ${text.length}`);
  return text;
}

/** `uat,training,bau,support` → the names, lower-case, without duplicates. */
export function parseAttestations(value: string | undefined): string[] {
  if (value === undefined) return [];
  const names = value
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  const bad = names.find((name) => !/^[a-z0-9][a-z0-9_-]{0,63}$/.test(name));
  if (bad !== undefined) throw usageError(`--attest takes comma-separated names such as uat,training,bau,support, got: ${show(bad)}`);
  return [...new Set(names)];
}

/** Seconds between polls for --follow. */
export function parseIntervalSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 300)
    throw usageError(`--interval must be a whole number of seconds from 1 to 300, got: ${show(value)}`);
  return seconds;
}

/**
 * An output file the command will write (`rehearse --trace FILE`): created or truncated now, so a path that cannot
 * be written fails in one line before any work is done, not after a whole rehearsal.
 */
export function parseWritableFile(option: string, file: string): string {
  if (file.trim() === '') throw usageError(`${option} must name a file`);
  try {
    closeSync(openSync(file, 'w'));
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw usageError(`${option} ${file}: cannot write the file (${e.code ?? e.message})`);
  }
  return file;
}

function show(value: string): string {
  return JSON.stringify(value.length > 120 ? `${value.slice(0, 120)}…` : value);
}

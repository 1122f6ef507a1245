/**
 * Decommission: the three tasks of the Decommission state machine (lib/runbook/decommission.ts), one handler, the
 * step named in the task payload (`{ step, state }`):
 *
 * - `validate`: the input (who approves, with which attestations, which go-live), the go-live execution ended LIVE
 *   (DescribeExecution: SUCCEEDED, output outcome LIVE; a RUNNING one is still verifying or in hypercare), every
 *   required attestation given, no point of no return recorded for it yet. Anything else: DecommissionRefused,
 *   nothing changed.
 * - `release`: releases the UAT number (disassociated from its flow first: a number in use is not released).
 * - `record`: writes the point of no return to the control table (once per go-live execution) and the status topic.
 */
import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribePhoneNumberCommand, DisassociatePhoneNumberContactFlowCommand, ReleasePhoneNumberCommand } from '@aws-sdk/client-connect';
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import * as z from 'zod';
import { decommissionKey } from '../core/control';
import { DecommissionRefusedError } from '../core/errors';
import { describeValue } from '../core/text';
import { DecommissionConfig, DecommissionInput } from '../core/types';
import { connect, dynamodb, sfn } from '../shared/clients';
import { now } from '../shared/clock';
import { instanceIdOf } from '../shared/connect';
import { logger } from '../shared/logger';
import { publishStatus } from '../shared/status';

const EXECUTION_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:\s]{1,80}:[^:\s]{1,80}$/;
const ATTESTATION = /^[a-z][a-z0-9-]{0,31}$/;

/** The Decommission execution input (contract; README "Decommission and the point of no return"). */
export const decommissionInputSchema = z.strictObject({
  goLiveExecutionArn: z.string().regex(EXECUTION_ARN, { error: 'must be a Step Functions execution ARN' }),
  approver: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[^\x00-\x1f]+$/, { error: 'must not contain control characters' }),
  attestations: z.array(z.string().regex(ATTESTATION, { error: 'must be a short lower-case word' })).max(20),
});

/** What `validate` found: the state's `validated` key. */
export interface Validated extends DecommissionInput {
  readonly changeId: string | null;
  /** When the go-live execution ended LIVE (its stop date). */
  readonly liveAt: string | null;
}

/** What `release` did: the state's `release` key. */
export interface Released {
  readonly released: boolean;
  readonly phoneNumber?: string;
  readonly phoneNumberId?: string;
  readonly releasedAt?: string;
  /** Why nothing was released (no UAT number configured, or it was already gone). */
  readonly reason?: string;
}

/** The Decommission state machine's output (`Decommissioned`). */
export interface DecommissionResult extends Validated {
  readonly outcome: 'DECOMMISSIONED';
  readonly decommissionExecutionArn: string;
  readonly uatNumber: Released;
  /** When the point of no return was recorded. */
  readonly at: string;
}

const eventSchema = z.object({
  step: z.enum(['validate', 'release', 'record']),
  state: z
    .object({
      input: z.unknown(),
      executionArn: z.string(),
      config: z
        .object({
          instanceArn: z.string(),
          uatPhoneNumberArn: z.string().optional(),
          requiredAttestations: z.array(z.string()),
          controlTableName: z.string(),
          statusTopicArn: z.string(),
        })
        .loose(),
      validated: z.unknown().optional(),
      release: z.unknown().optional(),
    })
    .loose(),
});

export async function handler(event: unknown): Promise<Validated | Released | DecommissionResult> {
  const parsed = eventSchema.safeParse(event);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TypeError(`event.${issue.path.join('.')}: ${issue.message}`);
  }
  const { step, state } = parsed.data;
  const config = state.config as DecommissionConfig;
  logger.appendKeys({ executionArn: state.executionArn, step });
  switch (step) {
    case 'validate':
      return validate(state.input, config);
    case 'release':
      return release(config, state.executionArn);
    case 'record':
      return record(config, state.executionArn, state.validated as Validated, state.release as Released);
  }
}

async function validate(raw: unknown, config: DecommissionConfig): Promise<Validated> {
  const parsed = decommissionInputSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('') || '.';
    throw new DecommissionRefusedError(`input${field === '.' ? '' : field}: ${issue.message}`);
  }
  const input = parsed.data;
  const missing = config.requiredAttestations.filter((a) => !input.attestations.includes(a));
  if (missing.length > 0) {
    throw new DecommissionRefusedError(
      `missing attestation(s): ${missing.join(', ')} (required: ${config.requiredAttestations.join(', ')}; given: ${input.attestations.join(', ') || 'none'})`,
    );
  }
  let execution;
  try {
    execution = await sfn.send(new DescribeExecutionCommand({ executionArn: input.goLiveExecutionArn }));
  } catch (error) {
    if ((error as Error).name === 'ExecutionDoesNotExist') {
      throw new DecommissionRefusedError(`the go-live execution ${input.goLiveExecutionArn} does not exist`, { cause: error });
    }
    throw error;
  }
  if (execution.status === 'RUNNING' || execution.status === 'PENDING_REDRIVE') {
    throw new DecommissionRefusedError(
      `the go-live execution is still ${execution.status}: its verification or hypercare is not over; rollback stays possible until it ends LIVE`,
    );
  }
  const output = parseOutput(execution.output);
  if (execution.status !== 'SUCCEEDED' || output?.outcome !== 'LIVE') {
    throw new DecommissionRefusedError(
      `the go-live execution ended ${execution.status === 'SUCCEEDED' ? describeValue(output?.outcome ?? 'without an outcome') : execution.status}, not LIVE: there is nothing to decommission`,
    );
  }
  const existing = await dynamodb.send(
    new GetItemCommand({
      TableName: config.controlTableName,
      Key: { pk: { S: decommissionKey(input.goLiveExecutionArn) } },
      ConsistentRead: true,
    }),
  );
  if (existing.Item) {
    throw new DecommissionRefusedError(
      `the point of no return of this go-live was already recorded at ${existing.Item.at?.S ?? '?'} by ${existing.Item.approver?.S ?? '?'}`,
    );
  }
  return {
    ...input,
    changeId: typeof output.changeId === 'string' ? output.changeId : null,
    liveAt: execution.stopDate ? new Date(execution.stopDate).toISOString() : null,
  };
}

function parseOutput(text: string | undefined): { outcome?: unknown; changeId?: unknown } | undefined {
  try {
    const value: unknown = text ? JSON.parse(text) : undefined;
    return value !== null && typeof value === 'object' ? (value as { outcome?: unknown; changeId?: unknown }) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Releases the UAT number. After release it enters a cooldown of up to 180 days in which it cannot be searched for
 * or claimed again, and claims plus releases count against a rolling 180-day quota (200 % of the number quota).
 * @see https://docs.aws.amazon.com/connect/latest/APIReference/API_ReleasePhoneNumber.html
 */
async function release(config: DecommissionConfig, decommissionExecutionArn: string): Promise<Released> {
  const arn = config.uatPhoneNumberArn;
  if (!arn) return { released: false, reason: 'no UAT number configured (GoLiveRunbook uatPhoneNumberArn)' };
  const phoneNumberId = arn.split('/').pop()!;
  let phoneNumber: string | undefined;
  try {
    const described = await connect.send(new DescribePhoneNumberCommand({ PhoneNumberId: phoneNumberId }));
    phoneNumber = described.ClaimedPhoneNumberSummary?.PhoneNumber;
  } catch (error) {
    // Gone already: released by an earlier try of this step (its answer lost), or by hand.
    if ((error as Error).name === 'ResourceNotFoundException') {
      return { released: false, phoneNumberId, reason: 'the UAT number is no longer claimed (already released)' };
    }
    throw error;
  }
  try {
    await connect.send(
      new DisassociatePhoneNumberContactFlowCommand({ PhoneNumberId: phoneNumberId, InstanceId: instanceIdOf(config.instanceArn) }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ResourceNotFoundException') throw error;
  }
  // One token per decommission execution: a retried step is the same request to Connect.
  const clientToken = createHash('sha256').update(decommissionExecutionArn).digest('hex').slice(0, 32);
  await connect.send(new ReleasePhoneNumberCommand({ PhoneNumberId: phoneNumberId, ClientToken: clientToken }));
  logger.info('UAT number released', { phoneNumberId });
  return { released: true, phoneNumberId, ...(phoneNumber ? { phoneNumber } : {}), releasedAt: now().toISOString() };
}

async function record(
  config: DecommissionConfig,
  decommissionExecutionArn: string,
  validated: Validated,
  released: Released,
): Promise<DecommissionResult> {
  const at = now().toISOString();
  try {
    await dynamodb.send(
      new PutItemCommand({
        TableName: config.controlTableName,
        Item: {
          pk: { S: decommissionKey(validated.goLiveExecutionArn) },
          goLiveExecutionArn: { S: validated.goLiveExecutionArn },
          decommissionExecutionArn: { S: decommissionExecutionArn },
          approver: { S: validated.approver },
          attestations: { S: JSON.stringify(validated.attestations) },
          uatNumber: { S: JSON.stringify(released) },
          at: { S: at },
        },
        // Written once: a retried step finds its own item and leaves it (the one the first try wrote stands).
        ConditionExpression: 'attribute_not_exists(pk) OR decommissionExecutionArn = :me',
        ExpressionAttributeValues: { ':me': { S: decommissionExecutionArn } },
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException') {
      throw new DecommissionRefusedError('another decommission recorded the point of no return of this go-live first', { cause: error });
    }
    throw error;
  }
  const what = released.released
    ? `UAT number ${released.phoneNumber ?? released.phoneNumberId} released`
    : `UAT number not released (${released.reason})`;
  await publishStatus(config, {
    step: 'Decommission',
    changeId: validated.changeId ?? undefined,
    status: 'POINT_OF_NO_RETURN',
    summary: `point of no return recorded: ${what}; approved by ${validated.approver} (${validated.attestations.join(', ')})`,
  });
  return { outcome: 'DECOMMISSIONED', ...validated, decommissionExecutionArn, uatNumber: released, at };
}

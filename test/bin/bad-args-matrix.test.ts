/**
 * Bad-arguments matrix (issue: "Bad-input matrix", "CLI arguments too"): every bad invocation exits non-zero with
 * ONE line on stderr starting `connect-golive:`, no stack trace, and sends nothing to AWS. Argument checks run
 * before any client is used; the few refusals that depend on what the execution waits for read it first and
 * then send nothing.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStateMachineForExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DEFINITION, EXECUTION_ARN, pendingApproval, pendingInconclusive, STATE_MACHINE_ARN } from '../lib/report/fixtures/history';
import { expectOneErrorLine, givenExecution, harness, NOW } from './harness';

const sfn = mockClient(SFNClient);
const dynamodb = mockClient(DynamoDBClient);

beforeEach(() => {
  sfn.reset();
  dynamodb.reset();
});

const ALL = 'uat,training,bau,support';
const START = ['start', '--state-machine', STATE_MACHINE_ARN, '--change-id', 'CHG-1'];
/** The same execution in the wrong shapes: each kind of ARN the CLI takes, broken one way or another. */
const LAMBDA_ARN = 'arn:aws:lambda:eu-west-2:123456789012:function:GoLiveRunbook';

/** [what, argv, exit code, the line]. */
const BEFORE_ANY_CALL: Array<[string, string[], number, RegExp]> = [
  // state machine ARNs (start)
  [
    'a Lambda ARN as --state-machine',
    ['start', '--state-machine', LAMBDA_ARN, '--change-id', 'CHG-1'],
    2,
    /--state-machine must be a state machine ARN .*got: "arn:aws:lambda:/,
  ],
  [
    'a state machine ARN without a region',
    ['start', '--state-machine', 'arn:aws:states::123456789012:stateMachine:GoLiveRunbook', '--change-id', 'CHG-1'],
    2,
    /--state-machine must be a state machine ARN/,
  ],
  [
    'a state machine name with a space',
    ['start', '--state-machine', 'arn:aws:states:eu-west-2:123456789012:stateMachine:Go Live', '--change-id', 'CHG-1'],
    2,
    /--state-machine must be a state machine ARN .*got: "arn:aws:states:eu-west-2:123456789012:stateMachine:Go Live"/,
  ],
  [
    'a state machine ARN in another cloud',
    ['start', '--state-machine', 'arn:azure:states:eu-west-2:123456789012:stateMachine:GoLiveRunbook', '--change-id', 'CHG-1'],
    2,
    /--state-machine must be a state machine ARN/,
  ],
  [
    'an empty --state-machine',
    ['start', '--state-machine', '', '--change-id', 'CHG-1'],
    2,
    /--state-machine must be a state machine ARN .*got: ""/,
  ],
  // execution ARNs (status, approve, reject, abort, report)
  ['status of an upper-case region', ['status', EXECUTION_ARN.replace('eu-west-2', 'EU-WEST-2')], 2, /EXECUTION must be an execution ARN/],
  [
    'approve of a state machine ARN',
    ['approve', STATE_MACHINE_ARN, '--approver', 'cab-chair', '--attest', ALL],
    2,
    /EXECUTION must be an execution ARN .*got: "arn:aws:states:eu-west-2:123456789012:stateMachine:GoLiveRunbook"/,
  ],
  [
    'reject of an execution ARN with a 13-digit account',
    ['reject', EXECUTION_ARN.replace('123456789012', '1234567890123'), '--reason', 'no'],
    2,
    /EXECUTION must be an execution ARN/,
  ],
  [
    'abort of an execution ARN with a wildcard name',
    ['abort', `${EXECUTION_ARN.replace(/:[^:]+$/, '')}:*`],
    2,
    /EXECUTION must be an execution ARN .*:\*"/,
  ],
  ['report of a Lambda ARN', ['report', LAMBDA_ARN], 2, /EXECUTION must be an execution ARN .*got: "arn:aws:lambda:/],
  // --change-id
  ['an empty change id', ['start', '--state-machine', STATE_MACHINE_ARN, '--change-id', ''], 2, /--change-id must match .*got: ""/],
  [
    'a change id with a slash',
    ['start', '--state-machine', STATE_MACHINE_ARN, '--change-id', 'CHG/1'],
    2,
    /--change-id must match .*got: "CHG\/1"/,
  ],
  [
    'a change id with a newline',
    ['start', '--state-machine', STATE_MACHINE_ARN, '--change-id', 'CHG-1\nrm -rf'],
    2,
    /--change-id must match .*got: "CHG-1\\nrm -rf"/,
  ],
  [
    'a change id with a NUL',
    ['start', '--state-machine', STATE_MACHINE_ARN, '--change-id', 'CHG-\u00001'],
    2,
    /--change-id must match .*got: "CHG-\\u00001"/,
  ],
  // --cutover-at
  [
    'a --cutover-at in words',
    [...START, '--cutover-at', 'tonight 10pm'],
    2,
    /--cutover-at must be an ISO-8601 UTC time such as 2025-06-01T22:00:00Z, got: "tonight 10pm"/,
  ],
  [
    'a --cutover-at with a date only',
    [...START, '--cutover-at', '2025-06-02'],
    2,
    /--cutover-at must be an ISO-8601 UTC time .*got: "2025-06-02"/,
  ],
  [
    'a --cutover-at without a zone',
    [...START, '--cutover-at', '2025-06-01T22:00:00'],
    2,
    /--cutover-at must be an ISO-8601 UTC time .*got: "2025-06-01T22:00:00"/,
  ],
  [
    'a --cutover-at as epoch seconds',
    [...START, '--cutover-at', '1748815200'],
    2,
    /--cutover-at must be an ISO-8601 UTC time .*got: "1748815200"/,
  ],
  [
    'a --cutover-at at 24:00',
    [...START, '--cutover-at', '2025-06-01T24:00:00Z'],
    2,
    /--cutover-at must be an ISO-8601 UTC time .*got: "2025-06-01T24:00:00Z"/,
  ],
  [
    'a --cutover-at of now',
    [...START, '--cutover-at', NOW.toISOString()],
    2,
    /--cutover-at must be in the future, got: 2025-06-01T21:00:00.000Z/,
  ],
  // options commander refuses
  ['an unknown option', [...START, '--dryrun'], 2, /unknown option '--dryrun' \(Did you mean --dry-run\?\)/],
  ['a missing --state-machine', ['start', '--change-id', 'CHG-1'], 2, /required option '--state-machine <arn>' not specified/],
  ['a missing execution argument', ['status'], 2, /missing required argument 'execution'/],
  ['an option without its value', ['rehearse', '--scenario'], 2, /option '--scenario <file>' argument missing/],
  ['an unknown command', ['rollback', EXECUTION_ARN], 2, /unknown command 'rollback'/],
  [
    'a --decision outside the choices',
    ['approve', EXECUTION_ARN, '--approver', 'duty-manager', '--decision', 'LIVE'],
    2,
    /option '--decision <decision>' argument 'LIVE' is invalid\. Allowed choices are live, rollback/,
  ],
  // --attest, --approver, --reason, --by, --interval, --region
  [
    'an --attest item with a space',
    ['approve', EXECUTION_ARN, '--approver', 'cab-chair', '--attest', 'uat,users trained'],
    2,
    /--attest takes comma-separated names such as uat,training,bau,support, got: "users trained"/,
  ],
  [
    'an --attest item starting with a dash',
    ['approve', EXECUTION_ARN, '--approver', 'cab-chair', '--attest', 'uat,-bau'],
    2,
    /--attest takes comma-separated names .*got: "-bau"/,
  ],
  [
    'an --approver with a control character',
    ['approve', EXECUTION_ARN, '--approver', 'cab\u0007chair', '--attest', ALL],
    2,
    /--approver must not contain control characters/,
  ],
  [
    'an --approver over 128 characters',
    ['approve', EXECUTION_ARN, '--approver', 'a'.repeat(129), '--attest', ALL],
    2,
    /--approver must be at most 128 characters, got 129/,
  ],
  ['a --reason with a newline', ['reject', EXECUTION_ARN, '--reason', 'defects\nopen'], 2, /--reason must not contain control characters/],
  [
    'a --reason over 32768 characters',
    ['reject', EXECUTION_ARN, '--reason', 'r'.repeat(32_769)],
    2,
    /--reason must be at most 32768 characters, got 32769/,
  ],
  ['an empty --by', ['abort', EXECUTION_ARN, '--by', ' '], 2, /--by must not be empty/],
  [
    'a fractional --interval',
    ['status', EXECUTION_ARN, '--follow', '--interval', '1.5'],
    2,
    /--interval must be a whole number of seconds from 1 to 300, got: "1.5"/,
  ],
  ['an --interval above 300', ['status', EXECUTION_ARN, '--follow', '--interval', '301'], 2, /--interval must be .*got: "301"/],
  [
    'a --region that is not one',
    ['--region', 'EU-WEST-2', 'status', EXECUTION_ARN],
    2,
    /--region must be an AWS region such as us-east-1, got: "EU-WEST-2"/,
  ],
];

describe('bad arguments: one line, non-zero exit, no AWS call', () => {
  test('the matrix holds at least 15 invocations', () => {
    expect(BEFORE_ANY_CALL.length).toBeGreaterThanOrEqual(15);
  });

  test.each(BEFORE_ANY_CALL)('rejects %s', async (_what, argv, exitCode, line) => {
    // GIVEN
    const h = harness();

    // WHEN
    const code = await h.run(...argv);

    // THEN
    expect(code).toBe(exitCode);
    expectOneErrorLine(h, line);
    expect(h.stdout()).toBe('');
    expect(sfn.calls()).toHaveLength(0);
    expect(dynamodb.calls()).toHaveLength(0);
    expect(h.regions).toEqual([]);
    expect(h.files.size).toBe(0);
  });
});

/**
 * Refusals that depend on what the execution waits for: the CLI must read the execution (DescribeExecution,
 * GetExecutionHistory, DescribeStateMachineForExecution) to know, and then sends nothing.
 */
describe('bad arguments for the pending decision: one line, exit 2, read-only calls', () => {
  const READS = new Set(['DescribeExecutionCommand', 'GetExecutionHistoryCommand', 'DescribeStateMachineForExecutionCommand']);

  beforeEach(() => {
    sfn.on(DescribeStateMachineForExecutionCommand).resolves({
      definition: DEFINITION,
      name: 'GoLiveRunbook',
      roleArn: 'arn:role',
      stateMachineArn: STATE_MACHINE_ARN,
      updateDate: NOW,
    });
  });

  test.each([
    [
      'approve on an inconclusive decision without --decision',
      pendingInconclusive,
      ['--approver', 'duty-manager'],
      /pass --decision live or --decision rollback/,
    ],
    [
      'approve on an inconclusive decision with --attest',
      pendingInconclusive,
      ['--approver', 'duty-manager', '--decision', 'live', '--attest', ALL],
      /--attest belongs to the approval/,
    ],
    [
      'approve with a misspelt attestation',
      pendingApproval,
      ['--approver', 'cab-chair', '--attest', 'uat,training,bau,suport'],
      /missing: support \(pass --attest uat,training,bau,support\)/,
    ],
    ['approve without --attest', pendingApproval, ['--approver', 'cab-chair'], /missing: uat, training, bau, support/],
  ] as const)('rejects %s', async (_what, story, args, line) => {
    givenExecution(sfn, story());
    const h = harness();

    const code = await h.run('approve', EXECUTION_ARN, ...args);

    expect(code).toBe(2);
    expectOneErrorLine(h, line);
    expect(
      sfn
        .calls()
        .map((call) => call.args[0].constructor.name)
        .filter((name) => !READS.has(name)),
    ).toEqual([]);
    expect(dynamodb.calls()).toHaveLength(0);
  });

  // Found by this matrix: an attestation the runbook does not require used to be sent as if it meant something.
  test('rejects --attest with an item the runbook does not require', async () => {
    givenExecution(sfn, pendingApproval());
    const h = harness();

    const code = await h.run('approve', EXECUTION_ARN, '--approver', 'cab-chair', '--attest', `${ALL},golf`);

    expect(code).toBe(2);
    expectOneErrorLine(h, /--attest .*"golf"/);
    expect(
      sfn
        .calls()
        .map((call) => call.args[0].constructor.name)
        .filter((name) => !READS.has(name)),
    ).toEqual([]);
  });
});

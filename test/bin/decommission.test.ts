import { DescribeExecutionCommand, ListTagsForResourceCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DECOMMISSION_TAG } from '../../lambda/core/control';
import { expectOneErrorLine, harness, NOW } from './harness';

const sfn = mockClient(SFNClient);
const GO_LIVE = 'arn:aws:states:eu-west-2:123456789012:execution:GoLiveRunbook:CHG-1042-20250601T220000Z';
const RUNBOOK = 'arn:aws:states:eu-west-2:123456789012:stateMachine:GoLiveRunbook';
const MACHINE = 'arn:aws:states:eu-west-2:123456789012:stateMachine:GoLiveDecommission';
const DECOMMISSION = 'arn:aws:states:eu-west-2:123456789012:execution:GoLiveDecommission:decommission-CHG-1042-20250601T220000Z';
const ARGS = ['decommission', GO_LIVE, '--approver', 'service-owner', '--attest', 'porting-complete', '--attest', 'legacy-off'];

beforeEach(() => {
  sfn.reset();
  sfn
    .on(DescribeExecutionCommand, { executionArn: GO_LIVE })
    .resolves({ executionArn: GO_LIVE, stateMachineArn: RUNBOOK, status: 'SUCCEEDED', startDate: NOW });
  sfn.on(ListTagsForResourceCommand).resolves({ tags: [{ key: DECOMMISSION_TAG, value: MACHINE }] });
  sfn.on(StartExecutionCommand).resolves({ executionArn: DECOMMISSION, startDate: NOW });
});

describe('connect-golive decommission', () => {
  test('finds the Decommission state machine by the runbook tag, starts it with the approval, waits for its result', async () => {
    sfn
      .on(DescribeExecutionCommand, { executionArn: DECOMMISSION })
      .resolvesOnce({ executionArn: DECOMMISSION, stateMachineArn: MACHINE, status: 'RUNNING', startDate: NOW })
      .resolves({
        executionArn: DECOMMISSION,
        stateMachineArn: MACHINE,
        status: 'SUCCEEDED',
        startDate: NOW,
        output: JSON.stringify({ outcome: 'DECOMMISSIONED', uatNumber: { released: true, phoneNumber: '+18005550150' } }),
      });
    const h = harness();
    await expect(h.run(...ARGS)).resolves.toBe(0);
    expect(sfn).toHaveReceivedCommandWith(ListTagsForResourceCommand, { resourceArn: RUNBOOK });
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: MACHINE,
      name: 'decommission-CHG-1042-20250601T220000Z',
      input: JSON.stringify({ goLiveExecutionArn: GO_LIVE, approver: 'service-owner', attestations: ['porting-complete', 'legacy-off'] }),
    });
    expect(h.stdout()).toContain(DECOMMISSION);
    expect(h.stdout()).toMatch(/DECOMMISSIONED: point of no return recorded by service-owner .*UAT number \+18005550150 released/);
    expect(h.sleeps).toEqual([5000]);
    expect(h.regions).toEqual(['eu-west-2']);
  });

  test('--state-machine skips the tag lookup; comma-separated attestations count', async () => {
    sfn
      .on(DescribeExecutionCommand, { executionArn: DECOMMISSION })
      .resolves({ executionArn: DECOMMISSION, stateMachineArn: MACHINE, status: 'SUCCEEDED', startDate: NOW, output: '{}' });
    const h = harness();
    await expect(
      h.run('decommission', GO_LIVE, '--approver', 'x', '--attest', 'porting-complete,legacy-off', '--state-machine', MACHINE),
    ).resolves.toBe(0);
    expect(sfn).not.toHaveReceivedCommand(ListTagsForResourceCommand);
    expect(JSON.parse(sfn.commandCalls(StartExecutionCommand)[0].args[0].input.input!).attestations).toEqual([
      'porting-complete',
      'legacy-off',
    ]);
  });

  test('a refused decommission is one error line and exit code 1', async () => {
    sfn.on(DescribeExecutionCommand, { executionArn: DECOMMISSION }).resolves({
      executionArn: DECOMMISSION,
      stateMachineArn: MACHINE,
      status: 'FAILED',
      startDate: NOW,
      error: 'DECOMMISSION_REFUSED',
      cause: 'missing attestation(s): legacy-off',
    });
    const h = harness();
    await expect(h.run(...ARGS)).resolves.toBe(1);
    expectOneErrorLine(h, /DECOMMISSION_REFUSED: missing attestation\(s\): legacy-off/);
  });

  test('a runbook without the tag: says so and how to go on', async () => {
    sfn.on(ListTagsForResourceCommand).resolves({ tags: [] });
    const h = harness();
    await expect(h.run(...ARGS)).resolves.toBe(1);
    expectOneErrorLine(h, /has no connect-golive:decommission-state-machine tag.*--state-machine/);
  });

  test.each([
    [['decommission', 'not-an-arn', '--approver', 'a', '--attest', 'legacy-off'], /EXECUTION must be an execution ARN/],
    [['decommission', GO_LIVE, '--attest', 'legacy-off'], /required option '--approver <name>' not specified/],
    [['decommission', GO_LIVE, '--approver', 'a'], /--attest is required at least once/],
    [['decommission', GO_LIVE, '--approver', ' ', '--attest', 'legacy-off'], /--approver must not be empty/],
    [['decommission', GO_LIVE, '--approver', 'a', '--attest', 'Legacy Off!'], /--attest takes comma-separated names/],
    [
      ['decommission', GO_LIVE, '--approver', 'a', '--attest', 'x', '--state-machine', 'arn:nope'],
      /--state-machine must be a state machine ARN/,
    ],
  ])('rejects bad arguments before any AWS call: %j', async (argv, message) => {
    const h = harness();
    await expect(h.run(...argv)).resolves.toBe(2);
    expectOneErrorLine(h, message);
    expect(sfn.calls()).toHaveLength(0);
  });
});

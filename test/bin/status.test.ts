import { DescribeExecutionCommand, ExecutionDoesNotExist, GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  EXECUTION_ARN,
  live,
  liveAfterHypercare,
  pendingApproval,
  pendingInconclusive,
  rolledBack,
  twoLinesPartiallyRolledBack,
} from '../lib/report/fixtures/history';
import { expectOneErrorLine, givenExecution, harness } from './harness';

const sfn = mockClient(SFNClient);

beforeEach(() => {
  sfn.reset();
});

describe('status', () => {
  test('prints one line per state entered and exited, and the pending approval', async () => {
    // GIVEN the approval waits (after one failed notify attempt)
    givenExecution(sfn, pendingApproval());
    const h = harness();

    // WHEN
    const code = await h.run('status', EXECUTION_ARN);

    // THEN
    expect(code).toBe(0);
    expect(sfn).toHaveReceivedCommandWith(DescribeExecutionCommand, { executionArn: EXECUTION_ARN });
    expect(sfn).toHaveReceivedCommandWith(GetExecutionHistoryCommand, {
      executionArn: EXECUTION_ARN,
      reverseOrder: false,
      maxResults: 1000,
      includeExecutionData: true,
    });
    expect(h.stdout().split('\n')).toEqual([
      `execution: ${EXECUTION_ARN}`,
      '  2025-06-01T21:00:00Z  execution         started',
      '  2025-06-01T21:00:01Z  Configure         entered',
      '  2025-06-01T21:00:01Z  Configure         exited',
      '  2025-06-01T21:00:02Z  ValidateInput     entered',
      '  2025-06-01T21:00:04Z  ValidateInput     exited',
      '  2025-06-01T21:00:05Z  DeployCheck       entered',
      '  2025-06-01T21:00:07Z  DeployCheck       exited',
      '  2025-06-01T21:00:08Z  ApprovalGate      entered',
      '  2025-06-01T21:00:08Z  ApprovalGate      waiting for approval decision',
      '  2025-06-01T21:00:09Z  ApprovalGate      failed  Lambda.ServiceException: Rate exceeded',
      '  2025-06-01T21:00:11Z  ApprovalGate      waiting for approval decision',
      'status: RUNNING in ApprovalGate',
      'pending decision: approval at ApprovalGate since 2025-06-01T21:00:11Z',
      `  approve: connect-golive approve ${EXECUTION_ARN} --approver NAME --attest uat,training,bau,support`,
      `  reject:  connect-golive reject ${EXECUTION_ARN} --reason TEXT`,
      '',
    ]);
  });

  test('says an inconclusive verification waits for a human decision', async () => {
    givenExecution(sfn, pendingInconclusive());
    const h = harness();
    await h.run('status', EXECUTION_ARN);
    expect(h.stdout()).toContain('pending decision: inconclusive verification at HumanDecision');
    expect(h.stdout()).toContain(`connect-golive approve ${EXECUTION_ARN} --approver NAME --decision live|rollback`);
    expect(h.stdout()).toContain('Verify            exited  INCONCLUSIVE: only 4 contacts since cutover, 20 needed');
  });

  test('shows the outcome of a Fail state from its error, with the cause', async () => {
    givenExecution(sfn, rolledBack());
    const h = harness();
    const code = await h.run('status', EXECUTION_ARN);
    expect(code).toBe(0);
    const lines = h.stdout().trimEnd().split('\n');
    expect(lines.slice(-4)).toEqual([
      '  2025-06-01T22:03:12Z  RolledBack        entered',
      '  2025-06-01T22:03:12Z  execution         failed',
      'outcome: ROLLED_BACK',
      'cause: {"reason":"abandonment 31% > 15% (2 of 2)","restored":2}',
    ]);
    expect(h.stdout()).not.toContain('pending decision');
  });

  test('shows the outcome of a Succeed state from its output', async () => {
    givenExecution(sfn, live());
    const h = harness();
    await h.run('status', EXECUTION_ARN);
    expect(h.stdout().trimEnd().split('\n').pop()).toBe('outcome: LIVE');
  });

  test('pages through the whole history', async () => {
    // GIVEN a history in two pages
    const { events, describe } = live();
    sfn.on(DescribeExecutionCommand).resolves(describe);
    sfn
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({ events: events.slice(0, 20), nextToken: 'page-2' })
      .resolvesOnce({ events: events.slice(20) });
    const h = harness();

    // WHEN
    await h.run('status', EXECUTION_ARN);

    // THEN
    expect(sfn).toHaveReceivedCommandTimes(GetExecutionHistoryCommand, 2);
    expect(sfn).toHaveReceivedNthSpecificCommandWith(2, GetExecutionHistoryCommand, {
      executionArn: EXECUTION_ARN,
      nextToken: 'page-2',
      reverseOrder: false,
    });
    expect(h.stdout()).toContain('Live              entered');
    expect(h.stdout()).toContain('outcome: LIVE');
  });

  test('--follow polls until the end, prints each event once, and exits 3 when the go-live rolled back', async () => {
    // GIVEN three polls: waiting for approval, then verifying, then rolled back
    const end = rolledBack();
    const early = end.events.slice(0, 12);
    const middle = end.events.slice(0, 40);
    sfn
      .on(DescribeExecutionCommand)
      .resolvesOnce({ ...end.describe, status: 'RUNNING', stopDate: undefined, error: undefined, cause: undefined })
      .resolvesOnce({ ...end.describe, status: 'RUNNING', stopDate: undefined, error: undefined, cause: undefined })
      .resolves(end.describe);
    sfn.on(GetExecutionHistoryCommand).resolvesOnce({ events: early }).resolvesOnce({ events: middle }).resolves({ events: end.events });
    const h = harness();

    // WHEN
    const code = await h.run('status', EXECUTION_ARN, '--follow', '--interval', '2');

    // THEN
    expect(code).toBe(3);
    expect(h.sleeps).toEqual([2000, 2000]);
    const lines = h.stdout().split('\n');
    expect(lines.filter((l) => l.includes('Configure         entered'))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('execution: '))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('RolledBack        entered'))).toHaveLength(1);
    expect(lines).toContain('outcome: ROLLED_BACK');
    expectOneErrorLine(h, /execution ended ROLLED_BACK/);
  });

  test('folds a run of CONTINUE polls into one line with its range and number of polls, as the report does', async () => {
    // GIVEN warm-up, two CONTINUE polls, then ROLLBACK, each poll followed by the loop's Choice and Wait
    givenExecution(sfn, rolledBack());
    const h = harness();

    // WHEN
    await h.run('status', EXECUTION_ARN);

    // THEN the two CONTINUE polls are one line carrying the last reason; the loop's plumbing is not shown
    const lines = h.stdout().split('\n');
    expect(lines.filter((l) => l.includes('  Verify  '))).toEqual([
      '  2025-06-01T22:00:07Z  Verify            exited  WARMING_UP: warm-up',
      '  2025-06-01T22:01:07Z  Verify            2 polls to 2025-06-01T22:02:07Z  CONTINUE: abandonment 22% > 15% (1 of 2)',
      '  2025-06-01T22:03:07Z  Verify            exited  ROLLBACK: abandonment 31% > 15% (2 of 2)',
    ]);
    expect(lines.filter((l) => /VerifyDecision|WaitForNextPoll/.test(l))).toEqual([]);
  });

  test('folds hypercare polls like verification polls, under their own name', async () => {
    // GIVEN a LIVE verdict, then three hypercare polls (CONTINUE, CONTINUE, LIVE)
    givenExecution(sfn, liveAfterHypercare());
    const h = harness();

    // WHEN
    await h.run('status', EXECUTION_ARN);

    // THEN Verify keeps its line, the two CONTINUE hypercare polls are one line, the loop plumbing is not shown
    const lines = h.stdout().split('\n');
    expect(lines.filter((l) => / {2}(Verify|Hypercare) {2}/.test(l)).map((l) => l.replace(/^ {2}\S+ {2}/, ''))).toEqual([
      'Verify            exited  LIVE: observation window passed',
      expect.stringMatching(/^Hypercare {9}2 polls to \S+ {2}CONTINUE: hypercare 120 s of 180 s: no check failing$/),
      'Hypercare         exited  LIVE: hypercare complete (180 s after the LIVE verdict, 3 poll(s)), no sustained breach',
    ]);
    expect(lines.filter((l) => /HypercareDecision|WaitForHypercarePoll/.test(l))).toEqual([]);
  });

  test('shows the latest verdict of each service line and names the failing ones', async () => {
    // GIVEN Sales breached on the fourth poll while Support kept passing
    givenExecution(sfn, twoLinesPartiallyRolledBack());
    const h = harness();

    // WHEN
    await h.run('status', EXECUTION_ARN);

    // THEN
    const lines = h.stdout().trimEnd().split('\n');
    expect(lines.slice(-6)).toEqual([
      'service lines (latest verdict):',
      '  Sales    ROLLBACK: handle time 1200 s > 900 s (2 of 2)',
      '  Support  CONTINUE: support poll 4 passes',
      'failing lines: Sales',
      'outcome: PARTIALLY_ROLLED_BACK',
      'cause: {"reason":"Sales failed","restored":1}',
    ]);
    expect(lines).toContain('  2025-06-01T22:00:07Z  Verify            3 polls to 2025-06-01T22:02:07Z  CONTINUE: sales poll 3 passes');
  });

  test('shows no service-line block when the wave is one line', async () => {
    givenExecution(sfn, rolledBack());
    const h = harness();
    await h.run('status', EXECUTION_ARN);
    expect(h.stdout()).not.toContain('service lines');
  });

  test('--follow exits 0 when the execution goes live', async () => {
    givenExecution(sfn, live());
    const h = harness();
    expect(await h.run('status', EXECUTION_ARN, '--follow')).toBe(0);
    expect(h.sleeps).toEqual([]);
    expect(h.stderr()).toBe('');
  });

  test('rejects an execution that does not exist with one line and exit 1', async () => {
    sfn
      .on(DescribeExecutionCommand)
      .rejects(new ExecutionDoesNotExist({ $metadata: {}, message: `Execution Does Not Exist: '${EXECUTION_ARN}'` }));
    const h = harness();
    expect(await h.run('status', EXECUTION_ARN)).toBe(1);
    expectOneErrorLine(h, /execution not found/);
    expect(h.stdout()).toBe('');
  });

  test('rejects access denied with one line and exit 1', async () => {
    sfn
      .on(DescribeExecutionCommand)
      .rejects(Object.assign(new Error('User is not authorized to perform: states:DescribeExecution'), { name: 'AccessDeniedException' }));
    const h = harness();
    expect(await h.run('status', EXECUTION_ARN)).toBe(1);
    expectOneErrorLine(h, /^connect-golive: access denied: User is not authorized/);
  });

  test.each([
    ['a state machine ARN', 'arn:aws:states:eu-west-2:123456789012:stateMachine:GoLiveRunbook'],
    ['a name', 'CHG-1042'],
    ['a truncated ARN', 'arn:aws:states:eu-west-2:123456789012:execution:GoLiveRunbook'],
  ])('rejects %s with one line, exit 2 and no AWS call', async (_case, value) => {
    const h = harness();
    expect(await h.run('status', value)).toBe(2);
    expectOneErrorLine(h, /EXECUTION must be an execution ARN/);
    expect(sfn.calls()).toHaveLength(0);
  });
});

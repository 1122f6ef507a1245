/**
 * The simulator's carrier (Lambda Invoke of the carrier hook) and ReleasePhoneNumber, driven by the real AWS SDK v3
 * clients: only `endpoint` differs from production.
 */
import {
  ConnectClient,
  DescribePhoneNumberCommand,
  DisassociatePhoneNumberContactFlowCommand,
  ReleasePhoneNumberCommand,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-connect';
import { InvokeCommand, LambdaClient, ResourceNotFoundException as LambdaNotFound } from '@aws-sdk/client-lambda';
import { parseScenario } from '../../../lib/rehearsal/scenario';
import { INSTANCE_ID, phoneNumberIdFor, type Simulator, startSimulator } from '../../../lib/rehearsal/simulator';
import { permissionsFor } from '../../../lib/rehearsal/simulator/iam';
import { clientConfig, instantScenario, T0 } from './fixtures';

const HOOK = 'arn:aws:lambda:us-east-1:123456789012:function:carrier-hook';
const NUMBERS = ['+18005550100', '+14155550111'];
let sim: Simulator;
let lambda: LambdaClient;
let connect: ConnectClient;

async function start(calls: Array<'succeed' | 'fail' | 'timeout'> = []): Promise<void> {
  sim = await startSimulator(instantScenario(), {
    startAt: T0,
    rateLimits: false,
    carrier: { functionArn: HOOK, calls, hookTimeoutSeconds: 45, numbers: NUMBERS },
  });
  lambda = new LambdaClient(clientConfig(sim.endpoint));
  connect = new ConnectClient(clientConfig(sim.endpoint));
}

afterEach(async () => {
  lambda?.destroy();
  connect?.destroy();
  await sim?.close();
});

const invoke = (action: string, fn = HOOK) =>
  lambda.send(
    new InvokeCommand({ FunctionName: fn, Payload: Buffer.from(JSON.stringify({ action, changeId: 'CHG-1', phoneNumbers: NUMBERS })) }),
  );
const body = (out: { Payload?: Uint8Array }) => JSON.parse(Buffer.from(out.Payload!).toString('utf8'));

describe('the simulated carrier (Lambda Invoke)', () => {
  test('succeed: 200, the hook answer as payload, no FunctionError; the numbers now reach Connect and the cutover is marked', async () => {
    await start(['succeed']);
    const out = await invoke('cutover');
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBeUndefined();
    expect(out.ExecutedVersion).toBe('$LATEST');
    expect(body(out)).toEqual({ ok: true, action: 'cutover', moved: NUMBERS });
    expect(Object.fromEntries(sim.carrier.routing)).toEqual({ '+18005550100': 'connect', '+14155550111': 'connect' });
    expect(sim.clock.cutoverAt).toBeInstanceOf(Date);
  });

  test('fail: 200 with X-Amz-Function-Error Unhandled and the error as payload; nothing moves, no cutover', async () => {
    await start(['fail']);
    const out = await invoke('cutover');
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBe('Unhandled');
    expect(body(out)).toMatchObject({ errorType: 'CarrierRejected' });
    expect([...sim.carrier.routing.values()]).toEqual(['legacy', 'legacy']);
    expect(sim.clock.cutoverAt).toBeNull();
  });

  test('timeout: the hook runs its timeout on the simulated clock, then Sandbox.Timedout; the numbers are taken to have moved', async () => {
    await start(['timeout']);
    const before = sim.clock.nowMillis();
    const out = await invoke('cutover');
    expect(out.FunctionError).toBe('Unhandled');
    expect(body(out)).toMatchObject({
      errorType: 'Sandbox.Timedout',
      errorMessage: expect.stringContaining('Task timed out after 45.00 seconds'),
    });
    expect(sim.clock.nowMillis() - before).toBeGreaterThanOrEqual(45_000);
    expect([...sim.carrier.routing.values()]).toEqual(['connect', 'connect']);
  });

  test('calls follow the list in order, then succeed; a rollback routes callers back to legacy', async () => {
    await start(['fail']);
    await invoke('cutover');
    await invoke('cutover');
    await invoke('rollback');
    expect(sim.carrier.calls.map((c) => [c.action, c.behaviour, c.moved])).toEqual([
      ['cutover', 'fail', false],
      ['cutover', 'succeed', true],
      ['rollback', 'succeed', true],
    ]);
    expect([...sim.carrier.routing.values()]).toEqual(['legacy', 'legacy']);
  });

  test('rejects an unknown function with ResourceNotFoundException (HTTP 404)', async () => {
    await start();
    await expect(invoke('cutover', 'arn:aws:lambda:us-east-1:123456789012:function:other')).rejects.toBeInstanceOf(LambdaNotFound);
  });

  test('IAM: Invoke is lambda:InvokeFunction on the function ARN', () => {
    expect(permissionsFor('lambda', { operation: 'Invoke', input: { FunctionName: HOOK } })).toEqual([
      { action: 'lambda:InvokeFunction', resource: HOOK },
    ]);
  });
});

describe('ReleasePhoneNumber', () => {
  const UAT = phoneNumberIdFor('+14155550199');

  test('rejects a number still associated with a flow (ResourceInUseException, HTTP 409), then releases it once disassociated', async () => {
    await start();
    const inUse = await connect.send(new ReleasePhoneNumberCommand({ PhoneNumberId: UAT, ClientToken: 't' })).catch((e: unknown) => e);
    expect(inUse).toBeInstanceOf(ResourceInUseException);
    expect((inUse as ResourceInUseException).$metadata.httpStatusCode).toBe(409);
    await connect.send(new DisassociatePhoneNumberContactFlowCommand({ PhoneNumberId: UAT, InstanceId: INSTANCE_ID }));
    await connect.send(new ReleasePhoneNumberCommand({ PhoneNumberId: UAT, ClientToken: 't' }));
    expect(sim.state.released).toEqual([{ number: '+14155550199', id: UAT, at: expect.any(String) }]);
    // Released: gone from the instance (its cooldown keeps it from being claimed again).
    await expect(connect.send(new DescribePhoneNumberCommand({ PhoneNumberId: UAT }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(connect.send(new ReleasePhoneNumberCommand({ PhoneNumberId: UAT }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  test('IAM: connect:ReleasePhoneNumber on the phone-number ARN', () => {
    expect(permissionsFor('connect', { operation: 'ReleasePhoneNumber', input: { PhoneNumberId: 'pn-1' } })).toEqual([
      { action: 'connect:ReleasePhoneNumber', resource: 'arn:aws:connect:us-east-1:123456789012:phone-number/pn-1' },
    ]);
  });
});

describe('scenario keys', () => {
  const base = { name: 'x', contactCenter: instantScenarioRaw() };
  test.each([
    [{ carrier: { calls: ['succeed'] } }, 'scenario.carrier: applies to runbook.cutoverMode carrierHook only, got repoint'],
    [{ manualConfirmation: { cutover: 'timeout' } }, 'scenario.manualConfirmation: applies to runbook.cutoverMode manualConfirmation only'],
    [
      { runbook: { cutoverMode: 'carrierHook' }, carrier: { calls: ['maybe'] } },
      'scenario.carrier.calls[0]: must be one of succeed, fail, timeout',
    ],
    [{ decommission: { approvers: 'x' } }, 'scenario.decommission.approvers: unknown field'],
  ])('rejects %j', (extra, message) => {
    expect(() => parseScenario({ ...base, ...extra })).toThrow(message);
  });

  test('defaults: carrier calls succeed after a 30-second hook timeout; confirmations confirm; decommission attests porting-complete and legacy-off', () => {
    const s = parseScenario({ ...base, runbook: { cutoverMode: 'carrierHook' }, carrier: {}, decommission: {} });
    expect(s.carrier).toEqual({ calls: [], hookTimeoutSeconds: 30 });
    expect(s.decommission).toEqual({ approver: 'rehearsal-approver', attestations: ['porting-complete', 'legacy-off'] });
    expect(parseScenario({ ...base, runbook: { cutoverMode: 'manualConfirmation' }, manualConfirmation: {} }).manualConfirmation).toEqual({
      cutover: 'confirm',
      rollback: 'confirm',
    });
  });
});

function instantScenarioRaw() {
  return {
    queues: [{ name: 'Support' }],
    flows: [{ name: 'Main' }, { name: 'LegacyBridge' }],
    phoneNumbers: [{ number: '+18005550100', flow: 'LegacyBridge', targetFlow: 'Main' }],
  };
}

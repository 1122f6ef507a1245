/**
 * The pacing middleware on the real Connect client (no aws-sdk-client-mock here: it replaces `send`, and with it
 * the middleware stack). A terminal middleware answers every request before it leaves the process.
 */
import {
  AssociatePhoneNumberContactFlowCommand,
  ConnectClient,
  DescribeInstanceCommand,
  SearchContactsCommand,
} from '@aws-sdk/client-connect';
import * as clients from '../../../lambda/shared/clients';
import { useClock } from '../../../lambda/shared/clock';

let t = 0;
let sleeps: number[] = [];

function answerLocally(client: ConnectClient): void {
  client.middlewareStack.add(() => async () => ({ output: { $metadata: {} }, response: {} }), { step: 'build', name: 'answerLocally' });
}

beforeEach(() => {
  t = 0;
  sleeps = [];
  useClock(
    () => new Date(t),
    async (ms) => {
      sleeps.push(ms);
      t += ms;
    },
  );
});
afterEach(() =>
  useClock(
    () => new Date(),
    (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ),
);

describe('clients', () => {
  it('paces every Connect call by its API name', async () => {
    answerLocally(clients.connect);

    for (let i = 0; i < 7; i++) {
      await clients.connect.send(
        new AssociatePhoneNumberContactFlowCommand({ InstanceId: 'i', PhoneNumberId: `pn-${i}`, ContactFlowId: 'f' }),
      );
    }
    await clients.connect.send(
      new SearchContactsCommand({
        InstanceId: 'i',
        TimeRange: { Type: 'INITIATION_TIMESTAMP', StartTime: new Date(0), EndTime: new Date(1) },
      }),
    );

    expect(sleeps).toEqual([500, 500]);
  });

  it('gives a client re-created by useEndpoint its own pacing', async () => {
    clients.useEndpoint('http://127.0.0.1:1', { maxAttempts: 1, requestTimeoutMs: 50 });
    answerLocally(clients.connect);

    for (let i = 0; i < 6; i++) await clients.connect.send(new DescribeInstanceCommand({ InstanceId: 'i' }));

    expect(sleeps).toEqual([500]);
    expect(await clients.connect.config.endpoint?.()).toMatchObject({ hostname: '127.0.0.1', port: 1 });
  });
});

/** Shared scenario and SDK client settings for the rehearsal tests. */
import { parseScenario, type Scenario } from '../../../lib/rehearsal/scenario';

// The SDK warns once per process that it will need Node 22; the rehearsal tests run on Node 20 on purpose.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

export const T0 = new Date('2026-03-02T09:00:00.000Z');

/** The DESIGN.md example, with a second queue, an unpublished flow and a UAT number. */
export function baseScenario(overrides: Record<string, unknown> = {}): Scenario {
  return parseScenario({
    name: 'abandonment spike after cutover',
    contactCenter: {
      queues: [
        { name: 'Support', agentsOnline: 12, agentsAvailable: 8 },
        { name: 'Billing', agentsOnline: 4, agentsAvailable: 1 },
      ],
      flows: [{ name: 'Main' }, { name: 'LegacyBridge' }, { name: 'Draft', published: false }],
      phoneNumbers: [
        { number: '+18005550100', flow: 'LegacyBridge', targetFlow: 'Main' },
        { number: '+14155550111', flow: 'LegacyBridge', targetFlow: 'Main' },
      ],
      uatPhoneNumber: { number: '+14155550199', flow: 'Main' },
    },
    input: { changeId: 'CHG-1' },
    timeline: [
      { atMinute: 0, queue: 'Support', abandonmentRate: 0.04, avgHandleTimeSeconds: 310, contactsInQueue: 3, contactsHandled: 40 },
      { atMinute: 0, queue: 'Billing', contactsHandled: 10, avgHandleTimeSeconds: 200, oldestContactAgeSeconds: 5 },
      { atMinute: 2, oldestContactAgeSeconds: 24, contactFlowErrors: 2 },
      { atMinute: 6, queue: 'Support', abandonmentRate: 0.35, agentsAvailable: 0, missedCalls: 3 },
    ],
    ...overrides,
  });
}

/** Every source shows what happened at once: for tests about anything but metric timing. */
export const INSTANT_TIMING = { cloudWatchLagSeconds: 0, historicalLagSeconds: 0, realTimeRefreshSeconds: 1 } as const;

/** {@link baseScenario} with {@link INSTANT_TIMING}. */
export function instantScenario(overrides: Record<string, unknown> = {}): Scenario {
  return baseScenario({ timing: { ...INSTANT_TIMING }, ...overrides });
}

export function clientConfig(endpoint: string, extra: Record<string, unknown> = {}) {
  return {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    maxAttempts: 1,
    ...extra,
  };
}

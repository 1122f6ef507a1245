import { PublishCommand } from '@aws-sdk/client-sns';
import { sns } from './clients';
import { logger } from './logger';
import { now } from './clock';
import type { StateConfig } from '../core/types';

/** One message on the status topic: the go-live bridge. */
export interface StatusMessage {
  readonly step: string;
  readonly changeId?: string;
  readonly status: string;
  readonly summary: string;
  readonly detail?: unknown;
}

/** Where status goes: the runbook config's topic, and the dashboard every message links to. */
export type StatusTarget = Pick<StateConfig, 'statusTopicArn' | 'dashboardUrl'>;

/**
 * Publishes a step's status, with the go-live dashboard's URL (`dashboardUrl`) when the runbook has one, so
 * everyone on the bridge can open the same graphs. A status topic outage must never stop a cutover or a
 * rollback, so failures are logged and swallowed.
 */
export async function publishStatus(target: StatusTarget, message: StatusMessage): Promise<void> {
  const subject = `[${message.changeId ?? 'go-live'}] ${message.step}: ${message.status}`.slice(0, 99);
  try {
    await sns.send(
      new PublishCommand({
        TopicArn: target.statusTopicArn,
        Subject: subject.replace(/[^\x20-\x7E]/g, ' '),
        Message: JSON.stringify({
          ...message,
          ...(target.dashboardUrl !== undefined ? { dashboardUrl: target.dashboardUrl } : {}),
          at: now().toISOString(),
        }),
      }),
    );
  } catch (error) {
    logger.warn('status publish failed', { step: message.step, error: error as Error });
  }
}

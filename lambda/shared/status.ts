import { PublishCommand } from '@aws-sdk/client-sns';
import { sns } from './clients';
import { logger } from './logger';
import { now } from './clock';

/** One message on the status topic: the go-live bridge. */
export interface StatusMessage {
  readonly step: string;
  readonly changeId?: string;
  readonly status: string;
  readonly summary: string;
  readonly detail?: unknown;
}

/**
 * Publishes a step's status. A status topic outage must never stop a cutover or a rollback, so failures are
 * logged and swallowed.
 */
export async function publishStatus(topicArn: string, message: StatusMessage): Promise<void> {
  const subject = `[${message.changeId ?? 'go-live'}] ${message.step}: ${message.status}`.slice(0, 99);
  try {
    await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: subject.replace(/[^\x20-\x7E]/g, ' '),
        Message: JSON.stringify({ ...message, at: now().toISOString() }),
      }),
    );
  } catch (error) {
    logger.warn('status publish failed', { step: message.step, error: error as Error });
  }
}

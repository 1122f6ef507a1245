/**
 * Notify: the `.waitForTaskToken` steps (ApprovalGate, HumanDecision, carrier confirmations). Publishes what the
 * human must decide, with the task token the CLI (or an integration) answers with. The execution waits on the
 * token, not on this function.
 */
import * as z from 'zod';
import { formatReadinessState } from '../core/readiness';
import { formatTestCases } from '../core/test-cases';
import { logger } from '../shared/logger';
import { parseState } from '../shared/state';
import { publishStatus } from '../shared/status';

const eventSchema = z.object({
  kind: z.enum(['approval', 'inconclusive', 'carrier-cutover', 'carrier-rollback']),
  taskToken: z.string().min(1),
  state: z.unknown(),
});

const ASK: Record<z.infer<typeof eventSchema>['kind'], string> = {
  approval: 'Approve or reject the cutover: connect-golive approve|reject',
  inconclusive: 'Verification was inconclusive: declare LIVE or ROLLBACK (connect-golive approve --decision live|rollback)',
  'carrier-cutover': 'Confirm the carrier has repointed the numbers (connect-golive approve)',
  'carrier-rollback': 'Confirm the carrier has moved the numbers back (connect-golive approve)',
};

export async function handler(event: unknown): Promise<{ notified: true }> {
  const parsed = eventSchema.safeParse(event);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TypeError(`event.${issue.path.join('.')}: ${issue.message}`);
  }
  const { kind, taskToken } = parsed.data;
  const state = parseState(parsed.data.state, 'config', 'run');
  logger.appendKeys({ changeId: state.run.changeId, executionArn: state.executionArn });
  const summary =
    kind === 'approval' && state.readiness
      ? [ASK[kind], formatReadinessState(state.readiness), formatTestCases(state.uat)].filter((s) => s !== '').join('\n')
      : kind === 'inconclusive' && state.verify
        ? `${ASK[kind]}\n${state.verify.reason}`
        : ASK[kind];
  await publishStatus(state.config, {
    step: kind,
    changeId: state.run.changeId,
    status: 'WAITING_FOR_HUMAN',
    summary,
    detail: {
      taskToken,
      executionArn: state.executionArn,
      requiredAttestations: kind === 'approval' ? state.config.requiredAttestations : undefined,
    },
  });
  return { notified: true };
}

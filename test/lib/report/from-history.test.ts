import { evidenceFromHistory } from '../../../lib/report/from-history';
import { APPROVAL_OUTPUT, live, pendingInconclusive, rejected, rolledBack, twoLinesPartiallyRolledBack } from './fixtures/history';

describe('evidenceFromHistory', () => {
  describe('GIVEN a go-live rolled back after an abandonment breach', () => {
    const { events, describe: described } = rolledBack();
    const record = evidenceFromHistory(events, described);

    test('the header facts come from the execution', () => {
      expect(record).toMatchObject({
        title: 'Amazon Connect go-live CHG-1042',
        changeId: 'CHG-1042',
        outcome: 'ROLLED_BACK',
        startedAt: '2025-06-01T21:00:00.000Z',
        endedAt: '2025-06-01T22:03:12.000Z',
      });
    });

    test('every state visit is a step, in order, the Fail state failed with its error', () => {
      expect(record.steps.map((s) => s.name)).toEqual([
        'Configure',
        'ValidateInput',
        'DeployCheck',
        'ApprovalGate',
        'CheckWindow',
        'WaitForWindow',
        'IsDryRun',
        'Cutover',
        'Verify',
        'VerifyDecision',
        'WaitForNextPoll',
        'Verify',
        'VerifyDecision',
        'WaitForNextPoll',
        'Verify',
        'VerifyDecision',
        'WaitForNextPoll',
        'Verify',
        'VerifyDecision',
        'Rollback',
        'RolledBack',
      ]);
      expect(record.steps[0]).toEqual({ name: 'Configure', status: 'succeeded', at: '2025-06-01T21:00:01.000Z' });
      expect(record.steps.find((s) => s.name === 'Verify' && s.detail?.startsWith('ROLLBACK'))).toMatchObject({
        detail: 'ROLLBACK: abandonment 31% > 15% (2 of 2)',
      });
      expect(record.steps[record.steps.length - 1]).toMatchObject({
        name: 'RolledBack',
        status: 'failed',
        detail: expect.stringMatching(/^ROLLED_BACK: \{"reason"/),
      });
    });

    test('the approval is what the approver sent', () => {
      expect(record.approval).toEqual(APPROVAL_OUTPUT);
    });

    test('the snapshot maps phone number ids back to numbers', () => {
      expect(record.snapshot).toEqual([
        { phoneNumber: '+448005550100', flow: 'flow-legacy' },
        { phoneNumber: '+448005550101', flow: null },
      ]);
    });

    test('the final associations are the restored ones', () => {
      expect(record.finalAssociations).toEqual({ '+448005550100': 'flow-legacy', '+448005550101': null });
    });

    test('cutover and rollback moments are when those states started', () => {
      expect(record.cutoverAt).toBe('2025-06-01T22:00:02.000Z');
      expect(record.cutoverAt).toBe(record.steps.find((s) => s.name === 'Cutover')!.at);
      expect(record.rollbackAt).toBe(record.steps.find((s) => s.name === 'Rollback')!.at);
    });

    test('one metric per watched value, a point per poll, gaps where there was no data, thresholds from the run', () => {
      expect(record.metrics.map((m) => m.name)).toEqual([
        'Abandonment rate',
        'Average handle time',
        'Contacts in queue',
        'Oldest contact age',
        'Agents available',
        'Contact flow errors',
      ]);
      const abandonment = record.metrics[0];
      expect(abandonment.unit).toBe('%');
      expect(abandonment.threshold).toEqual({ kind: 'max', value: 15 });
      expect(abandonment.points.map((p) => p.value)).toEqual([null, 5, 22, 31]);
      // Each point is when its Verify poll finished (the first one entered at 22:00:05).
      expect(abandonment.points[0].at).toBe('2025-06-01T22:00:07.000Z');
      expect(record.metrics[4].threshold).toEqual({ kind: 'min', value: 2 });
      expect(record.metrics[4].points.map((p) => p.value)).toEqual([8, 8, 8, 1]);
    });

    test('a verdict per poll', () => {
      expect(record.verdicts.map((v) => v.decision)).toEqual(['WARMING_UP', 'CONTINUE', 'CONTINUE', 'ROLLBACK']);
    });
  });

  test('GIVEN a go-live that went LIVE, the numbers point at their target flows and there is no rollback', () => {
    const { events, describe: described } = live();
    const record = evidenceFromHistory(events, described);
    expect(record.outcome).toBe('LIVE');
    expect(record.finalAssociations).toEqual({ '+448005550100': 'flow-main', '+448005550101': 'flow-main' });
    expect(record.rollbackAt).toBeUndefined();
    expect(record.steps[record.steps.length - 1]).toMatchObject({ name: 'Live', status: 'succeeded' });
  });

  test('GIVEN a rejected approval, nothing moved and there are no metrics', () => {
    const { events, describe: described } = rejected();
    const record = evidenceFromHistory(events, described);
    expect(record.outcome).toBe('ABORTED');
    expect(record.approval).toEqual({ approver: '', attestations: [], at: expect.any(String), decision: 'reject' });
    expect(record.steps.find((s) => s.name === 'ApprovalGate')).toMatchObject({
      status: 'failed',
      detail: 'ApprovalRejected: UAT defects open',
    });
    expect(record.finalAssociations).toEqual({ '+448005550100': 'flow-legacy', '+448005550101': null });
    expect(record.cutoverAt).toBeUndefined();
    expect(record.metrics).toEqual([]);
  });

  test('GIVEN a running execution waiting for a human, it has no end and its last step runs', () => {
    const { events, describe: described } = pendingInconclusive();
    const record = evidenceFromHistory(events, described);
    expect(record.outcome).toBe('RUNNING');
    expect(record.endedAt).toBeUndefined();
    expect(record.steps[record.steps.length - 1]).toMatchObject({ name: 'HumanDecision', status: 'running' });
    expect(record.verdicts.map((v) => v.decision)).toEqual(['INCONCLUSIVE']);
  });

  describe('GIVEN two service lines, Sales failing while Support passes', () => {
    const { events, describe: described } = twoLinesPartiallyRolledBack();
    const record = evidenceFromHistory(events, described);

    test('each line has its latest verdict, and only the failing one is marked failing', () => {
      expect(record.lines?.map(({ serviceLine, decision, reason, failing }) => ({ serviceLine, decision, reason, failing }))).toEqual([
        { serviceLine: 'Sales', decision: 'ROLLBACK', reason: 'handle time 1200 s > 900 s (2 of 2)', failing: true },
        { serviceLine: 'Support', decision: 'CONTINUE', reason: 'support poll 4 passes', failing: false },
      ]);
    });

    test("each line's metrics come from its own sample of every poll, with the run's thresholds", () => {
      const handleTime = (line: string) =>
        record.lines?.find((l) => l.serviceLine === line)?.metrics.find((m) => m.name === 'Average handle time');
      expect(handleTime('Sales')?.points.map((p) => p.value)).toEqual([400, 500, 600, 1200]);
      expect(handleTime('Support')?.points.map((p) => p.value)).toEqual([250, 250, 250, 260]);
      expect(handleTime('Sales')?.threshold).toEqual(record.metrics.find((m) => m.name === 'Average handle time')?.threshold);
      expect(record.lines?.[0].metrics).toHaveLength(record.metrics.length);
    });
  });

  test('GIVEN polls written before service lines, there are no lines', () => {
    const { events, describe: described } = rolledBack();
    expect(evidenceFromHistory(events, described).lines).toEqual([]);
  });
});

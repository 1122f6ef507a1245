import { InputValidationError } from '../../../lambda/core/errors';
import { parseExecutionInput } from '../../../lambda/core/input';
import { NOW, runbookConfig } from '../handlers/fixtures';

describe('execution input hypercareSeconds', () => {
  const withHypercare = runbookConfig({ hypercareSeconds: 1800, hypercarePollIntervalSeconds: 60 });

  test.each([0, 600, 1800])('accepts %i within the runbook hypercare', (hypercareSeconds) => {
    expect(parseExecutionInput({ changeId: 'CHG-1', hypercareSeconds }, withHypercare, NOW).hypercareSeconds).toBe(hypercareSeconds);
  });

  test('absent: the run carries none (Verify takes the runbook hypercare)', () => {
    expect(parseExecutionInput({ changeId: 'CHG-1' }, withHypercare, NOW)).not.toHaveProperty('hypercareSeconds');
  });

  test.each([
    [withHypercare, 1801, "hypercareSeconds: must be between 0 and 1800 (the runbook's hypercare), got 1801"],
    [withHypercare, -1, "hypercareSeconds: must be between 0 and 1800 (the runbook's hypercare), got -1"],
    [withHypercare, 1.5, 'hypercareSeconds: must be a whole number of seconds'],
    [withHypercare, '600', 'hypercareSeconds: must be a number, got "600"'],
    [runbookConfig(), 60, 'hypercareSeconds: the runbook has no hypercare (GoLiveRunbook hypercare), got 60'],
  ])('rejects %#: %p', (config, hypercareSeconds, message) => {
    expect(() => parseExecutionInput({ changeId: 'CHG-1', hypercareSeconds }, config, NOW)).toThrow(InputValidationError);
    expect(() => parseExecutionInput({ changeId: 'CHG-1', hypercareSeconds }, config, NOW)).toThrow(message);
  });
});

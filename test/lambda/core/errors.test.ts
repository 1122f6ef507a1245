import {
  AbortRequestedError,
  CutoverError,
  ERROR_NAMES,
  InputValidationError,
  NotReadyError,
  RollbackError,
  SnapshotMissingError,
  TransientError,
} from '../../../lambda/core';

describe('error classes', () => {
  it.each([
    [NotReadyError, ERROR_NAMES.notReady, 'NotReadyError'],
    [CutoverError, ERROR_NAMES.cutover, 'CutoverError'],
    [RollbackError, ERROR_NAMES.rollback, 'RollbackError'],
    [TransientError, ERROR_NAMES.transient, 'TransientError'],
    [AbortRequestedError, ERROR_NAMES.abortRequested, 'AbortRequestedError'],
    [SnapshotMissingError, ERROR_NAMES.snapshotMissing, 'SnapshotMissingError'],
  ])('%p sets the name the state machine matches on and keeps the cause', (ErrorClass, name, literal) => {
    // GIVEN
    const cause = new Error('ThrottlingException');
    // WHEN
    const error = new ErrorClass('it broke', { cause });
    // THEN
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(error.name).toBe(literal);
    expect(error.message).toBe('it broke');
    expect(error.cause).toBe(cause);
  });

  it('names the task-token errors the CLI sends', () => {
    expect(ERROR_NAMES.approvalRejected).toBe('ApprovalRejected');
    expect(ERROR_NAMES.operatorAbort).toBe('OperatorAbort');
  });
});

describe('InputValidationError', () => {
  it('begins its message with the field and keeps the field', () => {
    const error = new InputValidationError('cutoverAt', 'must be in the future, got 2020-01-01T00:00:00Z');
    expect(error.name).toBe('InputValidationError');
    expect(error.field).toBe('cutoverAt');
    expect(error.message).toBe('cutoverAt: must be in the future, got 2020-01-01T00:00:00Z');
    expect(error.problems).toEqual([{ field: 'cutoverAt', message: 'must be in the future, got 2020-01-01T00:00:00Z' }]);
  });

  it('lists every problem, the first field first, and keeps the cause', () => {
    const cause = new Error('zod');
    const error = new InputValidationError(
      [
        { field: 'changeId', message: 'is required' },
        { field: 'dryRun', message: 'must be true or false, got "yes"' },
      ],
      { cause },
    );
    expect(error.field).toBe('changeId');
    expect(error.message).toBe('changeId: is required; dryRun: must be true or false, got "yes"');
    expect(error.cause).toBe(cause);
  });

  it('caps the message at ten problems but keeps them all', () => {
    const problems = Array.from({ length: 12 }, (_, i) => ({ field: `f${i}`, message: 'bad' }));
    const error = new InputValidationError(problems);
    expect(error.message).toMatch(/^f0: bad; .*f9: bad; and 2 more$/);
    expect(error.problems).toHaveLength(12);
  });

  it('throws when given no problem at all', () => {
    expect(() => new InputValidationError([])).toThrow('InputValidationError needs at least one problem');
  });
});

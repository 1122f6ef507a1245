/**
 * The runbook core: pure decisions (input, readiness, verdicts, cutover and rollback plans) with no SDK and no
 * I/O. Handlers gather facts, call these, and act on the answer.
 */
export * from './types';
export * from './errors';
export * from './defaults';
export * from './input';
export * from './readiness';
export * from './verdict';
export * from './rollback';
export * from './window';
export * from './outcome';
export * from './recording';

export * from './evidence';
export { renderEvidenceReport } from './render';
export { evidenceFromHistory } from './from-history';
export type { ExecutionDescription } from './history';

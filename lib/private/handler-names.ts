/**
 * The runbook's task handlers: one folder each under lambda/, one prebuilt asset each under assets/handlers/
 * (scripts/build-handlers.ts), one Lambda function each in GoLiveRunbook. The one list all three read.
 */
export const HANDLER_NAMES = [
  'validate-input',
  'acquire-lock',
  'deploy-check',
  'notify',
  'check-window',
  'cutover',
  'verify',
  'rollback',
  'finalize',
  // The Decommission state machine's one handler (lib/runbook/decommission.ts).
  'decommission',
] as const;

export type HandlerName = (typeof HANDLER_NAMES)[number];

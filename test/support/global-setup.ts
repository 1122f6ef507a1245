import { ensureHandlers } from '../../scripts/build-handlers';

/**
 * The runbook's Lambda code is prebuilt (assets/handlers/); tests synthesize against those assets, so rebuild them
 * first when lambda/ changed since they were built (also covers `npx jest <path>`, which skips npm's pretest).
 */
export default function globalSetup(): void {
  if (ensureHandlers()) process.stderr.write('\nhandler assets were stale: rebuilt assets/handlers/\n');
}

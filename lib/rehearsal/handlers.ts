/** The real handler code behind each Lambda task, by `lambda/<name>` (CONNECT_GOLIVE_HANDLER). */
import { handler as acquireLock } from '../../lambda/acquire-lock';
import { handler as checkWindow } from '../../lambda/check-window';
import { handler as cutover } from '../../lambda/cutover';
import { handler as decommission } from '../../lambda/decommission';
import { handler as deployCheck } from '../../lambda/deploy-check';
import { handler as finalize } from '../../lambda/finalize';
import { handler as notify } from '../../lambda/notify';
import { handler as rollback } from '../../lambda/rollback';
import { handler as validateInput } from '../../lambda/validate-input';
import { handler as verify } from '../../lambda/verify';
import type { Handler } from './local-executor';

export const HANDLERS: Readonly<Record<string, Handler>> = {
  'validate-input': validateInput,
  'acquire-lock': acquireLock,
  'deploy-check': deployCheck,
  notify,
  'check-window': checkWindow,
  cutover,
  verify,
  rollback,
  finalize,
  decommission,
};

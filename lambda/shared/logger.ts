import { Logger } from '@aws-lambda-powertools/logger';

/** Structured JSON logs; handlers append correlation keys (execution, change id). */
export const logger = new Logger({ serviceName: 'connect-golive' });

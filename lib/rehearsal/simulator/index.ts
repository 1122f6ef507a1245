/** The simulated AWS endpoint of the offline rehearsal (see server.ts) and its simulated clock. */
export { SimulatedClock } from './clock';
export {
  ACCOUNT_ID,
  INSTANCE_ARN,
  INSTANCE_ID,
  REGION,
  flowArn,
  flowIdFor,
  phoneNumberArn,
  phoneNumberIdFor,
  queueArn,
  queueIdFor,
} from './ids';
export { DEFAULT_AVG_HANDLE_TIME_SECONDS, MetricTimeline } from './metrics';
export { DEFAULT_RATE_LIMITS, type RateLimit } from './rate-limit';
export type { SnsMessage } from './sns';
export type { CarrierBehaviour, CarrierCall, CarrierOptions } from './lambda';
export type { AttributeValue, Item } from './dynamodb';
export type { ContactCenterState, SimFlow, SimPhoneNumber, SimQueue } from './state';
export { type Denial, type IamModel, type IamOptions, type IamPrincipal, accessKeyIdFor, assumedRoleArn, permissionsFor } from './iam';
export { type CallRecord, type Simulator, type SimulatorOptions, type TraceRecord, type WriteCall, startSimulator } from './server';

/**
 * The simulated contact center: one instance with the scenario's flows, queues and claimed numbers, and each
 * number's flow association (the only thing a go-live changes). Lookups accept what the real API accepts.
 */
import type { Scenario } from '../scenario';
import {
  HOURS_OF_OPERATION_ID,
  INSTANCE_ARN,
  INSTANCE_ID,
  flowArn,
  flowIdFor,
  phoneNumberArn,
  phoneNumberIdFor,
  queueArn,
  queueIdFor,
  stableId,
} from './ids';

export interface SimFlow {
  readonly name: string;
  readonly id: string;
  readonly arn: string;
  readonly status: 'PUBLISHED' | 'SAVED';
  readonly state: 'ACTIVE' | 'ARCHIVED';
  /** Whether its content turns call recording on (scenario `flows[].recording`). */
  readonly recording: boolean;
}

export interface SimQueue {
  readonly name: string;
  readonly id: string;
  readonly arn: string;
  readonly agentsOnline: number;
  readonly agentsAvailable: number;
  /** The scenario's agent roster; absent = agents derived from the real-time counts. */
  readonly agents?: ReadonlyArray<{ readonly status: string; readonly freeVoiceSlots: number; readonly count: number }>;
  readonly hours: SimHours;
  /** E.164 of the outbound caller ID number; null = none set. */
  readonly outboundCallerId: string | null;
}

/** Hours of operation: local day/start/end in `timeZone`; `config` null = open 24/7. */
export interface SimHours {
  readonly id: string;
  readonly name: string;
  readonly timeZone: string;
  readonly config: ReadonlyArray<{ readonly day: string; readonly start: string; readonly end: string }> | null;
}

/** The hours every queue without its own has: Connect's "Basic Hours", open 24/7 (in UTC here). */
export const BASIC_HOURS: SimHours = { id: HOURS_OF_OPERATION_ID, name: 'Basic Hours', timeZone: 'UTC', config: null };

export interface SimPhoneNumber {
  readonly number: string;
  readonly id: string;
  readonly arn: string;
  readonly status: 'CLAIMED' | 'IN_PROGRESS' | 'FAILED';
  readonly countryCode: string;
  readonly type: 'TOLL_FREE' | 'DID';
  readonly uat: boolean;
  /** Name of the associated flow; null = none. */
  flow: string | null;
}

export class ContactCenterState {
  readonly instanceId = INSTANCE_ID;
  readonly instanceArn = INSTANCE_ARN;
  readonly instanceStatus: string;
  readonly instanceAlias: string;
  readonly flows: readonly SimFlow[];
  readonly queues: readonly SimQueue[];
  readonly numbers: readonly SimPhoneNumber[];
  /** Numbers released (ReleasePhoneNumber), with when: they are gone from `numbers`, in their cooldown. */
  readonly released: Array<{ readonly number: string; readonly id: string; readonly at: string }> = [];

  constructor(scenario: Scenario) {
    const cc = scenario.contactCenter;
    this.instanceStatus = cc.instance.status;
    this.instanceAlias = cc.instance.alias;
    this.flows = cc.flows.map((f) => ({
      name: f.name,
      id: flowIdFor(f.name),
      arn: flowArn(f.name),
      status: f.published ? 'PUBLISHED' : 'SAVED',
      state: f.archived ? 'ARCHIVED' : 'ACTIVE',
      recording: f.recording,
    }));
    this.queues = cc.queues.map((q) => ({
      name: q.name,
      id: queueIdFor(q.name),
      arn: queueArn(q.name),
      agentsOnline: q.agentsOnline,
      agentsAvailable: q.agentsAvailable,
      ...(q.agents ? { agents: q.agents } : {}),
      hours: q.hoursOfOperation
        ? {
            id: stableId('hours-of-operation', `${q.name} hours`),
            name: `${q.name} hours`,
            timeZone: q.hoursOfOperation.timeZone,
            config: q.hoursOfOperation.config,
          }
        : BASIC_HOURS,
      outboundCallerId: q.outboundCallerId === undefined ? defaultCallerId(q.name, cc.phoneNumbers) : q.outboundCallerId,
    }));
    const numbers = cc.phoneNumbers.map((p) => makeNumber(p.number, p.status, p.flow ?? null, false));
    if (cc.uatPhoneNumber) {
      const u = cc.uatPhoneNumber;
      numbers.push(makeNumber(u.number, u.status, u.flow ?? null, true));
    }
    this.numbers = numbers;
  }

  /** Takes a number off the instance (ReleasePhoneNumber): every lookup of it answers not found from now on. */
  release(n: SimPhoneNumber, at: Date): void {
    (this.numbers as SimPhoneNumber[]).splice(this.numbers.indexOf(n), 1);
    this.released.push({ number: n.number, id: n.id, at: at.toISOString() });
  }

  /** The instance path label or body field: its id or its ARN. */
  isInstance(ref: string | undefined): boolean {
    return ref === this.instanceId || ref === this.instanceArn;
  }

  /** A flow by id (the API's ContactFlowId) or ARN. */
  flowByRef(ref: string | undefined): SimFlow | undefined {
    return this.flows.find((f) => f.id === ref || f.arn === ref);
  }

  flowByName(name: string | null): SimFlow | undefined {
    return this.flows.find((f) => f.name === name);
  }

  /** A queue by id or ARN (metric filters accept both). */
  queueByRef(ref: string | undefined): SimQueue | undefined {
    return this.queues.find((q) => q.id === ref || q.arn === ref);
  }

  /** Hours of operation by id. */
  hoursById(id: string | undefined): SimHours | undefined {
    return this.queues.map((q) => q.hours).find((h) => h.id === id);
  }

  /** A claimed number by id or ARN (AssociatePhoneNumberContactFlow documents both). */
  numberByRef(ref: string | undefined): SimPhoneNumber | undefined {
    return this.numbers.find((n) => n.id === ref || n.arn === ref);
  }

  /** E.164 → associated flow name (null = none), for every claimed number including the UAT one. */
  associations(): Record<string, string | null> {
    return Object.fromEntries(this.numbers.map((n) => [n.number, n.flow]));
  }
}

/**
 * The caller ID a queue has when the scenario names none: the first plan number whose calls land in it, else the first
 * plan number — a number the plan moves, so the shipped scenarios' caller-ID check passes unless one says otherwise.
 */
function defaultCallerId(queue: string, numbers: Scenario['contactCenter']['phoneNumbers']): string {
  return (numbers.find((p) => p.queues?.includes(queue)) ?? numbers[0]).number;
}

function makeNumber(e164: string, status: SimPhoneNumber['status'], flow: string | null, uat: boolean): SimPhoneNumber {
  return {
    number: e164,
    id: phoneNumberIdFor(e164),
    arn: phoneNumberArn(e164),
    status,
    countryCode: countryCodeOf(e164),
    type: isTollFree(e164) ? 'TOLL_FREE' : 'DID',
    uat,
    flow,
  };
}

const COUNTRY_PREFIXES: ReadonlyArray<readonly [string, string]> = [
  ['+44', 'GB'],
  ['+61', 'AU'],
  ['+49', 'DE'],
  ['+33', 'FR'],
  ['+81', 'JP'],
  ['+1', 'US'],
];

function countryCodeOf(e164: string): string {
  return COUNTRY_PREFIXES.find(([prefix]) => e164.startsWith(prefix))?.[1] ?? 'US';
}

/** North American toll-free area codes. */
function isTollFree(e164: string): boolean {
  return /^\+18(00|33|44|55|66|77|88)/.test(e164);
}

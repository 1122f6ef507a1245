/**
 * The simulated contact center: one instance with the scenario's flows, queues and claimed numbers, and each
 * number's flow association (the only thing a go-live changes). Lookups accept what the real API accepts.
 */
import type { Scenario } from '../scenario';
import { INSTANCE_ARN, INSTANCE_ID, flowArn, flowIdFor, phoneNumberArn, phoneNumberIdFor, queueArn, queueIdFor } from './ids';

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
}

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
    }));
    const numbers = cc.phoneNumbers.map((p) => makeNumber(p.number, p.status, p.flow ?? null, false));
    if (cc.uatPhoneNumber) {
      const u = cc.uatPhoneNumber;
      numbers.push(makeNumber(u.number, u.status, u.flow ?? null, true));
    }
    this.numbers = numbers;
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

  /** A claimed number by id or ARN (AssociatePhoneNumberContactFlow documents both). */
  numberByRef(ref: string | undefined): SimPhoneNumber | undefined {
    return this.numbers.find((n) => n.id === ref || n.arn === ref);
  }

  /** E.164 → associated flow name (null = none), for every claimed number including the UAT one. */
  associations(): Record<string, string | null> {
    return Object.fromEntries(this.numbers.map((n) => [n.number, n.flow]));
  }
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

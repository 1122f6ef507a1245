import { Token, Validations } from 'aws-cdk-lib';
import * as connect from 'aws-cdk-lib/aws-connect';
import { Construct } from 'constructs';
import { DEFAULT_SERVICE_LINE } from '../lambda/core/verdict';
import type { IConnectInstance } from './connect-instance';
import type { RunbookTestCase, RunbookTestCases } from './runbook/go-live-runbook';

/**
 * The content of a Connect test case in the Connect testing language (a JSON document of observations, events and
 * actions).
 * @see https://docs.aws.amazon.com/connect/latest/APIReference/testing-language.html
 */
export class TestCaseContent {
  /** Content written by hand (or exported from the Connect test designer), as a JSON string or object. */
  public static fromJson(content: string | Record<string, unknown>): TestCaseContent {
    return new TestCaseContent(typeof content === 'string' ? content : JSON.stringify(content));
  }

  /**
   * The caller hears `prompt` (the flow's greeting; matched when the played message includes the text), then the
   * test ends. It ends before the flow transfers to a queue, so the simulated contact never reaches a live agent
   * (Connect's guidance: end the test, or substitute the queue, before a simulated contact is queued).
   * @see https://docs.aws.amazon.com/connect/latest/adminguide/testing-simulation-execute-test-cases.html
   * @see https://docs.aws.amazon.com/connect/latest/APIReference/testing-language-events-message-received.html
   * @see https://docs.aws.amazon.com/connect/latest/APIReference/testing-language-actions-test-control.html
   */
  public static expectPromptThenEnd(prompt: string): TestCaseContent {
    return new TestCaseContent(
      JSON.stringify({
        Version: '2025-06-21',
        Metadata: {},
        Observations: [
          {
            Identifier: 'TestStarted',
            Event: { Identifier: 'TestStartedEvent', Type: 'TestInitiated', Actor: 'System', Properties: {} },
            Usage: { Type: 'EXACTLY' },
            Actions: [],
            Transitions: { NextObservations: ['Greeting'] },
          },
          {
            Identifier: 'Greeting',
            Event: {
              Identifier: 'GreetingEvent',
              Type: 'MessageReceived',
              Actor: 'System',
              Properties: { Text: prompt, MatchingCriteria: 'Inclusion' },
            },
            Usage: { Type: 'EXACTLY' },
            Actions: [
              {
                Identifier: 'EndBeforeQueue',
                Type: 'TestControl',
                Parameters: { ActionType: 'TestControl', Command: { Type: 'EndTest' } },
                Transitions: {},
              },
            ],
            Transitions: { NextObservations: [] },
          },
        ],
      }),
    );
  }

  private constructor(public readonly json: string) {}
}

/** One UAT test case: what a service line's UAT script checks when it calls the UAT number. */
export interface UatTestCaseSpec {
  /**
   * The service line (a plan entry's `serviceLine`).
   * @default 'all'
   */
  readonly serviceLine?: string;
  /** What the call must hear and do. */
  readonly content: TestCaseContent;
  /**
   * The test case's name in Connect.
   * @default - `go-live UAT <serviceLine>`
   */
  readonly name?: string;
}

/** One routing proof: a test call to a cut-over number of a service line, right after the cutover. */
export interface RoutingProofSpec {
  /**
   * The service line.
   * @default 'all'
   */
  readonly serviceLine?: string;
  /** The number to call: one the plan moves (or a configured alternative that rings the same target flow). */
  readonly phoneNumber: string;
  /** What a caller must hear once the number reaches its target flow (for instance its greeting). */
  readonly content: TestCaseContent;
  /**
   * The test case's name in Connect.
   * @default - `go-live routing proof <serviceLine>`
   */
  readonly name?: string;
}

/** Properties of {@link GoLiveTestCases}. */
export interface GoLiveTestCasesProps {
  /** The instance the test cases run on. */
  readonly instance: IConnectInstance;
  /**
   * The UAT number the UAT test cases call (E.164, for instance `UatPhoneNumber.phoneNumber`).
   * @default - required when `uat` lists any test case
   */
  readonly uatPhoneNumber?: string;
  /**
   * UAT test cases, one per service line.
   * @default - none
   */
  readonly uat?: readonly UatTestCaseSpec[];
  /**
   * Routing proofs, one per service line.
   * @default - none
   */
  readonly routingProof?: readonly RoutingProofSpec[];
}

/**
 * Connect test cases (AWS::Connect::TestCase, published) for a go-live: per service line, the UAT script run
 * against the temporary UAT number before the approval gate, and the routing proof run against a cut-over number
 * right after the cutover. Pass {@link runbookTestCases} to `GoLiveRunbook`'s `testCases`.
 *
 * A construct of its own rather than an option of `UatPhoneNumber`: the routing proofs call production numbers,
 * not the UAT number, and test cases change with the flows they test, not with the number.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-connect-testcase.html
 */
export class GoLiveTestCases extends Construct {
  /** What `GoLiveRunbook`'s `testCases` takes. */
  public readonly runbookTestCases: RunbookTestCases;
  /** The CloudFormation resources, by `uat/<serviceLine>` and `routingProof/<serviceLine>`. */
  public readonly resources: Readonly<Record<string, connect.CfnTestCase>>;

  constructor(scope: Construct, id: string, props: GoLiveTestCasesProps) {
    super(scope, id);
    const uat = props.uat ?? [];
    const routingProof = props.routingProof ?? [];
    validateProps(props, uat, routingProof);
    const resources: Record<string, connect.CfnTestCase> = {};

    const make = (kind: 'uat' | 'routingProof', line: string, name: string, destination: string, content: TestCaseContent) => {
      const idPart = `${kind === 'uat' ? 'Uat' : 'RoutingProof'}${pascal(line)}`;
      const resource = new connect.CfnTestCase(this, idPart, {
        instanceArn: props.instance.instanceArn,
        name,
        description: kind === 'uat' ? `Go-live UAT script of ${line}` : `Go-live routing proof of ${line}`,
        content: content.json,
        // A published test case: PUBLISHED makes Connect validate the content, and only a published one can run
        // (StartTestCaseExecution "Starts executing a published test case").
        status: 'PUBLISHED',
        entryPoint: { type: 'VOICE_CALL', voiceCallEntryPointParameters: { destinationPhoneNumber: destination } },
        // The rehearsal reads which line and kind a test case serves from these tags.
        tags: [
          { key: 'connect-golive:kind', value: kind },
          { key: 'connect-golive:service-line', value: line },
        ],
      });
      // The resource schema's DestinationPhoneNumber pattern is escaped twice ('^\\+[1-9]\\d{1,14}$' asks for a
      // literal backslash), so synth's CloudFormation validation flags every E.164 number; validateProps checks E.164.
      Validations.of(resource).acknowledge({
        id: 'CloudFormation-Validate::F3031',
        reason:
          'The AWS::Connect::TestCase schema pattern for DestinationPhoneNumber is double-escaped; the number is checked as E.164 here',
      });
      resources[`${kind}/${line}`] = resource;
      // Ref of AWS::Connect::TestCase is its ARN.
      return { serviceLine: line, testCaseArn: resource.ref, phoneNumber: destination } satisfies RunbookTestCase;
    };

    this.runbookTestCases = {
      uat: uat.map((u) => {
        const line = u.serviceLine ?? DEFAULT_SERVICE_LINE;
        return make('uat', line, u.name ?? `go-live UAT ${line}`, props.uatPhoneNumber!, u.content);
      }),
      routingProof: routingProof.map((r) => {
        const line = r.serviceLine ?? DEFAULT_SERVICE_LINE;
        return make('routingProof', line, r.name ?? `go-live routing proof ${line}`, r.phoneNumber, r.content);
      }),
    };
    this.resources = resources;
  }
}

const E164 = /^\+[1-9]\d{1,14}$/;

function validateProps(props: GoLiveTestCasesProps, uat: readonly UatTestCaseSpec[], routingProof: readonly RoutingProofSpec[]): void {
  if (uat.length > 0 && props.uatPhoneNumber === undefined) {
    throw new Error('uatPhoneNumber is required when uat lists test cases, got: undefined');
  }
  if (props.uatPhoneNumber !== undefined && !Token.isUnresolved(props.uatPhoneNumber) && !E164.test(props.uatPhoneNumber)) {
    throw new Error(`uatPhoneNumber must be an E.164 number, got: ${props.uatPhoneNumber}`);
  }
  for (const [kind, list] of [
    ['uat', uat],
    ['routingProof', routingProof],
  ] as const) {
    const seen = new Set<string>();
    list.forEach((spec: UatTestCaseSpec | RoutingProofSpec, i) => {
      const line = spec.serviceLine ?? DEFAULT_SERVICE_LINE;
      if (!/^[^\s\x00-\x1f][^\x00-\x1f]{0,63}$/.test(line)) {
        throw new Error(`${kind}[${i}].serviceLine must be a name of 1–64 characters, got: ${JSON.stringify(line)}`);
      }
      if (seen.has(line)) throw new Error(`${kind}[${i}].serviceLine is listed twice, got: ${line}`);
      seen.add(line);
      if ('phoneNumber' in spec && !Token.isUnresolved(spec.phoneNumber) && !E164.test(spec.phoneNumber)) {
        throw new Error(`${kind}[${i}].phoneNumber must be an E.164 number, got: ${spec.phoneNumber}`);
      }
      // CloudFormation: Content is 1–256,000 characters.
      if (spec.content.json.length > 256_000) {
        throw new Error(`${kind}[${i}].content must be at most 256000 characters, got: ${spec.content.json.length}`);
      }
    });
  }
}

/** A construct id part from a service line name (`Sales EMEA` → `SalesEMEA`): ids are API, keep them stable. */
function pascal(line: string): string {
  const cleaned = line.replace(/[^A-Za-z0-9]+/g, ' ').trim();
  return (
    cleaned
      .split(' ')
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join('') || 'Line'
  );
}

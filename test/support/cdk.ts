import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';

/** A fresh app. The handlers are prebuilt assets (scripts/build-handlers.ts), so no synth bundles anything. */
export function testApp(context: Record<string, unknown> = {}): App {
  return new App({ context });
}

/** A fresh stack in a fresh app. */
export function testStack(id = 'TestStack'): Stack {
  return new Stack(testApp(), id);
}

/** Every unacknowledged AwsSolutions finding in the stack, as `RuleId: path` lines. */
export function nagFindings(stack: Stack): string[] {
  const report = new AwsSolutionsChecks(stack).validateScope(stack);
  return report.violations.flatMap((v) =>
    v.violatingResources.map((r) => `${v.ruleName}: ${r.resourceLogicalId ?? r.constructPath} ${v.description.split('\n')[0]}`),
  );
}

/** The whole template, for a snapshot: asset hashes are masked by the jest serializer. */
export function templateJson(stack: Stack): unknown {
  return Template.fromStack(stack).toJSON();
}

import * as s3 from 'aws-cdk-lib/aws-s3';
import { nagFindings, testStack } from './cdk';

// The cdk-nag tests elsewhere assert "no findings"; this proves the harness reports findings when there are some.
test('nagFindings reports an insecure bucket', () => {
  const stack = testStack();
  new s3.Bucket(stack, 'Insecure');
  const findings = nagFindings(stack);
  expect(findings).toEqual(
    expect.arrayContaining([expect.stringMatching(/^AwsSolutions-S1: .*Insecure/), expect.stringMatching(/^AwsSolutions-S10: .*Insecure/)]),
  );
});

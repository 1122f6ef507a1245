import type { Command } from 'commander';
import { parseRegion, ParsedArn } from './args';

/** `--region` when given, else the region in the ARN: the API must be called where the resource lives. */
export function regionOf(command: Command, arn: ParsedArn): string {
  return parseRegion(command.optsWithGlobals<{ region?: string }>().region) ?? arn.region;
}

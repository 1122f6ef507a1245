import { parseState } from '../../../lambda/shared/state';
import { config, state } from '../handlers/fixtures';

describe('parseState', () => {
  it('returns the document, unknown keys included', () => {
    const doc = state({ approval: { decision: 'approve' }, extra: 1 });

    expect(parseState(doc, 'config', 'run')).toEqual(doc);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['rejects a config instanceArn that is not an ARN', { config: config({ instanceArn: 'instance-1' }) }, 'state.config.instanceArn: '],
    ['rejects an empty plan', { config: config({ plan: [] }) }, 'state.config.plan: '],
    ['rejects an unknown cutover mode', { config: { ...config(), cutoverMode: 'teleport' } }, 'state.config.cutoverMode: '],
    ['rejects a cutoverConcurrency of 0', { config: config({ cutoverConcurrency: 0 }) }, 'state.config.cutoverConcurrency: '],
    ['rejects a run without changeId', { run: { dryRun: false, plan: [] } }, 'state.run.changeId: '],
    ['rejects readiness numbers without phoneNumberId', { readiness: { ready: true, numbers: [{}] } }, 'state.readiness.numbers.0.phoneNumberId: '],
  ])('%s, naming the field', (_, overrides, prefix) => {
    expect(() => parseState(state(overrides), 'config')).toThrow(new RegExp(`^${prefix.replace(/\./g, '\\.')}`));
  });

  it('throws a TypeError naming a key the step requires', () => {
    expect(() => parseState(state({ executionArn: undefined }), 'config', 'executionArn')).toThrow(new TypeError('state.executionArn: is required by this step'));
  });

  it('throws when the event is not an object', () => {
    expect(() => parseState('nope', 'config')).toThrow(/^state\.?: .*expected object, received string/);
  });
});

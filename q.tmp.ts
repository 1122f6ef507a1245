import { parseScenario } from './lib/rehearsal/scenario';
import { rehearseScenario } from './lib/rehearsal/runner';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const raw = JSON.parse(require('fs').readFileSync('scenarios/healthy-go-live.json','utf8'));
(async () => {
  for (const other of [0.2, 0.5]) {
    const s = JSON.parse(JSON.stringify(raw));
    s.contactCenter.phoneNumbers = Array.from({ length: 12 }, (_, i) => ({ number: `+1800555${String(100 + i).padStart(4, '0')}`, flow: 'LegacyBridge', targetFlow: 'Main' }));
    if (other) s.contactCenter.otherCallersRequestsPerSecond = { AssociatePhoneNumberContactFlow: other };
    delete s.contactCenter.uatPhoneNumber;
    const t = Date.now();
    const run = await rehearseScenario(parseScenario(s));
    const cut = run.steps.filter((x) => x.name === 'Cutover');
    const w = run.writeCalls;
    console.log(other, run.outcome, run.reason, 'writes', w.length, 'throttled', w.filter((x) => x.error === 'ThrottlingException').length, 'cutover span', (Date.parse(w[w.length-1].at) - Date.parse(w[0].at))/1000, 'wall', Date.now() - t);
  }
})();

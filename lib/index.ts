export * from './connect-instance';
export * from './uat-phone-number';
export * from './go-live-test-cases';
export * from './contact-center-stack';
export * from './runbook/go-live-runbook';
export * from './runbook/go-live-dashboard';
export * from './default-app';

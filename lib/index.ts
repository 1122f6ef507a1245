export * from './connect-instance';
export * from './uat-phone-number';
export * from './contact-center-stack';

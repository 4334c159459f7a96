export * from './definition/validate-workflow';

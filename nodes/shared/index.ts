// n8n glue shared by the action node and the trigger.
export * from './transport';
export * from './errors';
export * from './instanceLocator';

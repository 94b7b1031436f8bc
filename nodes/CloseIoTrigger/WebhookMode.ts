// Webhook mode lives in ./webhook/ (lifecycle hooks, webhook(), module memory, static data); this
// file keeps the old import path working for code written against it.
export { checkExists, create, deleteWebhook } from './webhook/lifecycle';
export { receive } from './webhook/receive';
export { SEEN_IN_MEMORY, SEEN_PERSISTED, SEEN_SAVE_INTERVAL_MS, takeManualItems } from './webhook/memory';
export { signatureScope } from './webhook/staticData';

import { InstanceTokens } from '../../lib/clients/instanceTokens';

/**
 * The instance tokens of this n8n process, shared by the trigger's polls and the Close.io node:
 * never in static data (a token is a secret), so a poll or an execution costs no request for it
 * once n8n has used the instance (lib/clients/instanceTokens.ts).
 */
export const INSTANCE_TOKENS = new InstanceTokens();

import { rememberSecret } from '../../lib/clients/errors';
import { InstanceTokens, type TokenRequests } from '../../lib/clients/instanceTokens';
import type { Connection } from './transport';

/**
 * The instance tokens of this n8n process, shared by the trigger's polls and the Close.io node:
 * never in static data (a token is a secret), so a poll or an execution costs no request for it
 * once n8n has used the instance (lib/clients/instanceTokens.ts).
 */
export const INSTANCE_TOKENS = new InstanceTokens();

/**
 * The requests of one poll or execution on an instance, with its kept token (fetched on first use,
 * and again when the platform refuses it). Every token used joins the connection's secrets, so it
 * is scrubbed from outputs and errors.
 */
export function instanceTokenRequests(connection: Connection, instanceId: string): TokenRequests {
	return INSTANCE_TOKENS.requests(
		{
			baseUrl: connection.ocBaseUrl,
			userSecret: String(connection.credentials.userSecret ?? ''),
			organizationSecret: String(connection.credentials.organizationSecret ?? ''),
			instanceId,
		},
		async () => await connection.oc.getInstanceToken(instanceId),
		connection.request,
		(token) => rememberSecret(connection.secrets, token),
	);
}

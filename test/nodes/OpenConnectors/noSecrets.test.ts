// ONE test: no secret value (User secret, Organization secret, Close API key, Close password,
// instance token) appears in any output item or error of any operation, on success, on errors,
// with continueOnFail, and even when the server echoes the secrets back.
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { startSandbox } from '../../../sandbox';
import type { Sandbox } from '../../../sandbox';
import { sandboxCredentials } from '../../helpers/fakeContext';
import type { RunResult } from '../../helpers/runOpenConnectors';
import { byId, runOpenConnectors } from '../../helpers/runOpenConnectors';

jest.setTimeout(60000);

let sandbox: Sandbox;
let credentials: ICredentialDataDecryptedObject;

beforeAll(async () => {
	sandbox = await startSandbox({
		secrets: {
			userSecret: 'USER-SECRET-a1b2c3',
			organizationSecret: 'ORG-SECRET-d4e5f6',
			closeApiKey: 'api_CLOSEKEY-g7h8i9',
			closePassword: 'CLOSE-PASSWORD-j0k1',
		},
	});
	credentials = sandboxCredentials(sandbox);
});
afterAll(async () => {
	await sandbox.close();
});

function errorTexts(result: RunResult): string {
	const error = result.error as (Error & Record<string, unknown>) | undefined;
	if (!error) return '';
	const { node: _node, ...rest } = error; // the node's own parameters are not an output
	return JSON.stringify({ ...rest, message: error.message, stack: error.stack });
}

it('no secret leaks from any operation', async () => {
	const runs: RunResult[] = [];
	const run = async (parameters: Record<string, unknown>, options: Parameters<typeof runOpenConnectors>[2] = {}, creds = credentials) => {
		const result = await runOpenConnectors(creds, parameters, options);
		runs.push(result);
		return result;
	};

	// Successes of every operation.
	const created = await run({
		operation: 'create',
		name: 'leak-check',
		tags: 'a',
		eventsMode: 'polling',
		callbackUrl: 'https://n8n.example.com/cb',
		objects: ['lead', 'contact', 'opportunity', 'task'],
		refreshInterval: 1,
	});
	expect(created.error).toBeUndefined();
	const id = (created.items[0].json as { id: number }).id;
	await run({ operation: 'create', name: 'hooks', eventsMode: 'webhook', callbackUrl: 'https://n8n.example.com/cb' });
	await run({ operation: 'get', instance: byId(id) });
	await run({ operation: 'getAll', returnAll: true });
	await run({ operation: 'update', instance: byId(id), updateFields: { name: 'renamed', eventsEnabled: true } });
	await run({ operation: 'getEventsUrl', instance: byId(id) });

	// Errors: 401 with a wrong secret of each kind, 404, 400, and continueOnFail items.
	await run({ operation: 'get', instance: byId(id) }, {}, { ...credentials, userSecret: 'USER-SECRET-wrong-zz' });
	await run({ operation: 'create', name: 'x' }, {}, { ...credentials, closeApiKey: 'api_WRONG-CLOSE-KEY-yy' });
	await run({ operation: 'get', instance: byId(1) });
	await run({ operation: 'get', instance: byId(1) }, { continueOnFail: true });
	await run({ operation: 'create', name: 'x', additionalFields: { additionalConfiguration: '{"username": null}' } });

	// The server echoes every secret in its error body: still nothing leaks.
	const tokens = sandbox.admin.instances().map((instance) => instance.token);
	const echo = [
		`Authorization was User ${credentials.userSecret as string}, Organization ${credentials.organizationSecret as string}, Element ${tokens[0]}`,
		`{"username": "${credentials.closeApiKey as string}", "password": "${credentials.closePassword as string}"}`,
		`token=${tokens[0]}`,
	].join(' | ');
	for (const operation of ['get', 'update', 'delete'] as const) {
		sandbox.admin.addFault({
			path: `/elements/api-v2/instances/${id}`,
			status: 400,
			body: { message: echo, requestId: 'req-echo', providerMessage: echo },
			times: 2,
		});
		const parameters = { operation, instance: byId(id), updateFields: { name: 'n' } };
		await run(parameters);
		await run(parameters, { continueOnFail: true });
	}
	sandbox.admin.addFault({ path: '/elements/api-v2/instances', status: 500, body: { message: echo }, times: 2 });
	await run({ operation: 'getAll', returnAll: true }, { continueOnFail: true });
	sandbox.admin.clearFaults();
	await run({ operation: 'delete', instance: byId(id) });

	const secrets = [
		credentials.userSecret,
		credentials.organizationSecret,
		credentials.closeApiKey,
		credentials.closePassword,
		'USER-SECRET-wrong-zz',
		'api_WRONG-CLOSE-KEY-yy',
		...tokens,
	] as string[];
	expect(tokens.length).toBeGreaterThanOrEqual(2);
	expect(runs.filter((r) => r.error).length).toBeGreaterThanOrEqual(6);
	expect(runs.filter((r) => r.items.some((i) => 'error' in i.json)).length).toBeGreaterThanOrEqual(4);

	for (const result of runs) {
		const text = JSON.stringify(result.items) + errorTexts(result);
		for (const secret of secrets) expect(text).not.toContain(secret);
	}
});

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../../sandbox';
import { PROBE_HEADER, REQUEST_LOG_DIR_ENV, type RecordedRequest } from '../../sandbox/requestLog';

describe('sandbox request recording (conformance)', () => {
	let dir: string;
	let sb: Sandbox;
	const saved = process.env[REQUEST_LOG_DIR_ENV];

	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'sandbox-reqlog-'));
		process.env[REQUEST_LOG_DIR_ENV] = dir;
		sb = await startSandbox();
		// Restored at once: the recorder is chosen when the sandbox starts.
		if (saved === undefined) delete process.env[REQUEST_LOG_DIR_ENV];
		else process.env[REQUEST_LOG_DIR_ENV] = saved;
	});
	afterAll(async () => {
		await sb.close();
		rmSync(dir, { recursive: true, force: true });
	});

	test('Close and Open Connectors requests are written with names only; admin routes are not', async () => {
		const basic = 'Basic ' + Buffer.from(`${sb.secrets.closeApiKey}:`).toString('base64');
		await fetch(`${sb.closeBaseUrl}/webhook/?_limit=10`, { headers: { Authorization: basic } });
		await fetch(`${sb.closeBaseUrl}/lead/merge/`, {
			method: 'POST',
			headers: { Authorization: basic, 'Content-Type': 'application/json', [PROBE_HEADER]: '1' },
			body: JSON.stringify({ source: 'lead_secretvalue', destination: 'lead_b' }),
		});
		await fetch(`${sb.ocBaseUrl}/hubs/crm/contacts?pageSize=5&where=${encodeURIComponent("name='x'")}`);
		await fetch(`${sb.url}/__admin/stats`);
		const files = readdirSync(dir);
		expect(files).toHaveLength(1);
		const text = readFileSync(join(dir, files[0]), 'utf8');
		const lines = text.trim().split('\n').map((l) => JSON.parse(l) as RecordedRequest);
		expect(lines).toEqual([
			{ api: 'close', method: 'GET', path: '/webhook/', query: { _limit: ['10'] }, bodyFields: [], nestedFields: [] },
			{ api: 'close', method: 'POST', path: '/lead/merge/', query: {}, bodyFields: ['source', 'destination'], nestedFields: [], probe: true },
			{ api: 'oc', method: 'GET', path: '/hubs/crm/contacts', query: { pageSize: ['5'], where: ["name='x'"] }, bodyFields: [], nestedFields: [] },
		]);
		expect(text).not.toContain('secretvalue');
		expect(text).not.toContain(sb.secrets.closeApiKey);
	});
});

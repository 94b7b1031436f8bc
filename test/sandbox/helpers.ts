import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sandbox } from '../../sandbox';
import { PROBE_HEADER } from '../../sandbox/requestLog';

export interface Received {
	method: string;
	path: string;
	headers: http.IncomingHttpHeaders;
	raw: Buffer;
	json: any;
}

/** A callback receiver answering with `statuses` in turn (then the last one forever). */
export async function startReceiver(statuses: number[] = [200]): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
	const received: Received[] = [];
	let n = 0;
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const raw = Buffer.concat(chunks);
			let json: any;
			try {
				json = JSON.parse(raw.toString('utf8'));
			} catch {
				json = undefined;
			}
			received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, raw, json });
			const status = statuses[Math.min(n++, statuses.length - 1)];
			res.writeHead(status, { 'Content-Type': 'application/json' });
			res.end('{}');
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
	const port = (server.address() as AddressInfo).port;
	return {
		url: `http://127.0.0.1:${port}/hook`,
		received,
		close: () =>
			new Promise<void>((r) => {
				server.close(() => r());
				server.closeAllConnections();
			}),
	};
}

export function ocAuth(sb: Sandbox, token?: string): Record<string, string> {
	const base = `User ${sb.secrets.userSecret}, Organization ${sb.secrets.organizationSecret}`;
	// The sandbox suite probes the sandbox itself (malformed requests on purpose): marked, so the
	// conformance test holds only the product's requests to the tables.
	return { Authorization: token ? `${base}, Element ${token}` : base, 'Content-Type': 'application/json', [PROBE_HEADER]: '1' };
}

export function closeAuth(sb: Sandbox, key = sb.secrets.closeApiKey): Record<string, string> {
	return { Authorization: 'Basic ' + Buffer.from(`${key}:`).toString('base64'), 'Content-Type': 'application/json', [PROBE_HEADER]: '1' };
}

export async function waitFor<T>(fn: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const v = fn();
		if (v) return v;
		if (Date.now() > deadline) throw new Error('waitFor timed out');
		await new Promise((r) => setTimeout(r, 5));
	}
}

export async function json(res: Response): Promise<any> {
	const text = await res.text();
	return text ? JSON.parse(text) : undefined;
}

import type { HttpRequest, HttpResponse, RequestFn } from '../../../lib/clients/http';
import { InstanceTokens, type TokenOwner } from '../../../lib/clients/instanceTokens';

const owner: TokenOwner = { baseUrl: 'https://oc.test/elements/api-v2', userSecret: 'u-secret', organizationSecret: 'o-secret', instanceId: '7' };
const HUB = 'https://oc.test/elements/api-v2/hubs/crm/accounts';

/** A fetch handing out tok1, tok2, ... */
function issuer() {
	let n = 0;
	return jest.fn(async () => `tok${++n}`);
}

/** A platform that accepts only the tokens in `valid`, recording each request's token. */
function platform(valid: Set<string>) {
	const sent: Array<{ method: string; token?: string }> = [];
	const request: RequestFn = async (req: HttpRequest): Promise<HttpResponse> => {
		sent.push({ method: req.method, token: req.elementToken });
		const ok = req.elementToken === undefined || valid.has(req.elementToken);
		return { statusCode: ok ? 200 : 401, headers: {}, body: ok ? [] : { message: 'Invalid Element token' } };
	};
	return { request, sent };
}

/** tok1 fetched and kept, then the instance's token changed: the platform takes only tok2. */
async function keptThenChanged() {
	const tokens = new InstanceTokens();
	const fetch = issuer();
	const valid = new Set(['tok1']);
	const p = platform(valid);
	await tokens.requests(owner, fetch, p.request).token();
	valid.clear();
	valid.add('tok2');
	return { tokens, fetch, p };
}

describe('InstanceTokens.requests', () => {
	it('fetches an owner\'s token once; later executions send the kept one without a fetch', async () => {
		const tokens = new InstanceTokens();
		const fetch = issuer();
		const p = platform(new Set(['tok1']));
		for (let i = 0; i < 3; i++) {
			const r = tokens.requests(owner, fetch, p.request);
			expect(await r.token()).toBe('tok1');
			expect((await r.request({ method: 'GET', url: HUB, elementToken: 'placeholder' })).statusCode).toBe(200);
		}
		expect(fetch).toHaveBeenCalledTimes(1);
		expect(p.sent.map((s) => s.token)).toEqual(['tok1', 'tok1', 'tok1']);
	});

	it('a kept token the platform refuses (401): fetched again, and only the refused request sent again, a POST too', async () => {
		const { tokens, fetch, p } = await keptThenChanged();
		const seen: string[] = [];
		const r = tokens.requests(owner, fetch, p.request, (t) => seen.push(t));
		const created = await r.request({ method: 'POST', url: HUB, elementToken: 'x', body: { name: 'n' } });
		expect(created.statusCode).toBe(200);
		expect(p.sent.map((s) => `${s.method} ${s.token}`)).toEqual(['POST tok1', 'POST tok2']);
		expect(seen).toEqual(['tok1', 'tok2']);
		// the new token is the kept one from here, in this execution and the next
		await r.request({ method: 'GET', url: HUB, elementToken: 'x' });
		expect(await tokens.requests(owner, fetch, p.request).token()).toBe('tok2');
		expect(fetch).toHaveBeenCalledTimes(2);
	});

	it('requests refused together share one new token', async () => {
		const { tokens, fetch, p } = await keptThenChanged();
		const r = tokens.requests(owner, fetch, p.request);
		const answers = await Promise.all([1, 2, 3].map(() => r.request({ method: 'GET', url: HUB, elementToken: 'x' })));
		expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200]);
		expect(fetch).toHaveBeenCalledTimes(2);
	});

	it('a token just fetched and refused is not fetched again: the 401 reaches the caller', async () => {
		const tokens = new InstanceTokens();
		const fetch = issuer();
		const p = platform(new Set());
		const r = tokens.requests(owner, fetch, p.request);
		expect((await r.request({ method: 'GET', url: HUB, elementToken: 'x' })).statusCode).toBe(401);
		expect(fetch).toHaveBeenCalledTimes(1);
		expect(p.sent).toHaveLength(1);
	});

	it('a request without an instance token goes as it is, and fetches nothing', async () => {
		const tokens = new InstanceTokens();
		const fetch = issuer();
		const p = platform(new Set());
		await tokens.requests(owner, fetch, p.request).request({ method: 'GET', url: 'https://close.test/api/v1/event/' });
		expect(fetch).not.toHaveBeenCalled();
		expect(p.sent).toEqual([{ method: 'GET', token: undefined }]);
	});

	it('a failed fetch keeps nothing: the next request fetches again', async () => {
		const tokens = new InstanceTokens();
		const fetch = jest.fn().mockRejectedValueOnce(new Error('platform down')).mockResolvedValueOnce('tok');
		const p = platform(new Set(['tok']));
		const r = tokens.requests(owner, fetch, p.request);
		await expect(r.request({ method: 'GET', url: HUB, elementToken: 'x' })).rejects.toThrow('platform down');
		expect(tokens.size).toBe(0);
		expect((await r.request({ method: 'GET', url: HUB, elementToken: 'x' })).statusCode).toBe(200);
		expect(fetch).toHaveBeenCalledTimes(2);
	});

	it('tokens are kept per platform, secrets and instance', async () => {
		const tokens = new InstanceTokens();
		const fetch = issuer();
		const p = platform(new Set());
		const owners = [
			owner,
			{ ...owner, instanceId: '8' },
			{ ...owner, userSecret: 'other' },
			{ ...owner, organizationSecret: 'other' },
			{ ...owner, baseUrl: 'https://other.test/elements/api-v2' },
		];
		const seen = [];
		for (const o of owners) seen.push(await tokens.requests(o, fetch, p.request).token());
		expect(new Set(seen).size).toBe(owners.length);
		// a trailing slash on the base URL is the same platform
		expect(await tokens.requests({ ...owner, baseUrl: `${owner.baseUrl}/` }, fetch, p.request).token()).toBe('tok1');
	});

	it('keeps at most `capacity` tokens, the least recently used forgotten first', async () => {
		const tokens = new InstanceTokens(2);
		const fetch = issuer();
		const p = platform(new Set());
		const use = async (o: TokenOwner) => await tokens.requests(o, fetch, p.request).token();
		const a = owner;
		const b = { ...owner, instanceId: '8' };
		const c = { ...owner, instanceId: '9' };
		await use(a);
		await use(b);
		await use(a); // a used last: b is the oldest
		await use(c);
		expect(tokens.size).toBe(2);
		expect(fetch).toHaveBeenCalledTimes(3);
		await use(a);
		expect(fetch).toHaveBeenCalledTimes(3);
		await use(b);
		expect(fetch).toHaveBeenCalledTimes(4);
	});
});

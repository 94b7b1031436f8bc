import { ApiError } from '../../../lib/clients/errors';
import { InstanceTokens, isRefusedToken, type TokenOwner } from '../../../lib/clients/instanceTokens';

const owner: TokenOwner = { baseUrl: 'https://oc.test/elements/api-v2', userSecret: 'u-secret', organizationSecret: 'o-secret', instanceId: '7' };
const refused = (service: 'openConnectors' | 'close' = 'openConnectors', statusCode = 401) =>
	new ApiError({ statusCode, message: `HTTP ${statusCode}`, service });

/** A fetch handing out tok1, tok2, ... and counting its calls. */
function issuer() {
	let n = 0;
	const fetch = jest.fn(async () => `tok${++n}`);
	return fetch;
}

describe('InstanceTokens', () => {
	it('fetches an owner\'s token once, then runs with the kept one', async () => {
		const tokens = new InstanceTokens();
		const fetch = issuer();
		const used: string[] = [];
		for (let i = 0; i < 3; i++) await tokens.use(owner, fetch, async (t) => used.push(t));
		expect(fetch).toHaveBeenCalledTimes(1);
		expect(used).toEqual(['tok1', 'tok1', 'tok1']);
	});

	it('a kept token the platform refuses (401) is fetched again and the work runs once more', async () => {
		const tokens = new InstanceTokens();
		const fetch = issuer();
		await tokens.use(owner, fetch, async () => undefined);
		const tried: string[] = [];
		const result = await tokens.use(owner, fetch, async (t) => {
			tried.push(t);
			if (t === 'tok1') throw refused();
			return `done with ${t}`;
		});
		expect(result).toBe('done with tok2');
		expect(tried).toEqual(['tok1', 'tok2']);
		// the fresh token is kept from here
		await tokens.use(owner, fetch, async (t) => expect(t).toBe('tok2'));
		expect(fetch).toHaveBeenCalledTimes(2);
	});

	it('a token just fetched is not retried: the refusal reaches the caller, and nothing is kept', async () => {
		const tokens = new InstanceTokens();
		const fetch = issuer();
		const work = jest.fn(async () => {
			throw refused();
		});
		await expect(tokens.use(owner, fetch, work)).rejects.toThrow('HTTP 401');
		expect(work).toHaveBeenCalledTimes(1);
		expect(tokens.size).toBe(0);
		// the next use fetches a token again and tries it once
		await expect(tokens.use(owner, fetch, work)).rejects.toThrow('HTTP 401');
		expect(fetch).toHaveBeenCalledTimes(2);
		expect(work).toHaveBeenCalledTimes(2);
	});

	it('other failures are not retried and keep the token (a 401 from Close, a 500, a network error)', async () => {
		const tokens = new InstanceTokens();
		const fetch = issuer();
		await tokens.use(owner, fetch, async () => undefined);
		for (const error of [refused('close'), refused('openConnectors', 500), new Error('socket hang up')]) {
			const work = jest.fn(async () => {
				throw error;
			});
			await expect(tokens.use(owner, fetch, work)).rejects.toBe(error);
			expect(work).toHaveBeenCalledTimes(1);
		}
		expect(fetch).toHaveBeenCalledTimes(1);
	});

	it('a failed fetch keeps nothing: the next use fetches again', async () => {
		const tokens = new InstanceTokens();
		const fetch = jest.fn().mockRejectedValueOnce(new Error('platform down')).mockResolvedValueOnce('tok');
		await expect(tokens.use(owner, fetch, async () => undefined)).rejects.toThrow('platform down');
		expect(tokens.size).toBe(0);
		await tokens.use(owner, fetch, async (t) => expect(t).toBe('tok'));
		expect(fetch).toHaveBeenCalledTimes(2);
	});

	it('tokens are kept per platform, secrets and instance', async () => {
		const tokens = new InstanceTokens();
		const fetch = issuer();
		const owners = [
			owner,
			{ ...owner, instanceId: '8' },
			{ ...owner, userSecret: 'other' },
			{ ...owner, organizationSecret: 'other' },
			{ ...owner, baseUrl: 'https://other.test/elements/api-v2' },
		];
		const seen = [];
		for (const o of owners) seen.push(await tokens.use(o, fetch, async (t) => t));
		expect(new Set(seen).size).toBe(owners.length);
		// a trailing slash on the base URL is the same platform
		expect(await tokens.use({ ...owner, baseUrl: `${owner.baseUrl}/` }, fetch, async (t) => t)).toBe('tok1');
	});

	it('keeps at most `capacity` tokens, the least recently used forgotten first', async () => {
		const tokens = new InstanceTokens(2);
		const fetch = issuer();
		const a = owner;
		const b = { ...owner, instanceId: '8' };
		const c = { ...owner, instanceId: '9' };
		await tokens.use(a, fetch, async () => undefined);
		await tokens.use(b, fetch, async () => undefined);
		await tokens.use(a, fetch, async () => undefined); // a used last: b is the oldest
		await tokens.use(c, fetch, async () => undefined);
		expect(tokens.size).toBe(2);
		expect(fetch).toHaveBeenCalledTimes(3);
		await tokens.use(a, fetch, async () => undefined);
		expect(fetch).toHaveBeenCalledTimes(3);
		await tokens.use(b, fetch, async () => undefined);
		expect(fetch).toHaveBeenCalledTimes(4);
	});

	it('isRefusedToken: only the platform\'s 401', () => {
		expect(isRefusedToken(refused())).toBe(true);
		expect(isRefusedToken(refused('close'))).toBe(false);
		expect(isRefusedToken(refused('openConnectors', 403))).toBe(false);
		expect(isRefusedToken(new Error('401'))).toBe(false);
	});
});

// Instance tokens kept while the process runs. Every hub call needs its instance's token, and the
// token is a secret: static data (stored in the database, copied into execution records) must not
// hold it. Fetched for every poll it cost one Open Connectors request a poll on top of one per
// source read (the whole cost of an idle poll on one object), and one more for every execution of
// the Close.io node. Kept here, a token is fetched on the process's first use of an instance, and
// again only when the platform refuses it.

import { createHash } from 'crypto';

import { BoundedMemory } from './boundedMemory';
import type { RequestFn } from './http';

/** Who may use a token: the platform, the user and organization secrets, the instance. */
export interface TokenOwner {
	baseUrl: string;
	userSecret: string;
	organizationSecret: string;
	instanceId: string;
}

/** One execution's requests on an instance (InstanceTokens.requests). */
export interface TokenRequests {
	/** The token the requests carry now: the kept one, else one fetched and kept. */
	token(): Promise<string>;
	request: RequestFn;
}

export class InstanceTokens {
	/** Digest of the owner -> token; the least recently used forgotten first. */
	private readonly tokens: BoundedMemory;

	constructor(capacity = 256) {
		this.tokens = new BoundedMemory(capacity);
	}

	/**
	 * A request function for one execution's calls on the owner's instance: a request that carries
	 * an instance token (`elementToken`, any value) is sent with the owner's current token, the kept
	 * one if any. When the platform refuses a kept token (401), the token is fetched again and that
	 * one request sent again: a refused request did nothing, so this is safe for any method, and the
	 * work around it (an action's writes) never runs twice. `onToken` sees every token used (the
	 * caller scrubs them from outputs).
	 */
	requests(owner: TokenOwner, fetch: () => Promise<string>, request: RequestFn, onToken: (token: string) => void = () => {}): TokenRequests {
		const key = ownerKey(owner);
		let current: Promise<{ token: string; kept: boolean }> | undefined;
		const settleOn = (next: Promise<{ token: string; kept: boolean }>) => {
			current = next;
			// A failed fetch is not kept: the next request tries again.
			next.catch(() => {
				if (current === next) current = undefined;
			});
			return next;
		};
		const fresh = async () => {
			const token = await fetch();
			this.tokens.set(key, token);
			onToken(token);
			return { token, kept: false };
		};
		// Synchronous, so requests sent together see the same promise and a refusal replaces it once.
		const now = (): Promise<{ token: string; kept: boolean }> => {
			if (current) return current;
			const kept = this.tokens.get(key);
			if (kept === undefined) return settleOn(fresh());
			this.tokens.set(key, kept);
			onToken(kept);
			return settleOn(Promise.resolve({ token: kept, kept: true }));
		};
		const send: RequestFn = async (req) => {
			if (req.elementToken === undefined) return await request(req);
			const pending = now();
			const used = await pending;
			const response = await request({ ...req, elementToken: used.token });
			if (response.statusCode !== 401 || !used.kept) return response;
			// The first refusal replaces the token; requests refused with it too wait for that one.
			if (current === pending) {
				if (this.tokens.get(key) === used.token) this.tokens.delete(key);
				settleOn(fresh());
			}
			return await request({ ...req, elementToken: (await now()).token });
		};
		return { token: async () => (await now()).token, request: send };
	}

	/** Forgets every token (n8n's process keeps this memory; tests start from empty). */
	clear(): void {
		this.tokens.clear();
	}

	get size(): number {
		return this.tokens.size;
	}

}

// The owner goes into the key only as a digest: the map holds no credential secret in clear.
function ownerKey(owner: TokenOwner): string {
	return createHash('sha256')
		.update(JSON.stringify([owner.baseUrl.replace(/\/+$/, ''), owner.userSecret, owner.organizationSecret, owner.instanceId]))
		.digest('base64url');
}

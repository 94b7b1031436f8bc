// Instance tokens kept while the process runs. A poll needs its instance's token for every hub
// call, and the token is a secret: static data (stored in the database, copied into execution
// records) must not hold it. Fetched on every poll it cost one Open Connectors request per poll
// on top of one per source read, the whole cost of an idle poll on one object. Kept here, a token
// is fetched on a process's first poll of an instance, and again only when the platform refuses it.

import { createHash } from 'crypto';

import { ApiError } from './errors';

/** Who may use a token: the platform, the user and organization secrets, the instance. */
export interface TokenOwner {
	baseUrl: string;
	userSecret: string;
	organizationSecret: string;
	instanceId: string;
}

/** Whether an error is the platform refusing the credentials or the instance token (HTTP 401). */
export function isRefusedToken(error: unknown): boolean {
	return error instanceof ApiError && error.service === 'openConnectors' && error.statusCode === 401;
}

export class InstanceTokens {
	/** Digest of the owner -> token; Map order is least recently used first. */
	private readonly tokens = new Map<string, string>();

	constructor(readonly capacity = 256) {}

	/**
	 * Runs `work` with the owner's token: the kept one if any, else one fetched and kept. When the
	 * platform refuses a kept token (the instance re-created, its token changed), the token is
	 * forgotten, fetched again and `work` runs once more with it; a token refused as soon as fetched
	 * is forgotten, not retried. `work` must be safe to run again after a refused attempt (a poll is: it writes its
	 * state only when it returns).
	 */
	async use<T>(owner: TokenOwner, fetch: () => Promise<string>, work: (token: string) => Promise<T>): Promise<T> {
		const key = ownerKey(owner);
		const kept = this.tokens.get(key);
		if (kept !== undefined) {
			this.keep(key, kept);
			const attempt = await settle(work(kept));
			if (attempt.ok) return attempt.value;
			if (!isRefusedToken(attempt.error)) throw attempt.error;
			if (this.tokens.get(key) === kept) this.tokens.delete(key);
		}
		const token = await fetch();
		this.keep(key, token);
		const attempt = await settle(work(token));
		if (attempt.ok) return attempt.value;
		// Refused as soon as fetched: the next use fetches again rather than try it first.
		if (isRefusedToken(attempt.error) && this.tokens.get(key) === token) this.tokens.delete(key);
		throw attempt.error;
	}

	/** Forgets every token (n8n's process keeps this memory; tests start from empty). */
	clear(): void {
		this.tokens.clear();
	}

	get size(): number {
		return this.tokens.size;
	}

	private keep(key: string, token: string): void {
		this.tokens.delete(key);
		this.tokens.set(key, token);
		while (this.tokens.size > this.capacity) this.tokens.delete(this.tokens.keys().next().value as string);
	}
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

async function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
	return await promise.then(
		(value): Settled<T> => ({ ok: true, value }),
		(error: unknown): Settled<T> => ({ ok: false, error }),
	);
}

// The owner goes into the key only as a digest: the map holds no credential secret in clear.
function ownerKey(owner: TokenOwner): string {
	return createHash('sha256')
		.update(JSON.stringify([owner.baseUrl.replace(/\/+$/, ''), owner.userSecret, owner.organizationSecret, owner.instanceId]))
		.digest('base64url');
}

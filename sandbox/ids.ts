import { randomBytes, randomUUID } from 'node:crypto';

const BASE62 = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

// Random bytes are drawn in large chunks: seeding a million records one randomBytes call at a
// time costs seconds.
let pool = Buffer.alloc(0);
let poolPos = 0;

let seeded: (() => number) | undefined;

/**
 * Makes ids reproducible (tests replaying a seeded schedule: record order depends on ids);
 * undefined goes back to crypto-random ids.
 */
export function seedIds(seed: number | undefined): void {
	if (seed === undefined) {
		seeded = undefined;
		return;
	}
	const random = seededRandom(seed);
	seeded = () => Math.floor(random() * 256);
}

function byte(): number {
	if (seeded) return seeded();
	if (poolPos >= pool.length) {
		pool = randomBytes(65536);
		poolPos = 0;
	}
	return pool[poolPos++];
}

/** Close ids: prefix + '_' + 22 base62 characters. */
export function closeId(prefix: string): string {
	// Built in a Buffer: `s += c` leaves a 23-piece rope (~700 bytes) per id in V8.
	const buf = Buffer.allocUnsafe(prefix.length + 23);
	buf.write(prefix + '_', 0, 'latin1');
	for (let i = prefix.length + 1; i < buf.length; i++) buf[i] = BASE62.charCodeAt(byte() % 62);
	return buf.toString('latin1');
}

export function uuid(): string {
	return randomUUID();
}

export function hex(bytes: number): string {
	return randomBytes(bytes).toString('hex');
}

export function base64Token(bytes: number): string {
	return randomBytes(bytes).toString('base64');
}

/** Deterministic PRNG (mulberry32) for fault fractions, so a seeded test replays exactly. */
export function seededRandom(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

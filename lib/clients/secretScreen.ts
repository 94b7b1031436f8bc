// Keeping the connection's secrets out of what a node outputs. A record can hold anything a user
// typed, so every string of every output is checked for the secrets; over 10,000 records of one Get
// Many that walk cost more than the rest of the node's own work. A page of records arrives as JSON
// text, and one search of that text can prove that none of its strings holds a secret: the records
// parsed from a text so proven are marked, and the walk passes them over.

import { MIN_SECRET_LENGTH, sanitizeText } from './errors';

function scrubbable(secrets: readonly string[]): string[] {
	return secrets.filter((secret) => typeof secret === 'string' && secret.length >= MIN_SECRET_LENGTH);
}

/**
 * Whether a string value parsed from this JSON text may contain one of the secrets. `false` is a
 * proof; `true` only means the values must be checked one by one. A secret inside a parsed string
 * shows in the text as written unless one of its characters was escaped: `"`, `\` and control
 * characters always are (a secret holding one is never proven absent), `/` may be (`\/`), and any
 * character may be written `\uXXXX` (an ASCII one as `\u00XX` with X < 8).
 */
export function jsonMayHoldSecret(text: string, secrets: readonly string[]): boolean {
	const checked = scrubbable(secrets);
	if (checked.length === 0) return false;
	let slash = false;
	let nonAscii = false;
	for (const secret of checked) {
		for (let i = 0; i < secret.length; i++) {
			const code = secret.charCodeAt(i);
			if (code === 0x22 || code === 0x5c || code < 0x20) return true;
			if (code === 0x2f) slash = true;
			if (code > 0x7f) nonAscii = true;
		}
		if (text.includes(secret)) return true;
	}
	if (slash && text.includes('\\/')) return true;
	if (nonAscii) return text.includes('\\u');
	// The plain search first: the pattern alone scans a page slower than all the secrets together.
	return text.includes('\\u00') && /\\u00[0-7]/.test(text);
}

/** Lists of values parsed from screened texts, with how many of the connection's secrets they were screened against. */
const SCREENED = new WeakMap<readonly unknown[], number>();

/**
 * Marks a list whose every element was parsed from a text `jsonMayHoldSecret` cleared of the first
 * `secretCount` secrets of a connection's list (that list only grows: instance tokens are added
 * as instances are used). The list is marked, not its 10,000 elements: a weak map entry per
 * record cost as much as the walk it saves.
 */
export function markScreened(list: readonly unknown[], secretCount: number): void {
	SCREENED.set(list, secretCount);
}

/** How many secrets a list was screened against (markScreened), if it was. */
export function screenedCount(list: readonly unknown[]): number | undefined {
	return SCREENED.get(list);
}

/** Every string in `value` replaced by its sanitized form when it contains a secret; in place. */
function scrubValue(value: unknown, secrets: readonly string[], shortest: number): unknown {
	if (typeof value === 'string') {
		if (value.length < shortest) return value;
		for (const secret of secrets) if (value.includes(secret)) return sanitizeText(value, secrets);
		return value;
	}
	if (Array.isArray(value)) {
		for (let i = 0; i < value.length; i++) value[i] = scrubValue(value[i], secrets, shortest);
		return value;
	}
	if (value && typeof value === 'object') {
		const record = value as Record<string, unknown>;
		for (const key of Object.keys(record)) {
			const before = record[key];
			const after = scrubValue(before, secrets, shortest);
			if (after !== before) record[key] = after;
		}
	}
	return value;
}

/**
 * Scrubs the secrets from every value of an output list, in place, and returns it; a list parsed
 * from texts screened against all of them is returned as it is.
 */
export function scrubSecrets<T>(list: T[], secrets: readonly string[]): T[] {
	if ((SCREENED.get(list) ?? -1) >= secrets.length) return list;
	const checked = scrubbable(secrets);
	if (checked.length === 0) return list;
	const shortest = Math.min(...checked.map((secret) => secret.length));
	for (let i = 0; i < list.length; i++) list[i] = scrubValue(list[i], checked, shortest) as T;
	return list;
}

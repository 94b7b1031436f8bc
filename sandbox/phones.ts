// Contact phones as Close keeps them: E.164 (`+14155550100`; Close's reference: "Phone number in
// E.164 format"), and what its search finds for them. Written apart from lib/records/phone.ts on
// purpose: the sandbox plays Close, the product's normalizer is what it tests.
//
// Storage: `+` then digits as is (a bracketed trunk `(0)` after the code dropped); `00` then digits as international; 10 digits as North American
// (+1); 11 digits starting with 1 as North American with its code; anything else is kept as typed
// (no country known).
// Search (strictest reading of a text search over a value that is one word): a phone condition finds
// a stored number only when its value is that one word, `+` optional: `+14155550100` or
// `14155550100` find `+14155550100`; `4155550100` or `+1 415 555 0100` do not.

export function closeE164(phone: unknown): unknown {
	if (typeof phone !== 'string') return phone;
	const text = phone.trim();
	const international = /^\+|^00/.test(text);
	const digits = (international ? text.replace(/\(\s*0\s*\)/g, '') : text).replace(/[^0-9]/g, '');
	if (/^\+/.test(text) && digits.length >= 8) return `+${digits}`;
	if (/^00/.test(digits) && digits.length >= 10) return `+${digits.slice(2)}`;
	if (digits.length === 10 && /^[2-9]/.test(digits)) return `+1${digits}`;
	if (digits.length === 11 && digits.startsWith('1')) return `+${digits}`;
	return phone;
}

/** A contact's `phones` written as Close stores them (in place on the fields about to be stored). */
export function storePhones(fields: Record<string, unknown>): void {
	if (!Array.isArray(fields.phones)) return;
	fields.phones = fields.phones.map((p) =>
		p && typeof p === 'object' && !Array.isArray(p) ? { ...(p as Record<string, unknown>), phone: closeE164((p as Record<string, unknown>).phone) } : p,
	);
}

/** Whether a text search value finds a stored phone (see above). */
export function phoneSearchFinds(stored: unknown, value: unknown): boolean {
	const word = String(value ?? '').trim().replace(/^\+/, '');
	const have = String(stored ?? '').replace(/^\+/, '');
	return word !== '' && /^\d+$/.test(word) && word === have;
}

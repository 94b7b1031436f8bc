// Phone numbers as Close keeps them. Close stores and returns contact phones in E.164
// (`+14155550100`; its reference: "Phone number in E.164 format"), so a number typed any common way
// is brought to E.164 before it is searched for or compared.
//
// The rule (no public Close source states its default country; this is the product's choice, the
// one Close's US-first numbering implies and the sandbox plays):
// - `+` then digits: already international (a bracketed trunk `(0)` after the code is dropped).
// - `00` or `011` then digits: the international call prefixes (ITU / North America), then the
//   country code.
// - 10 digits: a North American number without its country code (+1).
// - 11 digits starting with 1: North American with its country code.
// - anything else (a national number of another country without its code): no E.164; it is
//   searched and compared by its digits alone.
// An extension (`x12`, `ext. 12`, `extension 12`, `#12`, `;ext=12`) is kept apart: Close's E.164
// value carries none.

export interface NormalizedPhone {
	/** E.164 (`+` and 8 to 15 digits) when the rule above settles the country, else undefined. */
	e164?: string;
	/** The number's digits without the extension (E.164 without `+` when known). */
	digits: string;
	extension?: string;
}

const EXTENSION = /\s*(?:;\s*ext\s*=|\b(?:ext(?:ension)?\.?|x)\s*|#\s*)(\d{1,10})\s*$/i;

export function normalizePhone(value: string): NormalizedPhone {
	let text = String(value ?? '').trim();
	let extension: string | undefined;
	const ext = EXTENSION.exec(text);
	if (ext && /\d/.test(text.slice(0, ext.index))) {
		extension = ext[1];
		text = text.slice(0, ext.index);
	}
	const plus = /^\s*\+/.test(text);
	// `+44 (0)20 ...`: the bracketed trunk 0 is dialled only within the country, never after its code.
	if (plus || /^\s*00/.test(text)) text = text.replace(/\(\s*0\s*\)/g, '');
	let digits = text.replace(/[^0-9]/g, '');
	let international = plus;
	if (!plus && digits.startsWith('00')) {
		digits = digits.slice(2);
		international = true;
	} else if (!plus && digits.startsWith('011') && digits.length > 11) {
		digits = digits.slice(3);
		international = true;
	}
	let e164: string | undefined;
	if (international) e164 = `+${digits}`;
	else if (digits.length === 10 && /^[2-9]/.test(digits)) e164 = `+1${digits}`;
	else if (digits.length === 11 && digits.startsWith('1')) e164 = `+${digits}`;
	// E.164: a country code and at most 15 digits in all; a first digit 0 is no country code.
	if (e164 !== undefined && !/^\+[1-9]\d{7,14}$/.test(e164)) e164 = undefined;
	return { ...(e164 ? { e164, digits: e164.slice(1) } : { digits }), ...(extension ? { extension } : {}) };
}

/**
 * Whether a stored phone is the number asked for: the same E.164 number (or, where either has no
 * E.164, the same digits), and the same extension when both carry one.
 */
export function samePhone(stored: string, asked: string): boolean {
	const a = normalizePhone(stored);
	const b = normalizePhone(asked);
	if (a.digits === '' || b.digits === '') return false;
	const number = a.e164 && b.e164 ? a.e164 === b.e164 : a.digits === b.digits;
	return number && (a.extension === undefined || b.extension === undefined || a.extension === b.extension);
}

/** The forms to search Close for: E.164 first (what Close stores), then the digits as typed when they differ. */
export function phoneSearchTerms(value: string): string[] {
	const p = normalizePhone(value);
	const typed = String(value ?? '').replace(EXTENSION, '').replace(/[^0-9]/g, '');
	const terms = [p.e164 ?? p.digits];
	if (typed !== '' && !terms.includes(typed) && `+${typed}` !== terms[0]) terms.push(typed);
	return terms.filter((t) => t !== '');
}

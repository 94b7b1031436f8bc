import fc from 'fast-check';

import { jsonMayHoldSecret, markScreened, scrubSecrets, screenedCount } from '../../../lib/clients/secretScreen';

const SECRET = 'k3yAbCdEfGhIjKlMnOp';
const SLASHED = 'org/SecretValue1234';

/** JSON text of `value` with the given characters of every string written as \uXXXX. */
function escapedJson(value: unknown, escape: (char: string) => boolean): string {
	return JSON.stringify(value, (_key, v: unknown) => v).replace(/"(?:[^"\\]|\\.)*"/g, (literal) => {
		const inner = JSON.parse(literal) as string;
		let out = '';
		for (const char of inner) {
			if (escape(char)) out += `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
			else out += JSON.stringify(char).slice(1, -1);
		}
		return `"${out}"`;
	});
}

describe('jsonMayHoldSecret: one search of the text proves its strings hold no secret', () => {
	const page = [{ id: 'lead_1', name: 'Acme', description: 'line\nbreak, tab\t, quote "x"' }];

	it('clears a page that holds no secret, even with \\n, \\t and \\" escapes', () => {
		expect(jsonMayHoldSecret(JSON.stringify(page), [SECRET, SLASHED])).toBe(false);
	});

	it('flags a secret written as is', () => {
		expect(jsonMayHoldSecret(JSON.stringify([{ name: `my key ${SECRET}` }]), [SECRET])).toBe(true);
	});

	it('flags a secret with an ASCII character written \\u00XX (JSON allows it; the parsed string holds the secret)', () => {
		const text = escapedJson([{ name: `key ${SECRET}` }], (char) => char === 'A');
		expect(text).toContain('\\u0041');
		expect(text).not.toContain(SECRET);
		expect((JSON.parse(text) as Array<{ name: string }>)[0].name).toContain(SECRET);
		expect(jsonMayHoldSecret(text, [SECRET])).toBe(true);
	});

	it('a non-ASCII \\u escape (é) does not hide an ASCII secret: still cleared', () => {
		const text = escapedJson([{ name: 'Café' }], (char) => char === 'é');
		expect(text).toContain('\\u00e9');
		expect(jsonMayHoldSecret(text, [SECRET])).toBe(false);
	});

	it('flags \\/ only when a secret holds a slash', () => {
		const text = JSON.stringify([{ name: SLASHED }]).replace(/\//g, '\\/');
		expect(text).not.toContain(SLASHED);
		expect(jsonMayHoldSecret(text, [SLASHED])).toBe(true);
		expect(jsonMayHoldSecret('[{"url":"https:\\/\\/example.com"}]', [SECRET])).toBe(false);
	});

	it('never clears a text for a secret it could not find as written: a quote, a backslash, a control character', () => {
		for (const secret of ['with"quote1', 'with\\slash1', 'with\ttab123']) expect(jsonMayHoldSecret('[]', [secret])).toBe(true);
	});

	it('a non-ASCII secret: any \\u escape may hide it', () => {
		expect(jsonMayHoldSecret('[{"a":"\\u4e2d"}]', ['clé-secrète'])).toBe(true);
		expect(jsonMayHoldSecret('[{"a":"b"}]', ['clé-secrète'])).toBe(false);
	});

	it('ignores values under 4 characters (not treated as secrets), and an empty list', () => {
		expect(jsonMayHoldSecret('[{"a":"abc"}]', ['abc'])).toBe(false);
		expect(jsonMayHoldSecret('[{"a":"abc"}]', [])).toBe(false);
	});

	it('property: whenever it clears a text, no string parsed from it contains a secret', () => {
		const char = fc.constantFrom(...'abAB01/_-é"\\\n'.split(''));
		const word = fc.array(char, { minLength: 0, maxLength: 12 }).map((chars) => chars.join(''));
		const secretArb = fc.array(fc.constantFrom(...'abAB01/_-'.split('')), { minLength: 4, maxLength: 6 }).map((chars) => chars.join(''));
		fc.assert(
			fc.property(
				fc.array(secretArb, { minLength: 1, maxLength: 3 }),
				fc.array(fc.tuple(word, fc.nat(3), word), { maxLength: 6 }),
				fc.func(fc.boolean()),
				fc.boolean(),
				(secrets, parts, escapeChar, slashEscaped) => {
					// Strings that sometimes embed a secret, serialized with arbitrary (valid) escapes.
					const values = parts.map(([before, which, after]) => `${before}${which < secrets.length ? secrets[which] : ''}${after}`);
					let text = escapedJson({ values }, (c) => escapeChar(c));
					if (slashEscaped) text = text.replace(/(^|[^\\])\//g, '$1\\/');
					const parsed = (JSON.parse(text) as { values: string[] }).values;
					if (!jsonMayHoldSecret(text, secrets)) {
						for (const value of parsed) for (const secret of secrets) expect(value.includes(secret)).toBe(false);
					}
				},
			),
			{ numRuns: 500 },
		);
	});
});

describe('scrubSecrets', () => {
	const secrets = [SECRET, 'other-secret-1', 'abc'];

	it('scrubs every string that holds a secret, at any depth, in place', () => {
		const list = [{ name: `key ${SECRET}`, nested: { notes: [`x other-secret-1 y`, 'clean'] }, count: 3, none: null }];
		const out = scrubSecrets(list, secrets);
		expect(out).toBe(list);
		const text = JSON.stringify(out);
		expect(text).not.toContain(SECRET);
		expect(text).not.toContain('other-secret-1');
		expect(out[0].nested.notes[1]).toBe('clean');
		expect(out[0].count).toBe(3);
		// 'abc' is under 4 characters: not a secret.
		expect(scrubSecrets([{ a: 'abc' }], secrets)[0].a).toBe('abc');
	});

	it('passes over a list screened against every secret, and scrubs it once the secrets grew', () => {
		// Marked as screened against the first 3 secrets (a list that was in fact not screened, so a
		// pass-over shows).
		const list = [{ name: `key ${SECRET}` }];
		markScreened(list, 3);
		expect(screenedCount(list)).toBe(3);
		expect(scrubSecrets(list, secrets)[0].name).toContain(SECRET);
		// A token was added to the connection's secrets after the screening: the list is walked.
		expect(scrubSecrets(list, [...secrets, 'token-added-later'])[0].name).not.toContain(SECRET);
	});

	it('an unmarked list is walked', () => {
		expect(screenedCount([])).toBeUndefined();
		expect(scrubSecrets([{ name: SECRET }], secrets)[0].name).not.toContain(SECRET);
	});
});

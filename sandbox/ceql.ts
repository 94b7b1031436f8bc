// A CEQL subset: = != <> < > <= >= LIKE, NOT LIKE, IN (...), NOT IN, IS [NOT] NULL, AND, OR, NOT,
// parentheses, single-quoted strings ('' escapes a quote), numbers, true/false/null.

import { parseIsoMicros } from './time';

export type Literal = string | number | boolean | null;

export type Expr =
	| { kind: 'and' | 'or'; left: Expr; right: Expr }
	| { kind: 'not'; expr: Expr }
	| { kind: 'cmp'; field: string; op: string; value: Literal }
	| { kind: 'like'; field: string; pattern: RegExp; negate: boolean }
	| { kind: 'in'; field: string; values: Literal[]; negate: boolean }
	| { kind: 'null'; field: string; negate: boolean };

export class CeqlError extends Error {}

type Token = { t: 'ident' | 'str' | 'num' | 'op' | 'lp' | 'rp' | 'comma'; v: string; pos: number };

const DATE_FIELDS = new Set(['date_updated', 'date_created']);

function tokenize(src: string): Token[] {
	const out: Token[] = [];
	let i = 0;
	while (i < src.length) {
		const c = src[i];
		if (/\s/.test(c)) {
			i++;
			continue;
		}
		if (c === "'") {
			let j = i + 1;
			let s = '';
			for (;;) {
				if (j >= src.length) throw new CeqlError(`unterminated string literal at position ${i}`);
				if (src[j] === "'") {
					if (src[j + 1] === "'") {
						s += "'";
						j += 2;
						continue;
					}
					break;
				}
				s += src[j++];
			}
			out.push({ t: 'str', v: s, pos: i });
			i = j + 1;
			continue;
		}
		if (c === '(') {
			out.push({ t: 'lp', v: c, pos: i++ });
			continue;
		}
		if (c === ')') {
			out.push({ t: 'rp', v: c, pos: i++ });
			continue;
		}
		if (c === ',') {
			out.push({ t: 'comma', v: c, pos: i++ });
			continue;
		}
		const op = /^(<=|>=|!=|<>|=|<|>)/.exec(src.slice(i));
		if (op) {
			out.push({ t: 'op', v: op[1] === '<>' ? '!=' : op[1], pos: i });
			i += op[1].length;
			continue;
		}
		const num = /^-?\d+(\.\d+)?(?![\w.])/.exec(src.slice(i));
		if (num) {
			out.push({ t: 'num', v: num[0], pos: i });
			i += num[0].length;
			continue;
		}
		const ident = /^[A-Za-z_$][\w.$]*/.exec(src.slice(i));
		if (ident) {
			out.push({ t: 'ident', v: ident[0], pos: i });
			i += ident[0].length;
			continue;
		}
		const quoted = /^`([^`]+)`/.exec(src.slice(i));
		if (quoted) {
			out.push({ t: 'ident', v: quoted[1], pos: i });
			i += quoted[0].length;
			continue;
		}
		throw new CeqlError(`unexpected character '${c}' at position ${i}`);
	}
	return out;
}

function likeToRegExp(pattern: string): RegExp {
	let re = '';
	for (const ch of pattern) {
		if (ch === '%') re += '.*';
		else if (ch === '_') re += '.';
		else re += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	}
	return new RegExp(`^${re}$`, 's');
}

class Parser {
	private i = 0;
	constructor(private readonly toks: Token[]) {}

	private peek(): Token | undefined {
		return this.toks[this.i];
	}
	private kw(word: string): boolean {
		const t = this.peek();
		if (t && t.t === 'ident' && t.v.toUpperCase() === word) {
			this.i++;
			return true;
		}
		return false;
	}
	private expectKw(word: string): void {
		if (!this.kw(word)) throw new CeqlError(`expected ${word} ${this.where()}`);
	}
	private where(): string {
		const t = this.peek();
		return t ? `at position ${t.pos} near '${t.v}'` : 'at end of query';
	}

	parse(): Expr {
		if (this.toks.length === 0) throw new CeqlError('empty where clause');
		const e = this.or();
		if (this.i < this.toks.length) throw new CeqlError(`unexpected token ${this.where()}`);
		return e;
	}
	private or(): Expr {
		let left = this.and();
		while (this.kw('OR')) left = { kind: 'or', left, right: this.and() };
		return left;
	}
	private and(): Expr {
		let left = this.unary();
		while (this.kw('AND')) left = { kind: 'and', left, right: this.unary() };
		return left;
	}
	private unary(): Expr {
		if (this.kw('NOT')) return { kind: 'not', expr: this.unary() };
		const t = this.peek();
		if (t?.t === 'lp') {
			this.i++;
			const e = this.or();
			if (this.peek()?.t !== 'rp') throw new CeqlError(`missing closing parenthesis ${this.where()}`);
			this.i++;
			return e;
		}
		return this.predicate();
	}
	private literal(): Literal {
		const t = this.peek();
		if (!t) throw new CeqlError('expected a value at end of query');
		this.i++;
		if (t.t === 'str') return t.v;
		if (t.t === 'num') return Number(t.v);
		if (t.t === 'ident') {
			const u = t.v.toUpperCase();
			if (u === 'TRUE') return true;
			if (u === 'FALSE') return false;
			if (u === 'NULL') return null;
		}
		throw new CeqlError(`expected a value (single-quoted string or number) at position ${t.pos} near '${t.v}'`);
	}
	private predicate(): Expr {
		const t = this.peek();
		if (!t || t.t !== 'ident') throw new CeqlError(`expected a field name ${this.where()}`);
		this.i++;
		const field = t.v;
		const next = this.peek();
		if (next?.t === 'op') {
			this.i++;
			return { kind: 'cmp', field, op: next.v, value: this.literal() };
		}
		if (this.kw('IS')) {
			const negate = this.kw('NOT');
			this.expectKw('NULL');
			return { kind: 'null', field, negate };
		}
		const negate = this.kw('NOT');
		if (this.kw('LIKE')) {
			const v = this.literal();
			if (typeof v !== 'string') throw new CeqlError(`LIKE needs a string pattern for ${field}`);
			return { kind: 'like', field, pattern: likeToRegExp(v), negate };
		}
		if (this.kw('IN')) {
			if (this.peek()?.t !== 'lp') throw new CeqlError(`expected ( after IN ${this.where()}`);
			this.i++;
			const values: Literal[] = [this.literal()];
			while (this.peek()?.t === 'comma') {
				this.i++;
				values.push(this.literal());
			}
			if (this.peek()?.t !== 'rp') throw new CeqlError(`expected ) to close IN list ${this.where()}`);
			this.i++;
			return { kind: 'in', field, values, negate };
		}
		throw new CeqlError(`expected an operator after '${field}' ${this.where()}`);
	}
}

export function parseWhere(src: string): Expr {
	return new Parser(tokenize(src)).parse();
}

export function fieldValue(record: Record<string, unknown>, field: string): unknown {
	if (field in record) return record[field];
	if (!field.includes('.')) return undefined;
	let cur: unknown = record;
	for (const part of field.split('.')) {
		if (cur === null || typeof cur !== 'object') return undefined;
		cur = (cur as Record<string, unknown>)[part];
	}
	return cur;
}

// Literal instants are parsed once per query, not per record.
const instantCache = new Map<string, number | undefined>();
function instantOf(text: string): number | undefined {
	let v = instantCache.get(text);
	if (v === undefined && !instantCache.has(text)) {
		v = looksLikeDate(text) ? parseIsoMicros(text) : undefined;
		if (instantCache.size > 10000) instantCache.clear();
		instantCache.set(text, v);
	}
	return v;
}

// Only strings that start like a date are instants; '12' must stay a string.
function looksLikeDate(text: string): boolean {
	return /^\d{4}-\d{2}-\d{2}/.test(text);
}

/** -1, 0, 1, or undefined when the two values cannot be ordered (null involved). */
export function compareValues(field: string, a: unknown, b: Literal, aMicros?: number): number | undefined {
	if (a === null || a === undefined || b === null) return undefined;
	if (typeof a === 'string' && typeof b === 'string') {
		const ib = instantOf(b);
		if (ib !== undefined) {
			const ia = aMicros ?? (looksLikeDate(a) ? parseIsoMicros(a) : undefined);
			if (ia !== undefined) return ia < ib ? -1 : ia > ib ? 1 : 0;
		}
		return a < b ? -1 : a > b ? 1 : 0;
	}
	if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
	if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
	const sa = String(a);
	const sb = String(b);
	return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** `updMicros` is the record's date_updated already parsed (the store keeps it). */
export function evaluate(e: Expr, r: Record<string, unknown>, updMicros?: number): boolean {
	switch (e.kind) {
		case 'and':
			return evaluate(e.left, r, updMicros) && evaluate(e.right, r, updMicros);
		case 'or':
			return evaluate(e.left, r, updMicros) || evaluate(e.right, r, updMicros);
		case 'not':
			return !evaluate(e.expr, r, updMicros);
		case 'null': {
			const v = fieldValue(r, e.field);
			const isNull = v === null || v === undefined;
			return e.negate ? !isNull : isNull;
		}
		case 'like': {
			const v = fieldValue(r, e.field);
			const m = v !== null && v !== undefined && e.pattern.test(String(v));
			return e.negate ? !m : m;
		}
		case 'in': {
			const v = fieldValue(r, e.field);
			const m = e.values.some((x) => compareValues(e.field, v, x) === 0);
			return e.negate ? !m : m;
		}
		case 'cmp': {
			const v = fieldValue(r, e.field);
			const c = compareValues(e.field, v, e.value, e.field === 'date_updated' ? updMicros : undefined);
			// SQL-like: a comparison with a missing value is false, except `x != 'a'` on a null x.
			if (c === undefined) return e.op === '!=' && (v === null || v === undefined) !== (e.value === null);
			switch (e.op) {
				case '=':
					return c === 0;
				case '!=':
					return c !== 0;
				case '<':
					return c < 0;
				case '>':
					return c > 0;
				case '<=':
					return c <= 0;
				case '>=':
					return c >= 0;
			}
			return false;
		}
	}
}

/** Checks literals against date fields up front so a bad date is a 400, not a silent miss. */
export function validate(e: Expr): void {
	switch (e.kind) {
		case 'and':
		case 'or':
			validate(e.left);
			validate(e.right);
			return;
		case 'not':
			validate(e.expr);
			return;
		case 'cmp':
			if (DATE_FIELDS.has(e.field) && e.value !== null && (typeof e.value !== 'string' || instantOf(e.value) === undefined)) {
				throw new CeqlError(`'${String(e.value)}' is not a valid date for ${e.field}`);
			}
			return;
		default:
			return;
	}
}

/**
 * The smallest date_updated (epoch micros) any matching record can have: AND takes the larger
 * bound, OR the smaller; a branch without a bound means 0 (scan from the start).
 */
export function lowerBound(e: Expr, field = 'date_updated'): number {
	switch (e.kind) {
		case 'and':
			return Math.max(lowerBound(e.left, field), lowerBound(e.right, field));
		case 'or':
			return Math.min(lowerBound(e.left, field), lowerBound(e.right, field));
		case 'cmp':
			if (e.field === field && typeof e.value === 'string' && (e.op === '>' || e.op === '>=' || e.op === '=')) {
				return instantOf(e.value) ?? 0;
			}
			return 0;
		case 'in':
			if (e.field === field && !e.negate && e.values.length > 0) {
				let min = Infinity;
				for (const v of e.values) min = Math.min(min, typeof v === 'string' ? (instantOf(v) ?? 0) : 0);
				return min;
			}
			return 0;
		default:
			return 0;
	}
}

/**
 * The largest date_updated (epoch micros) any matching record can have, or Infinity: AND takes the
 * smaller bound, OR the larger.
 */
export function upperBound(e: Expr, field = 'date_updated'): number {
	switch (e.kind) {
		case 'and':
			return Math.min(upperBound(e.left, field), upperBound(e.right, field));
		case 'or':
			return Math.max(upperBound(e.left, field), upperBound(e.right, field));
		case 'cmp':
			if (e.field === field && typeof e.value === 'string' && (e.op === '<' || e.op === '<=' || e.op === '=')) {
				return instantOf(e.value) ?? Infinity;
			}
			return Infinity;
		default:
			return Infinity;
	}
}

const SEED_OPERATORS = new Set(['>', '>=', '<', '<=']);

/**
 * What the `seed` profile refuses, as the platform's 400 would word it; undefined when the query is
 * one the Close.io seed shows: `date_updated <op> '<date>'` with op in > >= < <=, and AND of those.
 */
export function seedRejection(src: string, e: Expr): string | undefined {
	if (tokenize(src).some((t) => t.t === 'lp' || t.t === 'rp')) return 'parentheses are not supported by the closeio element';
	const check = (x: Expr): string | undefined => {
		if (x.kind === 'and') return check(x.left) ?? check(x.right);
		if (x.kind === 'or') return 'OR is not supported by the closeio element';
		if (x.kind !== 'cmp') return 'only comparisons on date_updated are supported by the closeio element';
		if (x.field !== 'date_updated') return `the closeio element cannot query on '${x.field}'`;
		if (!SEED_OPERATORS.has(x.op)) return `operator '${x.op}' is not supported on date_updated by the closeio element`;
		return undefined;
	};
	return check(e);
}

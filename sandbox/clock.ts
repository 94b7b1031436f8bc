import { toMicros } from './time';

/**
 * Sandbox time in epoch microseconds. Real time by default: Date.now() anchored once, then
 * advanced by process.hrtime so the sub-millisecond part is real and the value never decreases.
 */
export class Clock {
	private readonly anchorMicros = Date.now() * 1000;
	private readonly anchorHr = process.hrtime.bigint();
	private offset = 0;
	private frozenAt: number | undefined;
	private last = 0;

	private real(): number {
		return this.anchorMicros + Number((process.hrtime.bigint() - this.anchorHr) / 1000n);
	}

	now(): number {
		if (this.frozenAt !== undefined) return this.frozenAt;
		const value = Math.max(this.real() + this.offset, this.last);
		this.last = value;
		return value;
	}

	/** Jumps to an instant (ISO string or epoch micros); time keeps flowing unless frozen. */
	set(to: string | number): number {
		const target = toMicros(to);
		if (this.frozenAt !== undefined) this.frozenAt = target;
		else this.offset = target - this.real();
		this.last = target;
		return target;
	}

	advance(ms: number): number {
		const delta = Math.round(ms * 1000);
		if (this.frozenAt !== undefined) this.frozenAt += delta;
		else this.offset += delta;
		this.last = Math.max(this.last, this.now());
		return this.now();
	}

	freeze(): number {
		this.frozenAt = this.now();
		return this.frozenAt;
	}

	unfreeze(): number {
		if (this.frozenAt !== undefined) {
			this.offset = this.frozenAt - this.real();
			this.frozenAt = undefined;
		}
		return this.now();
	}

	get frozen(): boolean {
		return this.frozenAt !== undefined;
	}

	reset(): void {
		this.offset = 0;
		this.frozenAt = undefined;
		this.last = 0;
	}
}

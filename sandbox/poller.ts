// The platform's poller (event.vendor.type = polling): every refresh interval it runs each
// configured resource URL against the hub, with placeholders expanded to the previous poll time,
// and notifies the callback in batches of 10 events.

import { parseWithPattern, tryParseInstant } from '../lib/polling/datePattern';
import { expandPlaceholders } from '../lib/polling/pollerPlaceholders';
import { CeqlError, parseWhere, validate } from './ceql';
import { Clock } from './clock';
import { HUB_RESOURCES, Instance, OpenConnectorsApi } from './openConnectors';
import { CloseRecord } from './store';
import { formatIsoMillis } from './time';

interface ResourceConfig {
	url: string;
	idField?: string;
	datesConfiguration?: {
		updatedDateField?: string;
		updatedDateFormat?: string;
		createdDateField?: string;
		createdDateFormat?: string;
	};
}

export interface PollReport {
	instanceId: number;
	from: number;
	to: number;
	notified: number;
	errors: string[];
}

const BATCH = 10;
const CREATED_TOLERANCE_MICROS = 1_000_000;

export class Poller {
	private timers = new Map<number, NodeJS.Timeout>();
	private intervals = new Map<number, number>();
	private lastPoll = new Map<number, number>();
	private running = new Map<number, Promise<void>>();
	private stopped = false;
	readonly reports: PollReport[] = [];

	constructor(
		private readonly oc: OpenConnectorsApi,
		private readonly clock: Clock,
		private readonly scale: number,
	) {}

	private isPolling(inst: Instance): boolean {
		return this.oc.eventsEnabled(inst) && inst.configuration['event.vendor.type'] === 'polling';
	}

	private intervalMs(inst: Instance): number {
		const minutes = Number(inst.configuration['event.poller.refresh_interval'] ?? '15');
		return Math.max(1, (Number.isFinite(minutes) && minutes > 0 ? minutes : 15) * 60_000 * this.scale);
	}

	instanceChanged(inst: Instance | undefined, id: number): void {
		if (!inst || !this.isPolling(inst)) {
			this.clear(id);
			this.lastPoll.delete(id);
			this.intervals.delete(id);
			return;
		}
		if (!this.lastPoll.has(id)) this.lastPoll.set(id, this.clock.now());
		const interval = this.intervalMs(inst);
		if (this.timers.has(id) && this.intervals.get(id) === interval) return;
		this.intervals.set(id, interval);
		this.schedule(id, interval);
	}

	private clear(id: number): void {
		const t = this.timers.get(id);
		if (t) clearTimeout(t);
		this.timers.delete(id);
	}

	private schedule(id: number, ms: number): void {
		this.clear(id);
		if (this.stopped) return;
		const t = setTimeout(() => {
			this.timers.delete(id);
			void this.runNow(id).finally(() => {
				const inst = this.oc.instances.get(id);
				if (inst && this.isPolling(inst) && !this.timers.has(id)) this.schedule(id, this.intervalMs(inst));
			});
		}, ms);
		this.timers.set(id, t);
	}

	/** Polls one instance now; concurrent calls share the poll in progress. */
	runNow(id: number): Promise<void> {
		const current = this.running.get(id);
		if (current) return current;
		const p = Promise.resolve()
			.then(() => this.poll(id))
			.finally(() => this.running.delete(id));
		this.running.set(id, p);
		return p;
	}

	private parseDate(value: unknown, pattern: string | undefined): number | undefined {
		if (typeof value === 'number') return value > 1e14 ? value : value * 1000;
		if (typeof value !== 'string') return undefined;
		if (pattern) {
			try {
				return parseWithPattern(value, pattern);
			} catch {
				// fall back to plain ISO
			}
		}
		return tryParseInstant(value);
	}

	private config(inst: Instance): Record<string, ResourceConfig> {
		const raw = inst.configuration['event.poller.configuration'];
		if (!raw) return {};
		try {
			const parsed = JSON.parse(raw) as unknown;
			return parsed && typeof parsed === 'object' ? (parsed as Record<string, ResourceConfig>) : {};
		} catch {
			return {};
		}
	}

	private poll(id: number): void {
		const inst = this.oc.instances.get(id);
		if (!inst) throw new Error(`no instance ${id}`);
		const to = this.clock.now();
		const from = this.lastPoll.get(id) ?? to;
		const report: PollReport = { instanceId: id, from, to, notified: 0, errors: [] };
		for (const [name, cfg] of Object.entries(this.config(inst))) {
			try {
				report.notified += this.pollResource(inst, name, cfg, from);
			} catch (e) {
				report.errors.push(`${name}: ${(e as Error).message}`);
			}
		}
		this.lastPoll.set(id, to);
		this.reports.push(report);
	}

	private pollResource(inst: Instance, name: string, cfg: ResourceConfig, from: number): number {
		if (!cfg || typeof cfg.url !== 'string') throw new Error('no url');
		const expanded = expandPlaceholders(cfg.url, from);
		const u = new URL(expanded.replace(/^\/?/, '/'), 'http://poller');
		const m = /\/hubs\/crm\/([^/?]+)\/?$/.exec(u.pathname);
		const resource = m ? m[1] : name;
		const type = HUB_RESOURCES[resource];
		if (!type) throw new Error(`unknown hub resource ${resource}`);
		const whereText = u.searchParams.get('where') ?? '';
		let where;
		try {
			where = whereText ? parseWhere(whereText) : undefined;
			if (where) validate(where);
		} catch (e) {
			if (e instanceof CeqlError) throw new Error(`bad where ${whereText}: ${e.message}`);
			throw e;
		}
		const order = [
			{ field: 'date_updated', desc: false },
			{ field: 'id', desc: false },
		];
		const records: CloseRecord[] = [];
		// Entries -> presented records (leads with their contacts), as the hub returns them.
		for (let offset = 0; ; offset += 200) {
			const { rows } = this.oc.query(type, resource, whereText, where, order, offset, 200, false);
			for (const e of rows) records.push(this.oc.presentFor(type, e.rec));
			if (rows.length < 200) break;
		}
		const dates = cfg.datesConfiguration ?? {};
		const idField = cfg.idField ?? 'id';
		const date = formatIsoMillis(this.clock.now());
		const events: Array<{ event: Record<string, unknown>; record: CloseRecord }> = [];
		for (const rec of records) {
			const updated = this.parseDate(rec[dates.updatedDateField ?? 'date_updated'], dates.updatedDateFormat);
			const created = this.parseDate(rec[dates.createdDateField ?? 'date_created'], dates.createdDateFormat);
			// Records not updated since the last poll are skipped, whatever the URL's query said.
			if (updated !== undefined && updated <= from) continue;
			const isNew = updated !== undefined && created !== undefined && Math.abs(updated - created) <= CREATED_TOLERANCE_MICROS;
			events.push({
				event: { objectType: resource, objectId: rec[idField], eventType: isNew ? 'CREATED' : 'UPDATED', elementKey: 'closeio', date },
				record: rec,
			});
		}
		for (let i = 0; i < events.length; i += BATCH) {
			const batch = events.slice(i, i + BATCH);
			this.oc.notify({
				instanceId: inst.id,
				events: batch.map((b) => b.event),
				raw: { objectType: resource, [resource]: batch.map((b) => b.record) },
			});
		}
		return Math.ceil(events.length / BATCH);
	}

	stop(): void {
		this.stopped = true;
		for (const t of this.timers.values()) clearTimeout(t);
		this.timers.clear();
	}
}

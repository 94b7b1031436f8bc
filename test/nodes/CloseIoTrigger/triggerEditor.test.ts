// The trigger's form as n8n's editor evaluates it (NodeHelpers.displayParameterPath, the function
// the editor runs for every field), and how saved workflows read after the form changed.
import type { INodeParameters, INodeProperties } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { CloseIoTrigger } from '../../../nodes/CloseIoTrigger/CloseIoTrigger.node';
import { routeOf } from '../../../nodes/CloseIoTrigger/webhook/staticData';
import { readSelection } from '../../../nodes/CloseIoTrigger/selection';
import { watchableFieldOptions } from '../../../lib/triggerEvents/watchableFields';

const description = new CloseIoTrigger().description;
const node = { typeVersion: 1 };
const top = (name: string) => description.properties.filter((p) => p.name === name);
const optionsCollection = description.properties.find((p) => p.name === 'options')!;
const optionDefs = (name: string) => (optionsCollection.options as INodeProperties[]).filter((o) => o.name === name);

/** What n8n stores after load: every top-level default filled (the Workflow constructor does this). */
function loaded(parameters: INodeParameters): INodeParameters {
	return NodeHelpers.getNodeParameters(description.properties, parameters, true, false, node, description)!;
}

function shownTop(name: string, parameters: INodeParameters): boolean {
	const values = loaded(parameters);
	return top(name).some((p) => NodeHelpers.displayParameterPath(values, p, '', node, description));
}

/** Whether the editor shows option `name` (set in the collection, or offered by "Add Option"). */
function shownOption(name: string, parameters: INodeParameters): boolean {
	const values = loaded(parameters);
	return optionDefs(name).some((p) => NodeHelpers.displayParameterPath(values, p, 'options', node, description));
}

const webhook = (extra: INodeParameters = {}) => ({ mode: 'webhook', objects: ['lead'], events: ['created'], ...extra });
const polling = (extra: INodeParameters = {}) => ({ mode: 'polling', objects: ['lead'], events: ['created'], ...extra });

describe('trigger form', () => {
	it('Delivery is a top-level field of webhook mode only, with the three routes', () => {
		expect(top('delivery')).toHaveLength(1);
		expect(top('delivery')[0].options?.map((o) => (o as { value: string }).value)).toEqual([
			'openConnectors',
			'direct',
			'openConnectorsPolling',
		]);
		expect(shownTop('delivery', webhook())).toBe(true);
		expect(shownTop('delivery', polling())).toBe(false);
		// before Objects: it decides whether events can arrive at all
		const names = description.properties.map((p) => p.name);
		expect(names.indexOf('delivery')).toBeLessThan(names.indexOf('objects'));
	});

	it('webhook mode offers no polling-only option; Refresh Interval and Query Date Pattern only where the platform polls', () => {
		for (const name of ['maxItemsPerPoll', 'pageSize', 'startFrom', 'startDate']) {
			expect([name, shownOption(name, webhook())]).toEqual([name, false]);
			expect([name, shownOption(name, webhook({ delivery: 'openConnectorsPolling' }))]).toEqual([name, false]);
		}
		for (const name of ['refreshInterval', 'datePattern']) {
			expect([name, shownOption(name, webhook())]).toEqual([name, false]);
			expect([name, shownOption(name, webhook({ delivery: 'direct' }))]).toEqual([name, false]);
			expect([name, shownOption(name, webhook({ delivery: 'openConnectorsPolling' }))]).toEqual([name, true]);
		}
		expect(shownOption('refreshInterval', polling())).toBe(false);
		expect(shownOption('datePattern', polling())).toBe(true);
		expect(shownOption('fieldsToWatch', webhook())).toBe(true);
		expect(shownOption('fieldsToWatch', polling())).toBe(true);
	});

	it('the date pattern is not the first option (its label sorts after the common ones)', () => {
		const labels = (optionsCollection.options as INodeProperties[]).map((o) => o.displayName);
		expect(labels[0]).not.toMatch(/Date Pattern/);
		expect(optionDefs('datePattern').every((o) => o.displayName === 'Query Date Pattern')).toBe(true);
	});

	it('Start Date is a date-time field shown only when Start From is "A Date"', () => {
		expect(optionDefs('startDate').map((o) => o.type)).toEqual(['dateTime']);
		expect(shownOption('startDate', polling())).toBe(false);
		expect(shownOption('startDate', polling({ options: { startFrom: 'now' } }))).toBe(false);
		expect(shownOption('startDate', polling({ options: { startFrom: 'date' } }))).toBe(true);
	});

	it('the earlier Options > Delivery is never offered to new workflows, and shown where a saved one set it', () => {
		expect(shownOption('delivery', webhook())).toBe(false);
		expect(shownOption('delivery', webhook({ options: { delivery: 'direct' } }))).toBe(true);
		// the value survives n8n's load (it is what the node then runs with)
		expect(loaded(webhook({ options: { delivery: 'direct' } })).options).toEqual({ delivery: 'direct' });
	});

	it("n8n's load keeps the platform poller's saved settings, under either Delivery (it drops hidden collection values)", () => {
		const saved = { refreshInterval: 1, datePattern: "yyyy-MM-dd'T'HH:mm:ss.SSSXXX" };
		expect(loaded(webhook({ options: { delivery: 'openConnectorsPolling', ...saved } })).options).toEqual({ delivery: 'openConnectorsPolling', ...saved });
		expect(loaded(webhook({ delivery: 'openConnectorsPolling', options: saved })).options).toEqual(saved);
		expect(loaded(polling({ options: { datePattern: saved.datePattern, startFrom: 'date', startDate: '2024-05-01T10:00:00' } })).options).toEqual({
			datePattern: saved.datePattern,
			startFrom: 'date',
			startDate: '2024-05-01T10:00:00',
		});
		// the Refresh Interval of a saved workflow is offered where its earlier Delivery polls
		expect(shownOption('refreshInterval', webhook({ options: { delivery: 'openConnectorsPolling' } }))).toBe(true);
	});

	it('Fields to Watch is a list loaded from Close, depending on Objects', () => {
		expect(optionDefs('fieldsToWatch')).toEqual([
			expect.objectContaining({
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getWatchableFields', loadOptionsDependsOn: ['objects'] },
			}),
		]);
		expect(typeof (new CloseIoTrigger().methods.loadOptions as Record<string, unknown>).getWatchableFields).toBe('function');
	});
});

describe('Delivery: top level, or the earlier Options > Delivery of a saved workflow', () => {
	const ctx = (parameters: INodeParameters) => {
		const values = loaded(parameters);
		return { getNodeParameter: (name: string, fallback?: unknown) => (name in values ? values[name] : fallback) } as never;
	};

	it.each(['openConnectors', 'direct', 'openConnectorsPolling'])('reads the top-level %s', (delivery) => {
		expect(routeOf(ctx(webhook({ delivery })))).toBe(delivery);
	});

	it.each(['direct', 'openConnectorsPolling', 'openConnectors'])('a workflow saved with options.delivery %s keeps it', (delivery) => {
		expect(routeOf(ctx(webhook({ options: { delivery } })))).toBe(delivery);
		// while present it decides, whatever the top-level field says
		expect(routeOf(ctx(webhook({ delivery: 'direct', options: { delivery } })))).toBe(delivery);
	});

	it('defaults to Close Webhook via Open Connectors', () => {
		expect(routeOf(ctx(webhook()))).toBe('openConnectors');
	});
});

describe('Fields to Watch values', () => {
	const selectionOf = (fieldsToWatch: unknown) =>
		readSelection({
			getNodeParameter: (name: string, fallback: unknown) =>
				(({ objects: ['lead'], events: ['updated'], options: { fieldsToWatch } }) as Record<string, unknown>)[name] ?? fallback,
			getNode: () => ({}) as never,
		}).fieldsToWatch;

	it('a list from the editor and a string saved before (comma-separated) read the same', () => {
		expect(selectionOf(['status_id', 'custom.cf_abc'])).toEqual(['status_id', 'custom.cf_abc']);
		expect(selectionOf('status_id, custom.cf_abc')).toEqual(['status_id', 'custom.cf_abc']);
	});

	it('the list: standard fields of the chosen objects, then their custom fields as custom.<id>', () => {
		const options = watchableFieldOptions(['lead', 'contact'], {
			lead: [{ id: 'cf_abc', name: 'Industry' }],
			contact: [{ id: 'cf_def', name: 'Birthday' }],
		});
		const values = options.map((o) => o.value);
		expect(values).toEqual(expect.arrayContaining(['name', 'status_id', 'title', 'custom.cf_abc', 'custom.cf_def']));
		expect(values).not.toContain('value'); // an opportunity field
		expect(values.filter((v) => v === 'name')).toHaveLength(1); // one entry for lead and contact
		expect(options.find((o) => o.value === 'name')?.description).toBe('Lead, Contact: name');
		expect(options.find((o) => o.value === 'custom.cf_abc')).toEqual({
			name: 'Industry (Custom)',
			value: 'custom.cf_abc',
			description: 'Lead: custom.cf_abc',
		});
		expect(values.indexOf('custom.cf_abc')).toBeGreaterThan(values.indexOf('title'));
	});
});

/**
 * The user docs say what the code does. Each node page's table of operations ("| Resource |
 * Operations |"), the trigger page's tables of events per mode ("| Object | Events |") and its
 * options, and the credential page's fields are compared with the node and credential descriptions
 * loaded from source; the example workflows listed in the docs with the files in examples/; every
 * relative link of the README and docs/ with the files (and headings) it points at. A node that
 * gains an operation, an event, an option or a field fails here until its page says so.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { INodeProperties, INodePropertyOptions, INodeTypeDescription } from 'n8n-workflow';

import { OpenConnectorsApi } from '../../credentials/OpenConnectorsApi.credentials';
import type { SelectionEvent, TriggerObject } from '../../lib/triggerEvents/selection';
import { isRecordObject, SELECTION_EVENTS, SELECTION_OBJECTS, sourceEventType } from '../../lib/triggerEvents/selection';
import { CloseIo } from '../../nodes/CloseIo/CloseIo.node';
import { CloseIoTrigger } from '../../nodes/CloseIoTrigger/CloseIoTrigger.node';
import { needsCloseEvents } from '../../nodes/CloseIoTrigger/selection';
import { OpenConnectors } from '../../nodes/OpenConnectors/OpenConnectors.node';

const REPO = path.resolve(__dirname, '..', '..');
const read = (file: string) => fs.readFileSync(path.join(REPO, file), 'utf8');

// ---- reading markdown ---------------------------------------------------------------------------

interface Table {
	/** The nearest heading above the table (its text, without the #). */
	heading: string;
	header: string[];
	rows: string[][];
}

const cells = (line: string) =>
	line
		.trim()
		.replace(/^\|/, '')
		.replace(/\|$/, '')
		.split('|')
		.map((cell) => cell.trim());

/** Lines outside fenced code blocks, so a table or link inside an example is not read. */
function proseLines(markdown: string): string[] {
	let fenced = false;
	return markdown.split('\n').map((line) => {
		if (/^\s*```/.test(line)) {
			fenced = !fenced;
			return '';
		}
		return fenced ? '' : line;
	});
}

function tablesOf(markdown: string): Table[] {
	const lines = proseLines(markdown);
	const tables: Table[] = [];
	let heading = '';
	for (let i = 0; i < lines.length; i++) {
		const line = lines[i];
		const h = /^#{1,6}\s+(.*)$/.exec(line);
		if (h) heading = h[1].trim();
		if (line.trim().startsWith('|') && /^\s*\|[\s|:-]+\|\s*$/.test(lines[i + 1] ?? '')) {
			const rows: string[][] = [];
			let j = i + 2;
			while (j < lines.length && lines[j].trim().startsWith('|')) rows.push(cells(lines[j++]));
			tables.push({ heading, header: cells(line), rows });
			i = j - 1;
		}
	}
	return tables;
}

/** The one table of a page with this header. */
function tableWithHeader(markdown: string, header: string[]): Table {
	const found = tablesOf(markdown).filter((t) => t.header.join('|') === header.join('|'));
	expect(found).toHaveLength(1);
	return found[0];
}

/** "Create, Get Many, Update" -> sorted list. */
const list = (cell: string) =>
	cell
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean)
		.sort();

/** Table rows as { first column: sorted list of the second }, sorted by key for readable diffs. */
function rowsAsLists(table: Table): Record<string, string[]> {
	const out: Record<string, string[]> = {};
	for (const row of table.rows) {
		expect(out[row[0]]).toBeUndefined();
		out[row[0]] = list(row[1]);
	}
	return sortKeys(out);
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
	return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

// ---- reading node descriptions ------------------------------------------------------------------

const optionsOf = (property: INodeProperties) => (property.options ?? []) as INodePropertyOptions[];

function topLevel(description: INodeTypeDescription, name: string): INodeProperties[] {
	return description.properties.filter((p) => p.name === name);
}

/** Every property, nested ones too (collections), with the display options of where it sits. */
function allProperties(properties: INodeProperties[]): INodeProperties[] {
	const out: INodeProperties[] = [];
	for (const property of properties) {
		out.push(property);
		for (const option of (property.options ?? []) as unknown[]) {
			if (option && typeof option === 'object' && 'type' in option) out.push(...allProperties([option as INodeProperties]));
		}
	}
	return out;
}

/** { resource display name: its operations' display names }, from the Resource and Operation fields. */
function operationsByResource(description: INodeTypeDescription): Record<string, string[]> {
	const [resource] = topLevel(description, 'resource');
	const operations = topLevel(description, 'operation');
	const out: Record<string, string[]> = {};
	for (const r of optionsOf(resource)) {
		const names = operations
			.filter((op) => (op.displayOptions?.show?.resource as unknown[] | undefined)?.includes(r.value))
			.flatMap((op) => optionsOf(op).map((o) => o.name));
		out[r.name] = [...new Set(names)].sort();
	}
	return sortKeys(out);
}

// ---- the pages ----------------------------------------------------------------------------------

describe.each([
	{ page: 'docs/close-io.md', description: () => new CloseIo().description },
	{ page: 'docs/sap-open-connectors.md', description: () => new OpenConnectors().description },
])('$page', ({ page, description }) => {
	it('lists every resource with every operation, in the editor\'s display names, and nothing else', () => {
		const documented = rowsAsLists(tableWithHeader(read(page), ['Resource', 'Operations']));
		expect(documented).toEqual(operationsByResource(description()));
	});

	it('has one Operation / Inputs / Output table per resource, naming the same operations', () => {
		const expected = operationsByResource(description());
		const resources = Object.keys(expected);
		const documented: Record<string, string[]> = {};
		for (const table of tablesOf(read(page)).filter((t) => t.header.join('|') === 'Operation|Inputs|Output')) {
			// under the resource's heading, or anywhere on the page of a node with one resource
			const resource = resources.find((r) => table.heading === r) ?? (resources.length === 1 ? resources[0] : table.heading);
			expect(documented[resource]).toBeUndefined();
			documented[resource] = table.rows.map((row) => row[0]).sort();
		}
		expect(sortKeys(documented)).toEqual(expected);
	});
});

describe('docs/close-io-trigger.md', () => {
	const page = () => read('docs/close-io-trigger.md');
	const description = () => new CloseIoTrigger().description;
	/** The field of this name: the top-level one where there is one (Delivery may sit at the top
	 * level and stay in Options for saved workflows), else the one inside a collection. */
	const property = (name: string) => {
		const top = topLevel(description(), name);
		const found = top.length ? top : allProperties(description().properties).filter((p) => p.name === name);
		expect(found.length).toBeGreaterThan(0);
		return found[0];
	};
	const displayName = (name: string, value: string) => {
		const option = optionsOf(property(name)).find((o) => o.value === value);
		expect(option).toBeDefined();
		return option!.name;
	};

	/** What each mode (and webhook delivery) gives, from the selection code. */
	const closeEvents = (object: TriggerObject) => SELECTION_EVENTS.filter((event) => sourceEventType(object, event));
	// The platform's poller reads CRM-hub records and tells created from updated only
	// (classifyPolledRecord): no deletes, merges, activities, status changes or completions.
	const PLATFORM_POLLER_EVENTS: readonly SelectionEvent[] = ['created', 'updated'];
	const platformEvents = (object: TriggerObject) =>
		closeEvents(object).filter(
			(event) =>
				PLATFORM_POLLER_EVENTS.includes(event) &&
				needsCloseEvents({ objects: [object], events: [event], fromStatus: [], toStatus: [], fieldsToWatch: [] }).length === 0,
		);
	const asDocumented = (objects: readonly TriggerObject[], events: (object: TriggerObject) => SelectionEvent[]) =>
		sortKeys(
			Object.fromEntries(
				objects
					.map((object) => [displayName('objects', object), events(object).map((event) => displayName('events', event)).sort()] as const)
					.filter(([, names]) => names.length > 0),
			),
		);

	const eventTables = () => tablesOf(page()).filter((t) => t.header.join('|') === 'Object|Events');

	it('has one Object / Events table per mode and delivery, each heading naming them in the editor\'s words', () => {
		const deliveries = optionsOf(property('delivery'));
		expect(deliveries.map((d) => d.value).sort()).toEqual(['direct', 'openConnectors', 'openConnectorsPolling']);
		const tables = eventTables();
		expect(tables).toHaveLength(3);
		const polling = displayName('mode', 'polling');
		const webhook = displayName('mode', 'webhook');
		expect(tables.filter((t) => t.heading.startsWith(polling))).toHaveLength(1);
		expect(tables.filter((t) => t.heading.startsWith(webhook))).toHaveLength(2);
		// each delivery is named by exactly one table's heading
		for (const delivery of deliveries) expect(tables.filter((t) => t.heading.includes(delivery.name))).toHaveLength(1);
	});

	it('gives, per object, exactly the events Polling mode delivers', () => {
		const table = eventTables().find((t) => t.heading.startsWith(displayName('mode', 'polling')))!;
		expect(rowsAsLists(table)).toEqual(asDocumented(SELECTION_OBJECTS, closeEvents));
	});

	it('gives, per object, exactly the events the Close webhook deliveries deliver', () => {
		const via = displayName('delivery', 'openConnectors');
		const direct = displayName('delivery', 'direct');
		const table = eventTables().find((t) => t.heading.includes(via))!;
		expect(table.heading).toContain(direct);
		expect(rowsAsLists(table)).toEqual(asDocumented(SELECTION_OBJECTS, closeEvents));
	});

	it('gives, per object, exactly the events the platform-polling delivery delivers', () => {
		const table = eventTables().find((t) => t.heading.includes(displayName('delivery', 'openConnectorsPolling')))!;
		expect(rowsAsLists(table)).toEqual(asDocumented(SELECTION_OBJECTS.filter(isRecordObject), platformEvents));
	});

	it('lists every option (Delivery wherever it sits) with the mode it shows in', () => {
		const options = optionsOf(property('options')) as unknown as INodeProperties[];
		const modeOf = (p: INodeProperties) => {
			const show = p.displayOptions?.show ?? {};
			const modes = (show['/mode'] ?? show.mode) as string[] | undefined;
			if (!modes) return 'both';
			expect(modes).toHaveLength(1);
			return modes[0] === 'polling' ? 'Polling' : 'Webhook';
		};
		const inOptions = options.filter((p) => p.name !== 'delivery');
		// One option can be declared several times (one per display condition, e.g. Query Date
		// Pattern for Polling and for the platform's poller): its row names every mode it shows in.
		const modes = new Map<string, Set<string>>();
		for (const p of [...inOptions, property('delivery')]) {
			const m = modes.get(p.displayName) ?? new Set<string>();
			m.add(modeOf(p));
			modes.set(p.displayName, m);
		}
		const expected = sortKeys(
			Object.fromEntries([...modes].map(([name, m]) => [name, m.size === 1 ? [...m][0] : 'both'])),
		);
		const table = tableWithHeader(page(), ['Option', 'Mode', 'What it does']);
		expect(sortKeys(Object.fromEntries(table.rows.map((row) => [row[0], row[1]])))).toEqual(expected);
	});
});

describe('docs/credentials.md', () => {
	it('lists every field of the credential, in the editor\'s display names, and nothing else', () => {
		const table = tableWithHeader(read('docs/credentials.md'), ['Field', 'What to enter', 'Where to find it']);
		expect(table.rows.map((row) => row[0]).sort()).toEqual(new OpenConnectorsApi().properties.map((p) => p.displayName).sort());
	});
});

// ---- examples and links -------------------------------------------------------------------------

const USER_PAGES = ['README.md', ...fs.readdirSync(path.join(REPO, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const ALL_PAGES = [
	...USER_PAGES,
	...fs
		.readdirSync(path.join(REPO, 'docs', 'maintainers'))
		.filter((f) => f.endsWith('.md'))
		.map((f) => `docs/maintainers/${f}`),
];

/** Relative link targets of a page (outside code), as written. */
function linksOf(markdown: string): string[] {
	const out: string[] = [];
	for (const line of proseLines(markdown)) {
		for (const match of line.matchAll(/\]\(([^)\s]+)\)/g)) {
			const target = match[1];
			if (!/^[a-z][a-z0-9+.-]*:/i.test(target)) out.push(target);
		}
	}
	return out;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
const githubSlug = (heading: string) =>
	heading
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{N}\s_-]/gu, '')
		.replace(/\s/g, '-');
const anchorsOf = (markdown: string) =>
	proseLines(markdown)
		.filter((line) => /^#{1,6}\s/.test(line))
		.map((line) => githubSlug(line.replace(/^#+/, '')));

describe('example workflows', () => {
	it('every file in examples/ is listed on a user page, and every listed example exists', () => {
		const listed = new Set<string>();
		for (const page of USER_PAGES) {
			for (const target of linksOf(read(page))) {
				const resolved = path.relative(REPO, path.resolve(REPO, path.dirname(page), target.split('#')[0]));
				if (/^examples\/.+\.json$/.test(resolved)) {
					expect(fs.existsSync(path.join(REPO, resolved))).toBe(true);
					listed.add(path.basename(resolved));
				}
			}
		}
		const files = fs.readdirSync(path.join(REPO, 'examples')).filter((f) => f.endsWith('.json'));
		expect([...listed].sort()).toEqual(files.sort());
	});
});

describe.each(ALL_PAGES)('links of %s', (page) => {
	it('point at files that exist, and at headings that exist', () => {
		const markdown = read(page);
		const broken: string[] = [];
		for (const target of linksOf(markdown)) {
			const [file, anchor] = target.split('#');
			const resolved = file === '' ? path.join(REPO, page) : path.resolve(REPO, path.dirname(page), file);
			if (!fs.existsSync(resolved)) {
				broken.push(target);
				continue;
			}
			if (anchor !== undefined && resolved.endsWith('.md') && !anchorsOf(fs.readFileSync(resolved, 'utf8')).includes(anchor)) {
				broken.push(target);
			}
		}
		expect(broken).toEqual([]);
	});
});

it('the README keeps the two set-up commands maintainers (and .ci/run) rely on', () => {
	const readme = read('README.md');
	expect(readme).toContain('npm install && npm start');
	expect(readme).toMatch(/^npm test\b/m);
});

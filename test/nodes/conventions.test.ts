// n8n's conventions that eslint-plugin-n8n-nodes-base cannot see here: its Simplify rules look for a
// parameter named `simple` (ours is `simplify`, a contract name), and no rule checks collection
// placeholders ("Add Option", "Add Field", "Add Filter").
import type { INodeProperties, INodeType } from 'n8n-workflow';

import { CloseIo } from '../../nodes/CloseIo/CloseIo.node';
import { CloseIoTrigger } from '../../nodes/CloseIoTrigger/CloseIoTrigger.node';
import { OpenConnectors } from '../../nodes/OpenConnectors/OpenConnectors.node';

function walk(properties: readonly unknown[], out: INodeProperties[] = []): INodeProperties[] {
	for (const p of properties) {
		const prop = p as INodeProperties & { values?: unknown[] };
		if (!prop || typeof prop !== 'object') continue;
		if ('type' in prop && 'name' in prop) out.push(prop);
		if (Array.isArray(prop.options)) walk(prop.options, out);
		if (Array.isArray(prop.values)) walk(prop.values, out);
	}
	return out;
}

describe.each([
	['Close.io', new CloseIo()],
	['Close.io Trigger', new CloseIoTrigger()],
	['SAP Open Connectors', new OpenConnectors()],
] as Array<[string, INodeType]>)('%s', (_name, node) => {
	const all = walk(node.description.properties);

	it('collections say "Add <Thing>" in Title Case', () => {
		for (const p of all.filter((x) => x.type === 'collection' || x.type === 'fixedCollection')) {
			expect([p.name, p.placeholder]).toEqual([p.name, expect.stringMatching(/^Add( [A-Z][A-Za-z]*)+$/)]);
		}
	});

	it("Simplify uses n8n's standard text", () => {
		for (const p of all.filter((x) => x.name === 'simplify')) {
			expect(p.displayName).toBe('Simplify');
			expect(p.description).toBe('Whether to return a simplified version of the response instead of the raw data');
		}
	});
});

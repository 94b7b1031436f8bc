// Lead > Create's name for the AI Agent, Opportunity Value's unit, upsert's create-path field.
import type { INodeParameters } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { CloseIo } from '../../../nodes/CloseIo/CloseIo.node';
import { calls, useCloseIo } from './helpers';

jest.setTimeout(30000);

const f = useCloseIo();
const description = new CloseIo().description;
const node = { typeVersion: 1 };

function shown(name: string, parameters: INodeParameters): boolean {
	const values = NodeHelpers.getNodeParameters(description.properties, parameters, true, false, node, description)!;
	return description.properties.filter((p) => p.name === name).some((p) => NodeHelpers.displayParameterPath(values, p, '', node, description));
}

describe('Lead > Create: leadName (the AI Agent may fill it), name kept for saved workflows', () => {
	const create = { resource: 'lead', operation: 'create' };

	it('a new node shows Name (leadName), not the earlier name field', () => {
		expect(shown('leadName', create)).toBe(true);
		expect(shown('name', create)).toBe(false);
	});

	it('a workflow saved with name shows that field instead, and it survives n8n\'s load', () => {
		expect(shown('name', { ...create, name: 'Acme' })).toBe(true);
		expect(shown('leadName', { ...create, name: 'Acme' })).toBe(false);
		const loaded = NodeHelpers.getNodeParameters(description.properties, { ...create, name: 'Acme' }, true, false, node, description)!;
		expect(loaded.name).toBe('Acme');
	});

	it('creates with leadName, and with a saved name', async () => {
		expect(await f.ok({ ...create, leadName: 'From Lead Name' })).toEqual([expect.objectContaining({ name: 'From Lead Name' })]);
		expect(await f.ok({ ...create, name: 'From Saved Name' })).toEqual([expect.objectContaining({ name: 'From Saved Name' })]);
		const empty = await f.run({ ...create, leadName: '' });
		expect(empty.error?.message).toBe('Missing required field: Name');
		expect(calls(empty)).toEqual([]);
	});
});

describe('Opportunity Value', () => {
	it('says its unit (cents) in the label and hint; the stored number still means cents', async () => {
		const values = description.properties
			.flatMap((p) => (p.type === 'collection' && p.displayOptions?.show?.resource?.includes('opportunity') ? (p.options as Array<{ name: string; displayName: string; hint?: string }>) : []))
			.filter((o) => o.name === 'value');
		expect(values.length).toBeGreaterThan(0);
		for (const v of values) {
			expect(v.displayName).toBe('Value (in Cents)');
			expect(v.hint).toMatch(/12345 means 123\.45/);
		}
	});
});

describe('Lead > Upsert: Name (When Creating)', () => {
	it('is shown when matching by email or URL (the create path then needs a name), not by name', () => {
		const upsert = { resource: 'lead', operation: 'upsert' };
		expect(shown('createName', { ...upsert, matchBy: 'email' })).toBe(true);
		expect(shown('createName', { ...upsert, matchBy: 'url' })).toBe(true);
		expect(shown('createName', { ...upsert, matchBy: 'name' })).toBe(false);
	});
});

// Contact, opportunity, task and note ids as resource locators, and Get Many's Lead filters: the
// editor's lists come from Close; a workflow saved with a plain id string reads the same.
import type { ILoadOptionsFunctions, INodeProperties } from 'n8n-workflow';

import { CloseIo } from '../../../nodes/CloseIo/CloseIo.node';
import { fakeLoadOptionsContext } from '../../helpers/fakeContext';
import { byId, byUrl, fromList } from '../../helpers/runOpenConnectors';
import { calls, useCloseIo } from './helpers';

jest.setTimeout(30000);

const f = useCloseIo();
const node = new CloseIo();

const idParams = [
	['contact', 'contactId', 'searchContacts'],
	['opportunity', 'opportunityId', 'searchOpportunities'],
	['task', 'taskId', 'searchTasks'],
	['note', 'noteId', 'searchNotes'],
] as const;

describe('record locators', () => {
	it.each(idParams)('%s: %s is a locator (From List via %s, By ID) on get, update and delete', (resource, name, method) => {
		const defs = node.description.properties.filter((p) => p.name === name && p.displayOptions?.show?.resource?.includes(resource));
		const operations = defs.flatMap((p) => (p.displayOptions?.show?.operation ?? []) as string[]).sort();
		expect(operations).toEqual(expect.arrayContaining(['delete', 'get', 'update']));
		for (const def of defs) {
			expect(def.type).toBe('resourceLocator');
			expect(def.modes?.map((m) => m.name)).toEqual(['list', 'id']);
			expect(def.modes?.[0].typeOptions?.searchListMethod).toBe(method);
		}
		expect(typeof (node.methods.listSearch as Record<string, unknown>)[method]).toBe('function');
	});

	it('reads a locator from the list, by id, and a plain id string saved before', async () => {
		const lead = f.sandbox.admin.create('lead', { name: 'Acme' });
		const contact = f.sandbox.admin.create('contact', { lead_id: lead.id, name: 'Jane Doe' });
		for (const contactId of [fromList(contact.id as string), byId(contact.id as string), contact.id as string]) {
			expect(await f.ok({ resource: 'contact', operation: 'get', contactId })).toEqual([expect.objectContaining({ id: contact.id, name: 'Jane Doe' })]);
		}
		const task = f.sandbox.admin.create('task', { lead_id: lead.id, text: 'Call back' });
		const [updated] = await f.ok({ resource: 'task', operation: 'update', taskId: fromList(task.id as string), updateFields: { text: 'Call back today' } });
		expect(updated).toMatchObject({ id: task.id, text: 'Call back today' });
	});

	it('an empty locator fails naming the field, before any request', async () => {
		const result = await f.run({ resource: 'opportunity', operation: 'get', opportunityId: fromList('') });
		expect(result.error?.message).toBe('Missing required field: Opportunity');
		expect(calls(result)).toEqual([]);
	});
});

describe("Get Many's Lead filter", () => {
	it.each([['contact'], ['opportunity'], ['task']] as const)('%s: a lead locator in Filters', (resource) => {
		const filters = node.description.properties.find(
			(p) => p.name === 'filters' && p.displayOptions?.show?.resource?.includes(resource) && p.displayOptions?.show?.operation?.includes('getAll'),
		);
		const lead = (filters?.options as INodeProperties[]).find((o) => o.name === 'leadId');
		expect(lead?.type).toBe('resourceLocator');
		expect(lead?.modes?.map((m) => m.name)).toEqual(['list', 'id', 'url']);
	});

	it('filters by the lead from the list, by id, by Close URL, and by a plain string saved before; empty = no filter', async () => {
		const a = f.sandbox.admin;
		const acme = a.create('lead', { name: 'Acme' });
		const other = a.create('lead', { name: 'Other' });
		const mine = a.create('contact', { lead_id: acme.id, name: 'Jane' });
		a.create('contact', { lead_id: other.id, name: 'John' });
		const url = `https://app.close.com/lead/${acme.id as string}/`;
		for (const leadId of [fromList(acme.id as string), byId(acme.id as string), byUrl(url), acme.id as string, url]) {
			const found = await f.ok({ resource: 'contact', operation: 'getAll', returnAll: true, filters: { leadId } });
			expect(found.map((c) => c.id)).toEqual([mine.id]);
		}
		expect(await f.ok({ resource: 'contact', operation: 'getAll', returnAll: true, filters: { leadId: fromList('') } })).toHaveLength(2);
	});
});

describe('editor lists of contacts, opportunities, tasks and notes', () => {
	const ctx = () => fakeLoadOptionsContext({ nodeType: node, credentials: { openConnectorsApi: f.credentials } }) as ILoadOptionsFunctions;

	it('list the records from Close with readable names, narrowed by the text typed', async () => {
		const a = f.sandbox.admin;
		const lead = a.create('lead', { name: 'Acme' });
		const jane = a.create('contact', { lead_id: lead.id, name: 'Jane Doe', emails: [{ email: 'jane@acme.test', type: 'office' }] });
		const john = a.create('contact', { lead_id: lead.id, name: 'John Roe' });
		const task = a.create('task', { lead_id: lead.id, text: 'Send the quote' });
		const note = a.create('note', { lead_id: lead.id, note: 'Met at the fair' });
		const opp = a.create('opportunity', { lead_id: lead.id, note: 'Rockets', value: 50000 });

		const contacts = await node.methods.listSearch.searchContacts.call(ctx());
		expect(contacts.results).toEqual(
			expect.arrayContaining([
				{ name: 'Jane Doe <jane@acme.test>', value: jane.id },
				{ name: 'John Roe', value: john.id },
			]),
		);
		expect((await node.methods.listSearch.searchContacts.call(ctx(), 'jane')).results).toEqual([{ name: 'Jane Doe <jane@acme.test>', value: jane.id }]);
		// "(lead name)" follows when Close's record carries lead_name
		const named = (text: string) => expect.stringMatching(new RegExp(`^${text}( \\(Acme\\))?$`));
		expect((await node.methods.listSearch.searchTasks.call(ctx())).results).toEqual([{ name: named('Send the quote'), value: task.id }]);
		expect((await node.methods.listSearch.searchNotes.call(ctx(), 'fair')).results).toEqual([{ name: named('Met at the fair'), value: note.id }]);
		expect((await node.methods.listSearch.searchNotes.call(ctx(), 'nothing like it')).results).toEqual([]);
		const opps = (await node.methods.listSearch.searchOpportunities.call(ctx())).results;
		expect(opps.map((o) => o.value)).toEqual([opp.id]);
		expect(opps[0].name).toMatch(/Rockets/);
	});

	it('pages through Close with a pagination token', async () => {
		const a = f.sandbox.admin;
		const lead = a.create('lead', { name: 'Acme' });
		for (let i = 0; i < 130; i++) a.create('task', { lead_id: lead.id, text: `Task ${i}` });
		const first = await node.methods.listSearch.searchTasks.call(ctx());
		expect(first.results).toHaveLength(100);
		expect(first.paginationToken).toBe('100');
		const second = await node.methods.listSearch.searchTasks.call(ctx(), undefined, first.paginationToken as string);
		expect(second.results).toHaveLength(30);
		expect(second.paginationToken).toBeUndefined();
		expect(new Set([...first.results, ...second.results].map((r) => r.value)).size).toBe(130);
	});
});

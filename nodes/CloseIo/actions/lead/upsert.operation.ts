import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { RecordsClient } from '../../../../lib/records/recordsClient';
import type { LeadMatchBy } from '../../../../lib/records/upsert';
import { MAX_MATCHES, decideUpsert, exactLeadMatches, leadMatchSearch } from '../../../../lib/records/upsert';
import { customFieldsProperty, fail, leadOutput, readCustomFields, readString, showFor, simplifyProperty, matchByProperties } from '../common';
import { leadBody, leadFieldsCollection } from './fields';

const show = showFor('lead', ['upsert']);

export const description: INodeProperties[] = [
	...matchByProperties('lead', show, [
		{ name: 'Contact Email', value: 'email', description: 'A lead one of whose contacts has this email' },
		{ name: 'Name', value: 'name', description: 'A lead with exactly this name (case-insensitive)' },
		{ name: 'URL', value: 'url', description: "A lead with this website URL" },
	]),
	{
		displayName: 'Name (When Creating)',
		name: 'createName',
		type: 'string',
		// Not `required`: an upsert that always finds its lead needs no name, and a saved one must not
		// turn invalid; the hint says when it is needed, the error names it.
		default: '',
		displayOptions: { show: { resource: ['lead'], operation: ['upsert'], matchBy: ['email', 'url'] } },
		hint: 'Close needs a name to create the lead when none matches',
		description: 'The new lead\'s name when no lead matches. Lead Fields > Name, when set, takes its place.',
	},
	leadFieldsCollection('fields', 'Lead Fields', show, true),
	customFieldsProperty('lead', show),
	simplifyProperty(['upsert']),
];

export async function execute(this: IExecuteFunctions, records: RecordsClient, itemIndex: number): Promise<IDataObject[]> {
	const matchBy = this.getNodeParameter('matchBy', itemIndex, 'email') as LeadMatchBy;
	const value = readString(this, 'matchValue', itemIndex, 'Value to Match');
	const body = { ...leadBody(this.getNodeParameter('fields', itemIndex, {}) as IDataObject), ...readCustomFields(this, itemIndex) };
	const createName = String(this.getNodeParameter('createName', itemIndex, '') ?? '').trim();

	// Matched again on every attempt: a retried item finds the lead its first attempt created.
	const hits = await records.searchAll(leadMatchSearch(matchBy, value), MAX_MATCHES);
	const decision = decideUpsert('lead', matchBy === 'email' ? 'contact email' : matchBy, exactLeadMatches(matchBy, value, hits));

	if (decision.action === 'update') {
		const lead = Object.keys(body).length ? await records.update('lead', decision.id, body) : await records.get('lead', decision.id);
		return leadOutput(this, itemIndex, [lead]);
	}
	const create: IDataObject = { ...body };
	if (matchBy === 'name') create.name ??= value;
	if (createName !== '') create.name ??= createName;
	if (matchBy === 'url') create.url = value;
	if (create.name === undefined) {
		fail(
			this,
			'Upsert: no lead matched, and Name (When Creating) is needed to create one',
			itemIndex,
			'Set Name (When Creating) (or Lead Fields > Name): Close needs a name to create the lead. Nothing was changed.',
		);
	}
	// The new lead carries the matched email on a contact, so the next upsert by that email finds it.
	if (matchBy === 'email') create.contacts = [{ emails: [{ email: value, type: 'office' }] }];
	return leadOutput(this, itemIndex, [await records.create('lead', create)]);
}

import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { RecordsClient } from '../../../../lib/records/recordsClient';
import type { ContactMatchBy } from '../../../../lib/records/upsert';
import { MAX_MATCHES, contactMatchSearch, decideUpsert, exactContactMatches } from '../../../../lib/records/upsert';
import { customFieldsProperty, leadLocator, readCustomFields, readLeadId, readString, showFor, matchByProperties } from '../common';
import { contactBody, contactFieldsCollection } from './fields';

const show = showFor('contact', ['upsert']);

export const description: INodeProperties[] = [
	...matchByProperties('contact', show, [
		{ name: 'Email', value: 'email' },
		{ name: 'Phone', value: 'phone', description: 'Compared by digits: +1 (415) 555-0100 matches 14155550100' },
	]),
	leadLocator('leadId', 'Lead (When Creating)', show, false, 'The lead a new contact is created on; empty: Close creates a lead for it'),
	contactFieldsCollection('fields', 'Contact Fields', show),
	customFieldsProperty('contact', show),
];

export async function execute(this: IExecuteFunctions, records: RecordsClient, itemIndex: number): Promise<IDataObject[]> {
	const matchBy = this.getNodeParameter('matchBy', itemIndex, 'email') as ContactMatchBy;
	const value = readString(this, 'matchValue', itemIndex, 'Value to Match');
	const fields = this.getNodeParameter('fields', itemIndex, {}) as IDataObject;
	const body: IDataObject = { ...contactBody(fields), ...readCustomFields(this, itemIndex) };

	// Matched again on every attempt: a retried item finds the contact its first attempt created.
	const hits = await records.searchAll(contactMatchSearch(matchBy, value), MAX_MATCHES);
	const decision = decideUpsert('contact', matchBy, exactContactMatches(matchBy, value, hits));
	if (decision.action === 'update') {
		const contact = Object.keys(body).length ? await records.update('contact', decision.id, body) : await records.get('contact', decision.id);
		return [contact] as IDataObject[];
	}
	const create: IDataObject = { ...body };
	const key = matchBy === 'email' ? 'emails' : 'phones';
	const list = (Array.isArray(create[key]) ? create[key] : []) as IDataObject[];
	// The new contact carries the matched value, so the next upsert finds it.
	const has = list.some((entry) => String(entry[matchBy] ?? '').toLowerCase() === value.toLowerCase());
	if (!has) create[key] = [{ [matchBy]: value, type: 'office' }, ...list];
	const leadId = readLeadId(this, 'leadId', itemIndex, true);
	if (leadId) create.lead_id = leadId;
	return [await records.create('contact', create)] as IDataObject[];
}

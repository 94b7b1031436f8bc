// Lead > Get Many from a Smart View: the leads its saved query selects, read from Close.

import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { smartViewSearchBody } from '../../../../lib/records/closeActivities';
import type { CloseRecord, RecordsClient } from '../../../../lib/records/recordsClient';
import { fail, readLimit, showFor } from '../common';

export const smartViewProperty: INodeProperties = {
	displayName: 'Smart View Name or ID',
	name: 'smartViewId',
	type: 'options',
	typeOptions: { loadOptionsMethod: 'getSmartViews' },
	default: '',
	displayOptions: showFor('lead', ['getAll']),
	description:
		'The leads of this Smart View (read from Close; the Filters below then do not apply). Empty: every lead, as filtered. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
};

export async function smartViewLeads(ctx: IExecuteFunctions, records: RecordsClient, itemIndex: number, viewId: string): Promise<CloseRecord[]> {
	if (/[/?#\s]/.test(viewId)) fail(ctx, `Smart View: "${viewId}" is not a valid Close ID`, itemIndex);
	const view = await records.callClose<CloseRecord>({ method: 'GET', path: `/saved_search/${encodeURIComponent(viewId)}/` });
	const limit = readLimit(ctx, itemIndex) ?? Number.MAX_SAFE_INTEGER;
	const leads: CloseRecord[] = [];
	let cursor: string | undefined;
	for (let page = 0; page < 100000 && leads.length < limit; page++) {
		const result = await records.search(smartViewSearchBody(view, Math.min(200, limit - leads.length), cursor));
		// The search answers ids; each lead is read whole, as Get Many returns it otherwise.
		for (const hit of result.data) {
			if (leads.length >= limit) break;
			leads.push(await records.getLeadDirect(String(hit.id)));
		}
		if (!result.cursor || result.cursor === cursor || result.data.length === 0) break;
		cursor = result.cursor;
	}
	return leads;
}

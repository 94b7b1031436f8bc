import { customFieldsBody, leadIdFrom, listOf } from '../../../lib/records/fields';
import { RecordsClient } from '../../../lib/records/recordsClient';
import type { HttpRequest, HttpResponse } from '../../../lib/clients/http';
import { simplifyLead } from '../../../lib/records/simplify';
import { UpsertConflictError, decideUpsert, exactContactMatches, exactLeadMatches, leadMatchSearch } from '../../../lib/records/upsert';
import { buildWhere, closeDate } from '../../../lib/records/where';

describe('customFieldsBody', () => {
	it('writes custom.cf_<id>; empty clears; a JSON array is a list; a repeated or malformed id is an error', () => {
		expect(customFieldsBody([
			{ fieldId: 'cf_a1', value: 'x' },
			{ fieldId: 'custom.cf_b2', value: '' },
			{ fieldId: 'cf_c3', value: '["IT", "Cars"]' },
			{ fieldId: 'cf_d4', value: '[not json' },
		])).toEqual({ 'custom.cf_a1': 'x', 'custom.cf_b2': null, 'custom.cf_c3': ['IT', 'Cars'], 'custom.cf_d4': '[not json' });
		expect(() => customFieldsBody([{ fieldId: 'cf_a', value: 1 }, { fieldId: 'custom.cf_a', value: 2 }])).toThrow(/cf_a is given twice/);
		expect(() => customFieldsBody([{ fieldId: 'Industry', value: 1 }])).toThrow(/"Industry" is not a custom field ID/);
	});
});

describe('leadIdFrom', () => {
	it.each([
		['lead_abc123', 'lead_abc123'],
		[' https://app.close.com/lead/lead_abc123/ ', 'lead_abc123'],
		['https://app.close.com/lead/lead_abc123/activity/?x=1', 'lead_abc123'],
		['http://app.close.io/lead/lead_XYZ', 'lead_XYZ'],
	])('%s -> %s', (input, id) => expect(leadIdFrom(input)).toBe(id));

	it.each([
		['', /choose a lead/],
		['cont_abc', /not a lead ID/],
		['https://app.close.com/contact/cont_1/', /not a Close lead URL/],
	])('%s is refused', (input, message) => expect(() => leadIdFrom(input)).toThrow(message));
	it('listOf splits and trims', () => expect(listOf(' a@x.com, ,b@y.com ')).toEqual(['a@x.com', 'b@y.com']));
});

describe('upsert decision and exact matching', () => {
	it('0 -> create, 1 -> update, several -> error naming the ids', () => {
		expect(decideUpsert('lead', 'name', [])).toEqual({ action: 'create' });
		expect(decideUpsert('lead', 'name', [{ id: 'lead_1' }, { id: 'lead_1' }])).toEqual({ action: 'update', id: 'lead_1' });
		let error: UpsertConflictError | undefined;
		try {
			decideUpsert('contact', 'email', [{ id: 'cont_1' }, { id: 'cont_2' }]);
		} catch (e) {
			error = e as UpsertConflictError;
		}
		expect(error).toBeInstanceOf(UpsertConflictError);
		expect(error!.ids).toEqual(['cont_1', 'cont_2']);
		expect(error!.message).toMatch(/2 contacts match this email \(cont_1, cont_2\); nothing was changed/);
	});

	it('a search hit counts only when the value is exactly the one asked for', () => {
		const leads = [
			{ id: 'lead_1', name: 'Acme', url: 'https://acme.example/', contacts: [{ emails: [{ email: 'Jane@Acme.example' }] }] },
			{ id: 'lead_2', name: 'Acme Corp', url: 'acme.example.org', contacts: [{ emails: [{ email: 'xjane@acme.example' }] }] },
		];
		expect(exactLeadMatches('email', 'jane@acme.example', leads).map((l) => l.id)).toEqual(['lead_1']);
		expect(exactLeadMatches('name', ' acme ', leads).map((l) => l.id)).toEqual(['lead_1']);
		expect(exactLeadMatches('url', 'http://www.acme.example', leads).map((l) => l.id)).toEqual(['lead_1']);
		const contacts = [{ id: 'c1', phones: [{ phone: '+1 (415) 555-0100' }] }, { id: 'c2', phones: [{ phone: '415 555 0100 9' }] }];
		expect(exactContactMatches('phone', '14155550100', contacts).map((c) => c.id)).toEqual(['c1']);
	});

	it('the lead-by-email search asks Close for leads with a contact having that email', () => {
		expect(leadMatchSearch('email', 'a@b.c')).toEqual({
			query: {
				type: 'and',
				queries: [
					{ type: 'object_type', object_type: 'lead' },
					{
						type: 'has_related',
						this_object_type: 'lead',
						related_object_type: 'contact',
						related_query: {
							type: 'has_related',
							this_object_type: 'contact',
							related_object_type: 'contact_email',
							related_query: {
								type: 'field_condition',
								field: { type: 'regular_field', object_type: 'contact_email', field_name: 'email' },
								condition: { type: 'text', mode: 'phrase', value: 'a@b.c' },
							},
						},
					},
				],
			},
			_fields: { lead: ['id', 'name', 'display_name', 'url', 'contacts'] },
			_limit: 25,
		});
		expect(() => leadMatchSearch('email', '  ')).toThrow(/value to match by \(email\) is empty/);
	});
});

describe('where and dates', () => {
	it('joins UI clauses with AND, quotes strings, wraps the raw clause only when it has an OR', () => {
		expect(buildWhere([{ field: 'name', value: "O'Hara" }, { field: 'is_complete', value: false }])).toBe("name = 'O''Hara' AND is_complete = false");
		expect(buildWhere([], "a = 'b' OR c = 'd'")).toBe("a = 'b' OR c = 'd'");
		expect(buildWhere([{ field: 'x', value: '' }], ' ')).toBeUndefined();
		// AND of ANDs needs no parentheses (the closeio seed's form has none); an OR does.
		expect(buildWhere([{ field: 'date_updated', operator: '>', value: 't' }], 'y = 1')).toBe("date_updated > 't' AND y = 1");
		expect(buildWhere([{ field: 'n', value: 'a' }], "x = 1 or y = 2")).toBe("n = 'a' AND (x = 1 or y = 2)");
		// An OR inside a string literal is a value, not a combinator.
		expect(buildWhere([{ field: 'n', value: 'a' }], "name = 'Tom OR Jerry' AND x = 'it''s or'")).toBe("n = 'a' AND name = 'Tom OR Jerry' AND x = 'it''s or'");
		expect(buildWhere([{ field: 'n', value: 'a' }], 'color_ORANGE = 1 AND ORDER_x = 2')).toBe("n = 'a' AND color_ORANGE = 1 AND ORDER_x = 2");
	});
	it('closeDate writes Close’s six-digit UTC form', () => {
		expect(closeDate('2024-05-01T10:00:00')).toBe('2024-05-01T10:00:00.000000+00:00');
		expect(closeDate('2024-05-01T12:00:00.123+02:00')).toBe('2024-05-01T10:00:00.123000+00:00');
		expect(() => closeDate('soon')).toThrow(/"soon" is not a date/);
	});
});

describe('simplifyLead', () => {
	it('keeps the main fields, summarizes contacts, counts the rest, folds custom values', () => {
		expect(simplifyLead({
			id: 'lead_1', name: 'A', display_name: 'A', status_id: 's', status_label: 'L', url: null, description: '', date_created: 'c', date_updated: 'u',
			organization_id: 'o', addresses: [{ city: 'x' }],
			contacts: [{ id: 'c1', name: 'N', title: 'T', emails: [{ email: 'e', type: 'office' }], phones: [{ phone: 'p' }], extra: 1 }],
			opportunities: [{}, {}], tasks: [{}], custom: { cf_1: 'v' }, 'custom.cf_2': 'w',
		})).toEqual({
			id: 'lead_1', name: 'A', display_name: 'A', status_id: 's', status_label: 'L', url: null, description: '', date_created: 'c', date_updated: 'u',
			contacts: [{ id: 'c1', name: 'N', title: 'T', emails: ['e'], phones: ['p'] }], opportunityCount: 2, taskCount: 1, custom: { cf_1: 'v', cf_2: 'w' },
		});
	});
});

describe('RecordsClient.pages', () => {
	function hub(total: number, withCount: boolean) {
		const seen: HttpRequest[] = [];
		const request = async (req: HttpRequest): Promise<HttpResponse> => {
			seen.push(req);
			const size = Number(req.qs?.pageSize);
			const offset = req.qs?.nextPage ? Number(req.qs.nextPage) : 0;
			const body = Array.from({ length: Math.max(0, Math.min(size, total - offset)) }, (_, i) => ({ id: `lead_${offset + i}` }));
			const headers: Record<string, string> = { 'elements-next-page-token': String(offset + size) };
			if (withCount && req.qs?.returnCount) headers['elements-total-count'] = String(total);
			return { statusCode: 200, headers, body };
		};
		return { seen, client: new RecordsClient(request, { ocBaseUrl: 'https://oc', closeBaseUrl: 'https://close', elementToken: 't' }) };
	}

	it('with the total count: exactly ceil(N / pageSize) requests', async () => {
		const { seen, client } = hub(1000, true);
		expect(await client.list('lead', { pageSize: 200 })).toHaveLength(1000);
		expect(seen).toHaveLength(5);
		expect(seen[0].elementToken).toBe('t');
		expect(seen.map((r) => r.qs?.nextPage)).toEqual([undefined, '200', '400', '600', '800']);
	});

	it('without it: walks to the empty page; a limit asks only for what is left', async () => {
		const { seen, client } = hub(450, false);
		expect(await client.list('lead', { pageSize: 200 })).toHaveLength(450);
		expect(seen).toHaveLength(4);
		const limited = hub(450, false);
		expect(await limited.client.list('lead', { pageSize: 200, limit: 250 })).toHaveLength(250);
		expect(limited.seen.map((r) => r.qs?.pageSize)).toEqual([200, 50]);
	});

	it('Return All asks for the next page before handing out this one; a Limit does not ask ahead', async () => {
		const { seen, client } = hub(450, true);
		const requestsAtPage: number[] = [];
		for await (const page of client.pages('lead', { pageSize: 200 })) {
			if (page[0].id === 'lead_0' || page[0].id === 'lead_200') requestsAtPage.push(seen.length);
		}
		expect(requestsAtPage).toEqual([2, 3]);
		expect(seen).toHaveLength(3);
		const limited = hub(450, true);
		for await (const page of limited.client.pages('lead', { pageSize: 200, limit: 300 })) {
			if (page[0].id === 'lead_0') expect(limited.seen).toHaveLength(1);
		}
		expect(limited.seen).toHaveLength(2);
	});

	it('a caller that stops early leaves the page asked ahead unread, and its failure raises no unhandled rejection', async () => {
		let calls = 0;
		const request = async (req: HttpRequest): Promise<HttpResponse> => {
			calls++;
			if (req.qs?.nextPage) throw new Error('the page asked ahead failed');
			return { statusCode: 200, headers: { 'elements-next-page-token': '2' }, body: [{ id: 'lead_0' }, { id: 'lead_1' }] };
		};
		const client = new RecordsClient(request, { ocBaseUrl: 'https://oc', closeBaseUrl: 'https://close', elementToken: 't' });
		const unhandled: unknown[] = [];
		const onUnhandled = (reason: unknown) => unhandled.push(reason);
		process.on('unhandledRejection', onUnhandled);
		try {
			for await (const page of client.pages('lead', { pageSize: 2 })) if (page[0].id === 'lead_0') break;
			await new Promise((resolve) => setImmediate(resolve));
		} finally {
			process.off('unhandledRejection', onUnhandled);
		}
		expect(calls).toBe(2);
		expect(unhandled).toEqual([]);
	});
});

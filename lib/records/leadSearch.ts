// The Close search behind the editor's lead list: every lead (newest first) or those with a
// word of their name starting with the text typed, a page at a time.

export const LEAD_LIST_PAGE = 50;

export function leadSearchBody(filter?: string, cursor?: string): Record<string, unknown> {
	const queries: Array<Record<string, unknown>> = [{ type: 'object_type', object_type: 'lead' }];
	const text = (filter ?? '').trim();
	if (text) {
		queries.push({
			type: 'field_condition',
			field: { type: 'regular_field', object_type: 'lead', field_name: 'name' },
			condition: { type: 'text', mode: 'beginning_of_words', value: text },
		});
	}
	const body: Record<string, unknown> = {
		query: { type: 'and', queries },
		_fields: { lead: ['id', 'display_name', 'name'] },
		_limit: LEAD_LIST_PAGE,
	};
	if (cursor) body.cursor = cursor;
	return body;
}

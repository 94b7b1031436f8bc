// Fields to Watch: the names Close writes in an update event's `changed_fields`, offered as a list
// (standard fields per object, plus the organization's custom fields as `custom.<id>`), so nobody
// has to type `custom.cf_...` by hand. One option per field name: Close filters on the name alone,
// whatever the object, so `name` watched for leads and contacts is one entry.

export type WatchableObject = 'lead' | 'contact' | 'opportunity' | 'task';

export const WATCHABLE_OBJECTS: readonly WatchableObject[] = ['lead', 'contact', 'opportunity', 'task'];

/** Standard fields of Close's objects, as they appear in `changed_fields`. */
export const STANDARD_FIELDS: Record<WatchableObject, ReadonlyArray<{ field: string; label: string }>> = {
	lead: [
		{ field: 'name', label: 'Name' },
		{ field: 'status_id', label: 'Status' },
		{ field: 'description', label: 'Description' },
		{ field: 'url', label: 'URL' },
		{ field: 'addresses', label: 'Addresses' },
	],
	contact: [
		{ field: 'name', label: 'Name' },
		{ field: 'title', label: 'Title' },
		{ field: 'emails', label: 'Emails' },
		{ field: 'phones', label: 'Phones' },
		{ field: 'urls', label: 'URLs' },
		{ field: 'lead_id', label: 'Lead' },
	],
	opportunity: [
		{ field: 'status_id', label: 'Status' },
		{ field: 'value', label: 'Value' },
		{ field: 'value_period', label: 'Value Period' },
		{ field: 'value_currency', label: 'Value Currency' },
		{ field: 'confidence', label: 'Confidence' },
		{ field: 'note', label: 'Note' },
		{ field: 'user_id', label: 'User' },
		{ field: 'contact_id', label: 'Contact' },
		{ field: 'date_won', label: 'Date Won' },
	],
	task: [
		{ field: 'text', label: 'Text' },
		{ field: 'date', label: 'Due Date' },
		{ field: 'is_complete', label: 'Complete' },
		{ field: 'assigned_to', label: 'Assigned To' },
	],
};

/** Objects Close has custom fields for (`GET /custom_field/<object>/`). */
export const CUSTOM_FIELD_OBJECTS: readonly WatchableObject[] = ['lead', 'contact', 'opportunity'];

export interface CustomFieldInfo {
	id: string;
	name: string;
}

export interface FieldOption {
	name: string;
	value: string;
	description: string;
}

const OBJECT_LABEL: Record<WatchableObject, string> = {
	lead: 'Lead',
	contact: 'Contact',
	opportunity: 'Opportunity',
	task: 'Task',
};

/**
 * The options for the selected objects (none selected: every object), standard fields first, then
 * custom fields, each group by name. The value is the field name Close filters on.
 */
export function watchableFieldOptions(
	objects: readonly string[],
	customFields: Partial<Record<WatchableObject, readonly CustomFieldInfo[]>>,
): FieldOption[] {
	const chosen = WATCHABLE_OBJECTS.filter((o) => objects.length === 0 || objects.includes(o));
	const byValue = new Map<string, { label: string; custom: boolean; objects: string[] }>();
	const add = (value: string, label: string, custom: boolean, object: WatchableObject) => {
		const entry = byValue.get(value) ?? { label, custom, objects: [] };
		entry.objects.push(OBJECT_LABEL[object]);
		byValue.set(value, entry);
	};
	for (const object of chosen) {
		for (const { field, label } of STANDARD_FIELDS[object]) add(field, label, false, object);
		for (const field of customFields[object] ?? []) add(`custom.${field.id}`, field.name || field.id, true, object);
	}
	const options = [...byValue.entries()].map(([value, entry]) => ({
		name: entry.custom ? `${entry.label} (Custom)` : entry.label,
		value,
		description: `${entry.objects.join(', ')}: ${value}`,
		custom: entry.custom,
	}));
	options.sort((a, b) => Number(a.custom) - Number(b.custom) || a.name.localeCompare(b.name));
	return options.map(({ name, value, description }) => ({ name, value, description }));
}

import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { activityPath, missingRequired } from '../../../../lib/records/closeActivities';
import type { RecordsClient } from '../../../../lib/records/recordsClient';
import { fail, readString } from '../common';
import { closeCall } from '../activity/fields';
import { activityIdProperty, fieldsProperty, readFieldValues, readType, statusProperty, typeProperty } from './fields';

export const description: INodeProperties[] = [
	activityIdProperty(['update']),
	typeProperty(['update'], true, 'The custom activity’s type (to list its fields).'),
	fieldsProperty(['update'], 'update'),
	statusProperty(['update'], true),
];

export async function execute(this: IExecuteFunctions, records: RecordsClient, itemIndex: number): Promise<IDataObject[]> {
	const id = readString(this, 'customActivityId', itemIndex, 'Custom Activity ID');
	const call = closeCall(records);
	const current = await call<IDataObject>({ method: 'GET', path: activityPath('custom', id) });
	const chosen = this.getNodeParameter('customActivityStatus', itemIndex, 'unchanged') as string;
	const status = chosen === 'unchanged' ? String(current.status ?? 'published') : chosen;
	const { typeId, body } = await readFieldValues(this, records, itemIndex, undefined);
	if (current.custom_activity_type_id !== typeId) {
		fail(this, `Custom activity ${id} is of type ${String(current.custom_activity_type_id)}, not ${typeId}`, itemIndex, 'Choose its type: the fields shown are that type’s');
	}
	if (status === 'published') {
		const type = await readType(records, typeId);
		const missing = missingRequired({ ...current, ...body }, type.fields);
		if (missing.length) fail(this, `Missing required field${missing.length > 1 ? 's' : ''} of "${type.name}": ${missing.join(', ')}`, itemIndex, 'Set them, or save the activity as a Draft');
	}
	const payload: IDataObject = { ...body };
	if (chosen !== 'unchanged') payload.status = chosen;
	return [await call<IDataObject>({ method: 'PUT', path: activityPath('custom', id), body: payload })];
}

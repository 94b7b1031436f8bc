import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { activityPath } from '../../../../lib/records/closeActivities';
import type { RecordsClient } from '../../../../lib/records/recordsClient';
import { deleted, readString } from '../common';
import { closeCall } from '../activity/fields';
import { activityIdProperty } from './fields';

export const description: INodeProperties[] = [activityIdProperty(['delete'])];

export async function execute(this: IExecuteFunctions, records: RecordsClient, itemIndex: number): Promise<IDataObject[]> {
	const id = readString(this, 'customActivityId', itemIndex, 'Custom Activity ID');
	await closeCall(records)({ method: 'DELETE', path: activityPath('custom', id) });
	return deleted(id);
}

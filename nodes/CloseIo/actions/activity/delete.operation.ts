import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ActivityType } from '../../../../lib/records/closeActivities';
import { activityPath } from '../../../../lib/records/closeActivities';
import type { RecordsClient } from '../../../../lib/records/recordsClient';
import { deleted, readString } from '../common';
import { activityIdProperty, closeCall } from './fields';

export const description: INodeProperties[] = [activityIdProperty(['delete'])];

export async function execute(this: IExecuteFunctions, records: RecordsClient, itemIndex: number): Promise<IDataObject[]> {
	const type = this.getNodeParameter('activityType', itemIndex) as ActivityType;
	const id = readString(this, 'activityId', itemIndex, 'Activity ID');
	await closeCall(records)({ method: 'DELETE', path: activityPath(type, id) });
	return deleted(id);
}

import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ActivityType } from '../../../../lib/records/closeActivities';
import { activityPath } from '../../../../lib/records/closeActivities';
import type { RecordsClient } from '../../../../lib/records/recordsClient';
import { readString } from '../common';
import { activityIdProperty, closeCall } from './fields';

export const description: INodeProperties[] = [activityIdProperty(['get'])];

export async function execute(this: IExecuteFunctions, records: RecordsClient, itemIndex: number): Promise<IDataObject[]> {
	const type = this.getNodeParameter('activityType', itemIndex) as ActivityType;
	const id = readString(this, 'activityId', itemIndex, 'Activity ID');
	return [await closeCall(records)<IDataObject>({ method: 'GET', path: activityPath(type, id) })];
}

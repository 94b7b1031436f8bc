import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { activityPath } from '../../../../lib/records/closeActivities';
import type { RecordsClient } from '../../../../lib/records/recordsClient';
import { readString } from '../common';
import { closeCall } from '../activity/fields';
import { activityIdProperty } from './fields';

export const description: INodeProperties[] = [activityIdProperty(['get'])];

export async function execute(this: IExecuteFunctions, records: RecordsClient, itemIndex: number): Promise<IDataObject[]> {
	const id = readString(this, 'customActivityId', itemIndex, 'Custom Activity ID');
	return [await closeCall(records)<IDataObject>({ method: 'GET', path: activityPath('custom', id) })];
}

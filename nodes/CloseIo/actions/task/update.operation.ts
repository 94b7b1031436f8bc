import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { RecordsClient } from '../../../../lib/records/recordsClient';
import { idProperty } from '../byId';
import { fail, showFor, readRecordId } from '../common';
import { taskBody, taskFieldsCollection } from './fields';

export const description: INodeProperties[] = [
	idProperty('task', ['update'], 'taskId', 'Task ID', 'task'),
	taskFieldsCollection('updateFields', 'Update Fields', showFor('task', ['update']), true),
];

export async function execute(this: IExecuteFunctions, records: RecordsClient, itemIndex: number): Promise<IDataObject[]> {
	const id = readRecordId(this, 'taskId', itemIndex, 'Task');
	const body = taskBody(this.getNodeParameter('updateFields', itemIndex, {}) as IDataObject);
	if (Object.keys(body).length === 0) fail(this, 'Nothing to update: add a field under Update Fields', itemIndex);
	return [await records.update('task', id, body)] as IDataObject[];
}

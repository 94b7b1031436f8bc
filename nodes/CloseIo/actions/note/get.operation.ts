import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { RecordsClient } from '../../../../lib/records/recordsClient';
import { readRecordId } from '../common';
import { noteIdProperty } from './fields';

export const description: INodeProperties[] = [noteIdProperty(['get'])];

export async function execute(this: IExecuteFunctions, records: RecordsClient, itemIndex: number): Promise<IDataObject[]> {
	// The hub reads notes only through their lead; Close reads one by its id.
	return [await records.getNote(readRecordId(this, 'noteId', itemIndex, 'Note'))] as IDataObject[];
}

import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { RecordsClient } from '../../../../lib/records/recordsClient';
import { deleted, readRecordId } from '../common';
import { leadOfNote, noteIdProperty } from './fields';

export const description: INodeProperties[] = [noteIdProperty(['delete'])];

export async function execute(this: IExecuteFunctions, records: RecordsClient, itemIndex: number): Promise<IDataObject[]> {
	const noteId = readRecordId(this, 'noteId', itemIndex, 'Note');
	await records.deleteNote(await leadOfNote(records, noteId), noteId);
	return deleted(noteId);
}

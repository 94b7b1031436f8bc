import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { RecordsClient } from '../../../../lib/records/recordsClient';
import { readString, showFor, readRecordId } from '../common';
import { leadOfNote, noteIdProperty } from './fields';

export const description: INodeProperties[] = [
	noteIdProperty(['update']),
	{ displayName: 'Note', name: 'note', type: 'string', required: true, default: '', typeOptions: { rows: 4 }, displayOptions: showFor('note', ['update']) },
];

export async function execute(this: IExecuteFunctions, records: RecordsClient, itemIndex: number): Promise<IDataObject[]> {
	const noteId = readRecordId(this, 'noteId', itemIndex, 'Note');
	const note = readString(this, 'note', itemIndex, 'Note');
	return [await records.updateNote(await leadOfNote(records, noteId), noteId, { note })] as IDataObject[];
}

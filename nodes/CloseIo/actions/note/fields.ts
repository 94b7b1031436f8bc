import type { INodeProperties } from 'n8n-workflow';

import type { RecordsClient } from '../../../../lib/records/recordsClient';
import { ClientError } from '../../../../lib/clients/errors';
import { recordLocator, showFor } from '../common';

export function noteIdProperty(operations: string[]): INodeProperties {
	return recordLocator('note', 'noteId', 'Note', 'acti', showFor('note', operations));
}

/** The lead a note belongs to (the hub addresses notes under their lead). */
export async function leadOfNote(records: RecordsClient, noteId: string): Promise<string> {
	const note = await records.getNote(noteId);
	if (typeof note.lead_id !== 'string' || note.lead_id === '') throw new ClientError(`Note ${noteId} belongs to no lead`);
	return note.lead_id;
}

// get and delete of a record known by its id (contacts, opportunities, tasks): the same
// description and call for each, named per resource.

import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { HubResource, RecordsClient } from '../../../lib/records/recordsClient';
import type { OperationModule, Resource } from './common';
import type { ListedObject } from '../../../lib/records/recordList';
import { deleted, readRecordId, recordLocator, showFor } from './common';

export function idProperty(resource: Resource, operations: string[], name: string, label: string, prefix: string): INodeProperties {
	return recordLocator(resource as ListedObject, name, label.replace(/ ID$/, ''), prefix, showFor(resource, operations));
}

export function getById(resource: HubResource, name: string, label: string, prefix: string): OperationModule {
	return {
		description: [idProperty(resource, ['get'], name, label, prefix)],
		async execute(this: IExecuteFunctions, records: RecordsClient, itemIndex: number): Promise<IDataObject[]> {
			return [await records.get(resource, readRecordId(this, name, itemIndex, label.replace(/ ID$/, '')))] as IDataObject[];
		},
	};
}

export function deleteById(resource: HubResource, name: string, label: string, prefix: string): OperationModule {
	return {
		description: [idProperty(resource, ['delete'], name, label, prefix)],
		async execute(this: IExecuteFunctions, records: RecordsClient, itemIndex: number): Promise<IDataObject[]> {
			const id = readRecordId(this, name, itemIndex, label.replace(/ ID$/, ''));
			await records.delete(resource, id);
			return deleted(id);
		},
	};
}

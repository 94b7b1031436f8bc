// The `instance` resource locator (a searchable list of the account's closeio instances, or an
// ID), its listSearch method, and reading its value. Shared by the action node and the trigger.

import type {
	IExecuteFunctions,
	IHookFunctions,
	ILoadOptionsFunctions,
	INodeListSearchItems,
	INodeListSearchResult,
	INodeProperties,
	IPollFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { OcInstance } from '../../lib/clients/openConnectorsClient';
import { connect } from './transport';
import { toNodeApiError } from './errors';

export const SEARCH_INSTANCES_METHOD = 'searchInstances';

/** The `instance` parameter; pass displayOptions (or anything else) to override. */
export function instanceLocatorProperty(overrides: Partial<INodeProperties> = {}): INodeProperties {
	return {
		displayName: 'Instance',
		name: 'instance',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: 'The Close.io instance on SAP Open Connectors',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select an instance...',
				typeOptions: {
					searchListMethod: SEARCH_INSTANCES_METHOD,
					searchable: true,
				},
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. 20931',
				// No `validation` regex: n8n runs it with a 250 ms wall-clock limit before every
				// execution, and on a loaded host its timeout failed executions of already-answered
				// webhook deliveries (events lost). getInstanceId() checks the value instead.
			},
		],
		...overrides,
	};
}

export function instanceLabel(instance: OcInstance): string {
	const name = typeof instance.name === 'string' && instance.name !== '' ? instance.name : 'Unnamed';
	return `${name} (#${instance.id})`;
}

/** listSearch: the account's closeio instances whose name, id or tags contain the filter. */
export async function searchInstances(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const connection = await connect(this);
	let instances: OcInstance[];
	try {
		instances = await connection.oc.listInstances({ hydrate: false });
	} catch (error) {
		throw toNodeApiError(this.getNode(), error, { secrets: connection.secrets });
	}
	const needle = (filter ?? '').trim().toLowerCase();
	const results: INodeListSearchItems[] = instances
		.filter((instance) => {
			if (!needle) return true;
			const haystack = [instance.name ?? '', String(instance.id), ...(instance.tags ?? [])]
				.join(' ')
				.toLowerCase();
			return haystack.includes(needle);
		})
		.sort((a, b) => String(a.name ?? '').localeCompare(String(b.name ?? '')) || a.id - b.id)
		.map((instance) => ({ name: instanceLabel(instance), value: String(instance.id) }));
	return { results };
}

type ParameterContext = IExecuteFunctions | IPollFunctions | IWebhookFunctions | IHookFunctions;

/**
 * The instance id of a resource-locator parameter (either mode), as a digits-only string.
 * Missing or not a number: a NodeOperationError naming the parameter, before any request.
 */
export function getInstanceId(ctx: ParameterContext, paramName = 'instance', itemIndex = 0): string {
	let raw: unknown;
	if ('getInputData' in ctx) {
		raw = (ctx as IExecuteFunctions).getNodeParameter(paramName, itemIndex, '', { extractValue: true });
	} else {
		raw = (ctx as IPollFunctions).getNodeParameter(paramName, '', { extractValue: true });
	}
	if (raw && typeof raw === 'object' && 'value' in (raw as Record<string, unknown>)) {
		raw = (raw as Record<string, unknown>).value;
	}
	const text = raw === undefined || raw === null ? '' : String(raw).trim();
	if (text === '') {
		throw new NodeOperationError(ctx.getNode(), 'Missing required parameter: Instance', {
			description: 'Choose an instance from the list or enter its ID',
			itemIndex,
		});
	}
	if (!/^[0-9]+$/.test(text)) {
		throw new NodeOperationError(ctx.getNode(), `Instance: "${text}" is not an instance ID (a number)`, {
			itemIndex,
		});
	}
	return text;
}

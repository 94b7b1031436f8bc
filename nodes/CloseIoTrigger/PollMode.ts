import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { parseInstant } from '../../lib/polling/datePattern';
import { PLATFORM_PAGE_MAX } from '../../lib/polling/dateLiterals';
import type { CloseObject, TriggerEvent } from '../../lib/items/objects';
import { DEFAULT_CLOSE_DATE_PATTERN } from '../../lib/polling/pollerConfiguration';
import type { PollSettings, PollSources, StartFrom } from '../../lib/polling';
import { readPollState, runPoll, sampleItems } from '../../lib/polling';
import { hubLister } from '../../lib/polling/hubLister';
import { itemMatchesSelection } from '../../lib/triggerEvents/selection';
import { logSourcesOf } from '../../lib/triggerEvents/logSources';
import { toNodeApiError } from '../shared/errors';
import { getInstanceId } from '../shared/instanceLocator';
import { instanceTokenRequests } from '../shared/instanceTokens';
import { OpenConnectorsClient } from '../../lib/clients/openConnectorsClient';
import { connect } from '../shared/transport';
import { readSelection, recordEventsOf, recordObjectsOf } from './selection';

type Ctx = IPollFunctions;

/** The selected record objects (hub resources); may be empty when only activities are selected. */
export function selectedObjects(ctx: Pick<Ctx, 'getNodeParameter' | 'getNode'>): CloseObject[] {
	return recordObjectsOf(readSelection(ctx));
}

export function selectedEvents(ctx: Pick<Ctx, 'getNodeParameter' | 'getNode'>): TriggerEvent[] {
	return recordEventsOf(readSelection(ctx));
}

function pollSettings(ctx: Ctx): PollSettings {
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	const mode = (options.startFrom as string) || 'now';
	let startFrom: StartFrom = { mode: 'now' };
	if (mode === 'all') startFrom = { mode: 'all' };
	if (mode === 'date') {
		const date = String(options.startDate ?? '').trim();
		try {
			parseInstant(date);
		} catch {
			throw new NodeOperationError(ctx.getNode(), `Start Date: "${date}" is not an ISO 8601 date and time`, {
				description: 'For example 2024-05-01T10:00:00.000000+00:00',
			});
		}
		startFrom = { mode: 'date', date };
	}
	const asked = Number(options.pageSize ?? PLATFORM_PAGE_MAX);
	if (!Number.isInteger(asked) || asked < 1) {
		throw new NodeOperationError(ctx.getNode(), `Page Size: ${String(options.pageSize)} is not a whole number of at least 1`);
	}
	// Workflows saved when the field allowed 500: the instance never pages more than 100 records, so
	// a larger value is used as 100 rather than refused.
	const pageSize = Math.min(asked, PLATFORM_PAGE_MAX);
	const selection = readSelection(ctx);
	return {
		objects: recordObjectsOf(selection),
		events: recordEventsOf(selection),
		logSources: logSourcesOf(selection),
		updatesFromLog: selection.fieldsToWatch.length > 0,
		accept: (item) => itemMatchesSelection(item, selection),
		pageSize,
		maxItemsPerPoll: Math.max(0, Math.floor(Number(options.maxItemsPerPoll ?? 0)) || 0),
		datePattern: String(options.datePattern || DEFAULT_CLOSE_DATE_PATTERN),
		includeRaw: options.includeRaw === true,
		startFrom,
	};
}

/**
 * poll() in polling mode. The cursors are written to static data only once every object was read
 * to the end: a poll that fails (even half-way) keeps every cursor, and the next poll delivers
 * everything again from there.
 */
export async function pollClose(this: Ctx): Promise<INodeExecutionData[][] | null> {
	const settings = pollSettings(this);
	const instanceId = getInstanceId(this);
	const connection = await connect(this);
	// The instance token: kept while n8n runs, fetched on first use and when the platform refuses it
	// (then the refused request is sent again).
	const tokens = instanceTokenRequests(connection, instanceId);
	try {
		const hub = new OpenConnectorsClient(tokens.request, connection.ocBaseUrl, { secrets: connection.secrets });
		const sources: PollSources = {
			listHub: hubLister(hub, await tokens.token()),
			listEvents: async (query) => {
				const page = await connection.close.listEvents(query);
				return { data: page.data as unknown as Array<Record<string, unknown>>, cursor_next: page.cursor_next };
			},
		};
		const staticData = this.getWorkflowStaticData('node');
		if (this.getMode() === 'manual') {
			const items = await sampleItems(sources, settings, readPollState(staticData.polling));
			return items.length ? [this.helpers.returnJsonArray(items as unknown as IDataObject[])] : null;
		}
		// nowMs paces the re-check of what the platform's queries support (see docs/maintainers/close-io-trigger-internals.md, Polling mode).
		const result = await runPoll(sources, settings, readPollState(staticData.polling), { nowMs: Date.now() });
		staticData.polling = result.state as unknown as IDataObject;
		if (result.items.length === 0) return null;
		return [this.helpers.returnJsonArray(result.items as unknown as IDataObject[])];
	} catch (error) {
		throw error instanceof NodeOperationError ? error : toNodeApiError(this.getNode(), error, { secrets: connection.secrets });
	}
}

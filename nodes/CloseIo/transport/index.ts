// The records client of one execution: one credential connection (retries on 429 and, for
// idempotent calls, 5xx, as the SAP Open Connectors node does), the instance token kept while n8n
// runs (fetched on first use and when the platform refuses it; scrubbed from every output and
// error), and Close's own API for what the hub has no route for.

import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

import { instanceTokenRequests } from '../../shared/instanceTokens';
import { QueryFormFinding, QueryFormMemory } from '../../../lib/records/queryForm';
import { RecordsClient, closeOnly } from '../../../lib/records/recordsClient';
import { getInstanceId } from '../../shared/instanceLocator';
import type { Connection } from '../../shared/transport';
import { connect } from '../../shared/transport';

/** What each platform's hub where takes, found by getAll; kept while n8n runs. */
export const QUERY_FORMS = new QueryFormMemory();

export class RecordsSession {
	private readonly clients = new Map<string, Promise<RecordsClient>>();
	private readonly queryForm: QueryFormFinding;

	constructor(readonly connection: Connection) {
		this.queryForm = new QueryFormFinding(QUERY_FORMS, connection.ocBaseUrl, () => Date.now());
	}

	static async open(ctx: IExecuteFunctions): Promise<RecordsSession> {
		return new RecordsSession(await connect(ctx));
	}

	get secrets(): readonly string[] {
		return this.connection.secrets;
	}

	/** The client for the item's instance (its token fetched once per execution). */
	async forItem(ctx: IExecuteFunctions, itemIndex: number): Promise<RecordsClient> {
		const instanceId = getInstanceId(ctx, 'instance', itemIndex);
		let client = this.clients.get(instanceId);
		if (!client) {
			client = this.clientFor(instanceId);
			this.clients.set(instanceId, client);
			// A failed token fetch is not cached: the next item tries again.
			client.catch(() => this.clients.delete(instanceId));
		}
		return await client;
	}

	private async clientFor(instanceId: string): Promise<RecordsClient> {
		const { connection } = this;
		const tokens = instanceTokenRequests(connection, instanceId);
		return new RecordsClient(tokens.request, {
			ocBaseUrl: connection.ocBaseUrl,
			closeBaseUrl: connection.closeBaseUrl,
			// The request function puts the current token in every hub request.
			elementToken: await tokens.token(),
			secrets: connection.secrets,
			queryForm: this.queryForm,
		});
	}
}

/** Close's own API on the credential's key, for the editor's lists. */
export async function closeClientFor(ctx: ILoadOptionsFunctions): Promise<{ client: RecordsClient; secrets: readonly string[] }> {
	const connection = await connect(ctx);
	return { client: closeOnly(connection.request, connection.closeBaseUrl, connection.secrets), secrets: connection.secrets };
}

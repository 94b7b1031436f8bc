import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { credentialTest } from '../shared/credentialTest';
import { instanceLocatorProperty } from '../shared/instanceLocator';
import * as activity from './actions/activity';
import * as contact from './actions/contact';
import * as customActivity from './actions/customActivity';
import * as lead from './actions/lead';
import * as note from './actions/note';
import * as opportunity from './actions/opportunity';
import * as sequenceSubscription from './actions/sequenceSubscription';
import { router } from './actions/router';
import * as task from './actions/task';
import { listSearch, loadOptions, resourceMapping } from './methods';

export class CloseIo implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Close.io',
		name: 'closeIo',
		icon: { light: 'file:closeio.svg', dark: 'file:closeio.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Create, update, find and merge Close leads, contacts, opportunities, tasks and notes through SAP Open Connectors',
		defaults: { name: 'Close.io' },
		usableAsTool: true,
		// As in the SAP Open Connectors node: n8n's current rules ask for the enum.
		// eslint-disable-next-line n8n-nodes-base/node-class-description-inputs-wrong-regular-node
		inputs: [NodeConnectionTypes.Main],
		// eslint-disable-next-line n8n-nodes-base/node-class-description-outputs-wrong
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'openConnectorsApi', required: true, testedBy: 'openConnectorsApiTest' }],
		properties: [
			instanceLocatorProperty(),
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Activity', value: 'activity', description: 'Calls, emails, SMS and meetings' },
					{ name: 'Contact', value: 'contact' },
					{ name: 'Custom Activity', value: 'customActivity' },
					{ name: 'Lead', value: 'lead' },
					{ name: 'Note', value: 'note' },
					{ name: 'Opportunity', value: 'opportunity' },
					{ name: 'Sequence Subscription', value: 'sequenceSubscription' },
					{ name: 'Task', value: 'task' },
				],
				default: 'lead',
			},
			...lead.description,
			...contact.description,
			...opportunity.description,
			...task.description,
			...note.description,
			...activity.description,
			...sequenceSubscription.description,
			...customActivity.description,
		],
	};

	methods = { credentialTest, listSearch, loadOptions, resourceMapping };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}

import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { credentialTest } from '../shared/credentialTest';
import { errorItemJson, toNodeApiError } from '../shared/errors';
import { searchInstances } from '../shared/instanceLocator';
import type { Connection } from '../shared/transport';
import { connect } from '../shared/transport';
import { instanceFields, instanceOperations } from './descriptions/InstanceDescription';
import type { InstanceOperation } from './InstanceOperations';
import { INSTANCE_OPERATIONS, instanceOperationHandlers } from './InstanceOperations';

export class OpenConnectors implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'SAP Open Connectors',
		name: 'openConnectors',
		icon: { light: 'file:openConnectors.svg', dark: 'file:openConnectors.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Provision and manage Close.io instances on SAP Open Connectors',
		defaults: {
			name: 'SAP Open Connectors',
		},
		usableAsTool: true,
		// The classic plugin asks for ['main']; n8n's current rules (node-connection-type-literal,
		// applied by the community-package scanner) ask for the enum. The enum wins.
		// eslint-disable-next-line n8n-nodes-base/node-class-description-inputs-wrong-regular-node
		inputs: [NodeConnectionTypes.Main],
		// eslint-disable-next-line n8n-nodes-base/node-class-description-outputs-wrong
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'openConnectorsApi',
				required: true,
				testedBy: 'openConnectorsApiTest',
			},
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Instance',
						value: 'instance',
					},
				],
				default: 'instance',
			},
			...instanceOperations,
			...instanceFields,
		],
	};

	methods = {
		credentialTest,
		listSearch: {
			searchInstances,
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const returnData: INodeExecutionData[] = [];
		const connections = new Map<boolean, Connection>();
		let secrets: readonly string[] = [];

		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			try {
				const resource = this.getNodeParameter('resource', itemIndex) as string;
				const operation = this.getNodeParameter('operation', itemIndex) as InstanceOperation;
				if (resource !== 'instance' || !INSTANCE_OPERATIONS.includes(operation)) {
					throw new NodeOperationError(
						this.getNode(),
						`The operation "${operation}" of resource "${resource}" is not supported`,
						{ itemIndex },
					);
				}
				const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
				const retry = options.retry !== false;
				let connection = connections.get(retry);
				if (!connection) {
					connection = await connect(this, { retry });
					connections.set(retry, connection);
					secrets = connection.secrets;
				}
				const results = await instanceOperationHandlers[operation].call(this, connection, itemIndex);
				for (const json of results) {
					returnData.push({ json, pairedItem: { item: itemIndex } });
				}
			} catch (error) {
				const nodeError = toNodeApiError(this.getNode(), error, { itemIndex, secrets });
				if (this.continueOnFail()) {
					returnData.push({ json: errorItemJson(nodeError), pairedItem: { item: itemIndex } });
					continue;
				}
				throw nodeError;
			}
		}

		return [returnData];
	}
}

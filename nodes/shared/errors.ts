// Maps the cores' errors to n8n's error classes at the node boundary, with the provider's message
// and request id, and never a secret.

import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { ApiError, ClientError, NetworkError, sanitizeText } from '../../lib/clients/errors';

export interface ToNodeErrorOptions {
	itemIndex?: number;
	/** Secret values to scrub (the credential's, instance tokens seen). */
	secrets?: readonly string[];
}

function serviceName(service: ApiError['service']): string {
	return service === 'close' ? 'Close' : 'SAP Open Connectors';
}

/** Description lines: request id, provider message, field errors, the server's requested delay. */
function describe(error: ApiError): string {
	const lines: string[] = [];
	if (error.providerMessage && error.providerMessage !== error.message) {
		lines.push(`Provider message: ${error.providerMessage}`);
	}
	if (error.fieldErrors) {
		for (const [field, text] of Object.entries(error.fieldErrors)) lines.push(`${field}: ${text}`);
	}
	if (error.requestId) lines.push(`Request ID: ${error.requestId}`);
	if (error.retryAfterSeconds !== undefined) {
		lines.push(`The server asked to retry after ${error.retryAfterSeconds} s`);
	}
	lines.push(`${serviceName(error.service)} answered HTTP ${error.statusCode}`);
	return lines.join('\n');
}

/**
 * NodeApiError for API and network failures (with httpCode, the provider's message and request
 * id), NodeOperationError for everything else. Messages are sanitized once more here.
 */
export function toNodeApiError(
	node: INode,
	error: unknown,
	options: ToNodeErrorOptions = {},
): NodeApiError | NodeOperationError {
	const secrets = options.secrets ?? [];
	const clean = (text: string) => sanitizeText(text, secrets);
	const { itemIndex } = options;

	if (error instanceof ApiError) {
		const response: JsonObject = {
			message: clean(error.message),
			statusCode: error.statusCode,
			service: error.service,
		};
		if (error.requestId) response.requestId = clean(error.requestId);
		if (error.providerMessage) response.providerMessage = clean(error.providerMessage);
		const nodeError = new NodeApiError(node, response, {
			message: clean(error.message),
			description: clean(describe(error)),
			httpCode: String(error.statusCode),
			itemIndex,
		});
		return nodeError;
	}
	if (error instanceof NetworkError) {
		const response: JsonObject = { message: clean(error.message) };
		if (error.code) response.code = error.code;
		return new NodeApiError(node, response, {
			message: clean(error.message),
			description: 'No response from the server (connection refused, reset or timed out)',
			itemIndex,
		});
	}
	if (error instanceof NodeApiError) {
		// Built elsewhere (n8n's own helpers): rebuild it from its sanitized texts only.
		const response: JsonObject = { message: clean(error.message) };
		return new NodeApiError(node, response, {
			message: clean(error.message),
			description: error.description ? clean(error.description) : undefined,
			httpCode: error.httpCode ?? undefined,
			itemIndex,
		});
	}
	if (error instanceof NodeOperationError) {
		if (!secrets.length) return error;
		return new NodeOperationError(node, clean(error.message), {
			description: error.description ? clean(error.description) : undefined,
			itemIndex,
		});
	}
	const message =
		error instanceof ClientError || error instanceof Error
			? error.message
			: typeof error === 'string'
				? error
				: 'Unknown error';
	return new NodeOperationError(node, clean(message), { itemIndex });
}

/** The output of a failed item under Continue On Fail: message, description and HTTP code. */
export function errorItemJson(nodeError: NodeApiError | NodeOperationError): JsonObject {
	const json: JsonObject = { error: nodeError.message };
	if (nodeError.description) json.description = nodeError.description;
	const httpCode = (nodeError as { httpCode?: string | null }).httpCode;
	if (httpCode) json.httpCode = httpCode;
	return json;
}

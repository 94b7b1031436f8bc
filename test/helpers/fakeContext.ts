// ONE builder of fake n8n contexts (execute, poll, webhook, hook, loadOptions) for unit tests.
//
// What is real: the credential's own `authenticate()` runs on every
// helpers.httpRequestWithAuthentication call, and the request goes over real HTTP (node's fetch)
// with n8n's option semantics (qs + arrayFormat, json, returnFullResponse,
// ignoreHttpStatusErrors, timeout), so node tests run against the sandbox. Parameters come from a
// plain object (dotted names such as `options.retry` work; resource locators may be given as
// `{__rl: true, mode, value}`), with the node description's defaults filled in by n8n-workflow's
// own NodeHelpers.getNodeParameters when a node type is given.
//
// Usage:
//   const ctx = fakeContext('execute', { nodeType: new OpenConnectors(), parameters: {...},
//     credentials: { openConnectorsApi: sandboxCredentials(sb) } });
//   const out = await new OpenConnectors().execute.call(ctx);
//   ctx.recorder.requests   // every outbound request (method, url, headers, body, status)

import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { NodeApiError, NodeHelpers } from 'n8n-workflow';

import { OpenConnectorsApi } from '../../credentials/OpenConnectorsApi.credentials';

export type ContextKind = 'execute' | 'poll' | 'webhook' | 'hook' | 'loadOptions';

/** A parameter value, or a function of the item index for per-item values. */
export type ParameterValue = unknown | ((itemIndex: number) => unknown);

export interface FakeWebhookRequest {
	method?: string;
	headers?: Record<string, string>;
	/** Parsed body (what n8n gives getBodyData()). Default: JSON.parse(rawBody) when possible. */
	body?: unknown;
	/** The exact bytes received. Default: JSON.stringify(body). */
	rawBody?: Buffer | string;
	query?: Record<string, string>;
	params?: Record<string, string>;
}

export interface FakeContextOptions {
	/** The node type: its description's defaults fill parameters not given, as n8n does. */
	nodeType?: INodeType;
	parameters?: Record<string, ParameterValue>;
	/** Decrypted credentials by type name. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** Credential types by name (their authenticate() runs). Default: this package's. */
	credentialTypes?: Record<string, ICredentialType>;
	inputItems?: INodeExecutionData[];
	node?: Partial<INode>;
	/** getMode(): 'manual', 'trigger', 'webhook', 'internal', ... Default by kind. */
	mode?: WorkflowExecuteMode;
	continueOnFail?: boolean;
	/** Shared by reference: pass the same object to later contexts to keep static data. */
	staticData?: { node?: IDataObject; global?: IDataObject };
	/** getNodeWebhookUrl(name). Default `http://localhost:5678/webhook/<nodeId>/webhook`. */
	webhookUrls?: Record<string, string>;
	webhookName?: string;
	activationMode?: string;
	/** Webhook contexts: the incoming request. */
	request?: FakeWebhookRequest;
	timezone?: string;
	/** Replace the network (default: node's fetch). */
	fetch?: typeof fetch;
}

export interface RecordedRequest {
	method: string;
	url: string;
	headers: Record<string, string>;
	body?: unknown;
	statusCode?: number;
	error?: string;
}

export interface RecordedResponse {
	statusCode?: number;
	headers: Record<string, string>;
	body?: unknown;
	ended: boolean;
}

export interface Recorder {
	requests: RecordedRequest[];
	/** What a webhook wrote through getResponseObject(). */
	response: RecordedResponse;
	logs: Array<{ level: string; message: string; meta?: unknown }>;
	/** What emit() received (manual trigger contexts). */
	emitted: INodeExecutionData[][][];
}

export interface FakeResponseObject {
	status(code: number): FakeResponseObject;
	send(body?: unknown): FakeResponseObject;
	json(body: unknown): FakeResponseObject;
	end(body?: unknown): FakeResponseObject;
	setHeader(name: string, value: string): FakeResponseObject;
	header(name: string, value: string): FakeResponseObject;
	readonly statusCode: number | undefined;
}

// The contexts are structurally typed: cast to the n8n interface at the call site, e.g.
// `node.execute.call(ctx as unknown as IExecuteFunctions)`, or use the typed builders below.
export type FakeContext = Record<string, unknown> & { recorder: Recorder; kind: ContextKind };

const DEFAULT_MODE: Record<ContextKind, WorkflowExecuteMode> = {
	execute: 'manual',
	poll: 'trigger',
	webhook: 'webhook',
	hook: 'trigger',
	loadOptions: 'internal',
};

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function getPath(source: Record<string, unknown>, path: string): unknown {
	if (Object.prototype.hasOwnProperty.call(source, path)) return source[path];
	let current: unknown = source;
	for (const part of path.split('.')) {
		if (!isRecord(current) || !(part in current)) return undefined;
		current = current[part];
	}
	return current;
}

/** Serializes qs the way n8n's httpRequest does (axios default, or qs with arrayFormat). */
export function serializeQuery(qs: IDataObject | undefined, arrayFormat?: IHttpRequestOptions['arrayFormat']): string {
	if (!qs) return '';
	const parts: string[] = [];
	const enc = encodeURIComponent;
	for (const [key, value] of Object.entries(qs)) {
		if (value === undefined || value === null) continue;
		if (Array.isArray(value)) {
			if (arrayFormat === 'comma') {
				parts.push(`${enc(key)}=${enc(value.map(String).join(','))}`);
				continue;
			}
			value.forEach((entry, index) => {
				let name: string;
				if (arrayFormat === 'repeat') name = enc(key);
				else if (arrayFormat === 'indices') name = enc(`${key}[${index}]`);
				else if (arrayFormat === 'brackets') name = enc(`${key}[]`);
				else name = `${enc(key)}[]`; // axios' default
				parts.push(`${name}=${enc(String(entry))}`);
			});
			continue;
		}
		parts.push(`${enc(key)}=${enc(isRecord(value) ? JSON.stringify(value) : String(value))}`);
	}
	return parts.join('&');
}

function targetUrl(options: IHttpRequestOptions): string {
	const url = String(options.url ?? '');
	if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) || !options.baseURL) return url;
	return `${String(options.baseURL).replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`;
}

function headerRecord(headers: IDataObject | undefined): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers ?? {})) {
		if (value === undefined || value === null) continue;
		out[name] = String(value);
	}
	return out;
}

/**
 * Sends one request with n8n's httpRequest semantics. Throws like n8n on a network failure, and
 * on a 4xx/5xx unless ignoreHttpStatusErrors.
 */
export async function sendHttp(
	options: IHttpRequestOptions,
	node: INode,
	recorder: Recorder,
	fetchFn: typeof fetch = fetch,
): Promise<unknown> {
	const method = (options.method ?? 'GET').toUpperCase();
	const query = serializeQuery(options.qs, options.arrayFormat);
	let url = targetUrl(options);
	if (query) url += (url.includes('?') ? '&' : '?') + query;
	const headers = headerRecord(options.headers);
	let body: string | Buffer | undefined;
	if (options.body !== undefined && method !== 'GET' && method !== 'HEAD') {
		if (typeof options.body === 'string' || Buffer.isBuffer(options.body)) {
			body = options.body as string | Buffer;
		} else if (!(isRecord(options.body) && Object.keys(options.body).length === 0)) {
			body = JSON.stringify(options.body);
			if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
				headers['Content-Type'] = 'application/json';
			}
		}
	}
	if (options.json && !Object.keys(headers).some((name) => name.toLowerCase() === 'accept')) {
		headers.Accept = 'application/json';
	}
	const record: RecordedRequest = { method, url, headers: { ...headers }, body: options.body };
	recorder.requests.push(record);

	let response: Response;
	let text: string;
	// A timer raced against the answer, as axios' timeout. No AbortSignal goes to fetch: undici
	// registers every signalled request for cleanup, which cost more per request than everything
	// else the fake does. A request that timed out is dropped when its late answer comes.
	let expired = false;
	let timer: ReturnType<typeof setTimeout> | undefined;
	const timeout = new Promise<never>((_resolve, reject) => {
		timer = setTimeout(() => {
			expired = true;
			reject(new DOMException('The operation timed out', 'TimeoutError'));
		}, options.timeout ?? 300000);
	});
	try {
		const sent = fetchFn(url, { method, headers, body, redirect: options.disableFollowRedirect ? 'manual' : 'follow' });
		sent.then(
			(late) => {
				if (expired) void late.body?.cancel().catch(() => undefined);
			},
			() => undefined,
		);
		response = await Promise.race([sent, timeout]);
		record.statusCode = response.status;
		text = await Promise.race([response.text(), timeout]);
	} catch (error) {
		const cause = (error as { cause?: { code?: string; message?: string } }).cause;
		record.error = cause?.code ?? (error as Error).message;
		// n8n wraps every failure of httpRequestWithAuthentication in a NodeApiError.
		throw new NodeApiError(node, {
			message: cause?.message ?? (error as Error).message,
			code: cause?.code ?? (error as Error).name,
		});
	} finally {
		clearTimeout(timer);
	}
	let parsed: unknown = text;
	// As axios (n8n's client) does: `encoding: 'text'` (responseType) hands the text over unparsed.
	if (options.encoding !== 'text' && text !== '') {
		try {
			parsed = JSON.parse(text);
		} catch {
			// not JSON: the text
		}
	}
	const responseHeaders: Record<string, string> = {};
	response.headers.forEach((value, name) => {
		responseHeaders[name] = value;
	});
	if (!options.ignoreHttpStatusErrors && response.status >= 400) {
		throw new NodeApiError(
			node,
			{ message: `${response.status} - ${text}` },
			{ httpCode: String(response.status) },
		);
	}
	if (options.returnFullResponse) {
		return { body: parsed, headers: responseHeaders, statusCode: response.status, statusMessage: response.statusText };
	}
	return parsed;
}

export function defaultCredentialTypes(): Record<string, ICredentialType> {
	return { openConnectorsApi: new OpenConnectorsApi() };
}

/** Applies a credential type's authenticate (function or generic headers) like n8n does. */
export async function authenticateRequest(
	credentialType: ICredentialType,
	credentials: ICredentialDataDecryptedObject,
	options: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	const authenticate = credentialType.authenticate;
	if (typeof authenticate === 'function') return await authenticate(credentials, options);
	if (authenticate && authenticate.type === 'generic') {
		const out: IHttpRequestOptions = { ...options, headers: { ...(options.headers ?? {}) } };
		for (const [key, value] of Object.entries(authenticate.properties.headers ?? {})) {
			out.headers![key] = String(evaluateExpression(String(value), { $credentials: credentials }));
		}
		return out;
	}
	return options;
}

/**
 * Evaluates an n8n expression (`={{ ... }}` or a string with `{{ }}` parts) over plain variables.
 * Enough for credential test requests; it is NOT n8n's expression engine.
 */
export function evaluateExpression(value: string, variables: Record<string, unknown>): unknown {
	if (typeof value !== 'string' || !value.startsWith('=')) return value;
	const body = value.slice(1);
	const names = Object.keys(variables);
	const run = (code: string) =>
		// eslint-disable-next-line @typescript-eslint/no-implied-eval
		new Function(...names, `return (${code});`)(...names.map((name) => variables[name]));
	const whole = /^\s*\{\{([\s\S]*)\}\}\s*$/.exec(body);
	if (whole && !whole[1].includes('{{')) return run(whole[1]);
	return body.replace(/\{\{([\s\S]*?)\}\}/g, (_m, code: string) => String(run(code)));
}

export interface CredentialTestResult {
	status: 'OK' | 'Error';
	message: string;
	statusCode?: number;
}

/**
 * Runs a credential's Test button the way n8n's credentials tester does: resolve the test
 * request's expressions with $credentials, authenticate() it, send it, apply `rules`.
 */
export async function runCredentialTest(
	credentialType: ICredentialType,
	credentials: ICredentialDataDecryptedObject,
	fetchFn: typeof fetch = fetch,
): Promise<CredentialTestResult & { recorder: Recorder }> {
	const recorder = newRecorder();
	const test = credentialType.test;
	if (!test) throw new Error(`${credentialType.name} has no test request`);
	const resolve = (value: unknown): unknown => {
		if (typeof value === 'string') return evaluateExpression(value, { $credentials: credentials });
		if (Array.isArray(value)) return value.map(resolve);
		if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
		return value;
	};
	const request = resolve(test.request) as IHttpRequestOptions;
	const options = await authenticateRequest(credentialType, credentials, {
		...request,
		url: request.url ?? '',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	});
	const node = { id: 'temp', name: 'Temp-Node', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [0, 0], parameters: {} } as INode;
	let response: { statusCode: number; statusMessage?: string };
	try {
		response = (await sendHttp(options, node, recorder, fetchFn)) as { statusCode: number; statusMessage?: string };
	} catch (error) {
		return { status: 'Error', message: (error as Error).message, recorder };
	}
	if (response.statusCode < 200 || response.statusCode > 299) {
		for (const rule of test.rules ?? []) {
			if (rule.type === 'responseCode' && rule.properties.value === response.statusCode) {
				return { status: 'Error', message: rule.properties.message, statusCode: response.statusCode, recorder };
			}
		}
		return {
			status: 'Error',
			message: response.statusMessage || `Received HTTP status code: ${response.statusCode}`,
			statusCode: response.statusCode,
			recorder,
		};
	}
	return { status: 'OK', message: 'Connection successful!', statusCode: response.statusCode, recorder };
}

export function newRecorder(): Recorder {
	return { requests: [], response: { headers: {}, ended: false }, logs: [], emitted: [] };
}

/** Credentials of the package's credential pointing at a running sandbox. */
export function sandboxCredentials(sandbox: {
	ocBaseUrl: string;
	closeBaseUrl: string;
	secrets: { userSecret: string; organizationSecret: string; closeApiKey: string; closePassword?: string };
}): ICredentialDataDecryptedObject {
	return {
		environment: 'custom',
		baseUrl: sandbox.ocBaseUrl,
		userSecret: sandbox.secrets.userSecret,
		organizationSecret: sandbox.secrets.organizationSecret,
		closeApiKey: sandbox.secrets.closeApiKey,
		closePassword: sandbox.secrets.closePassword ?? '',
		closeBaseUrl: sandbox.closeBaseUrl,
	};
}

export function fakeContext(kind: ContextKind, options: FakeContextOptions = {}): FakeContext {
	const recorder = newRecorder();
	const credentialTypes = options.credentialTypes ?? defaultCredentialTypes();
	const staticData = options.staticData ?? {};
	const description = options.nodeType?.description;
	const node: INode = {
		id: 'node-1',
		name: description?.defaults?.name ?? 'Node',
		type: description ? `n8n-nodes-open-connectors-closeio.${description.name}` : 'test.node',
		typeVersion: Array.isArray(description?.version) ? description!.version.slice(-1)[0] : (description?.version ?? 1),
		position: [0, 0],
		parameters: {},
		credentials: Object.fromEntries(
			Object.keys(options.credentials ?? {}).map((name) => [name, { id: `cred-${name}`, name }]),
		),
		...(options.node ?? {}),
	};
	const inputItems = options.inputItems ?? [{ json: {} }];
	const fetchFn = options.fetch ?? fetch;

	// n8n resolves a node's parameters against its description once per workflow, not per call:
	// so does the fake, unless a parameter is a function of the item.
	const perItem = Object.values(options.parameters ?? {}).some((value) => typeof value === 'function');
	const resolved = new Map<number, Record<string, unknown>>();
	const parametersFor = (itemIndex: number): Record<string, unknown> => {
		const key = perItem ? itemIndex : 0;
		let parameters = resolved.get(key);
		if (!parameters) resolved.set(key, (parameters = resolveParameters(itemIndex)));
		return parameters;
	};
	const resolveParameters = (itemIndex: number): Record<string, unknown> => {
		const raw: INodeParameters = {};
		for (const [name, value] of Object.entries(options.parameters ?? {})) {
			raw[name] = (typeof value === 'function' ? (value as (i: number) => unknown)(itemIndex) : value) as INodeParameters[string];
		}
		if (!description) return raw;
		const withDefaults = NodeHelpers.getNodeParameters(description.properties, raw, true, false, node, description);
		return { ...(withDefaults ?? {}), ...raw };
	};
	node.parameters = parametersFor(0) as INodeParameters;

	const getParameter = (name: string, itemIndex: number, fallback: unknown, parameterOptions?: { extractValue?: boolean }) => {
		let value = getPath(parametersFor(itemIndex), name);
		if (value === undefined) {
			if (fallback !== undefined) return fallback;
			throw new Error(`Could not get parameter "${name}"`);
		}
		if (isRecord(value) && value.__rl === true) {
			if (parameterOptions?.extractValue) value = value.value;
		}
		return value;
	};

	const httpRequestWithAuthentication = async (credentialTypeName: string, requestOptions: IHttpRequestOptions) => {
		const credentialType = credentialTypes[credentialTypeName];
		const credentials = options.credentials?.[credentialTypeName];
		if (!credentialType) throw new Error(`Unknown credential type "${credentialTypeName}"`);
		if (!credentials) {
			throw new Error(`Node "${node.name}" does not have any credentials of type "${credentialTypeName}" set`);
		}
		const authenticated = await authenticateRequest(credentialType, { ...credentials }, { ...requestOptions });
		return await sendHttp(authenticated, node, recorder, fetchFn);
	};

	const request = options.request ?? {};
	const rawBody =
		request.rawBody !== undefined
			? Buffer.isBuffer(request.rawBody)
				? request.rawBody
				: Buffer.from(request.rawBody)
			: Buffer.from(request.body === undefined ? '' : JSON.stringify(request.body));
	let parsedBody = request.body;
	if (parsedBody === undefined && rawBody.length) {
		try {
			parsedBody = JSON.parse(rawBody.toString('utf8'));
		} catch {
			parsedBody = {};
		}
	}
	const requestHeaders = Object.fromEntries(
		Object.entries(request.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
	);

	const responseObject: FakeResponseObject = {
		status(code: number) {
			recorder.response.statusCode = code;
			return responseObject;
		},
		send(body?: unknown) {
			recorder.response.body = body;
			recorder.response.statusCode ??= 200;
			return responseObject;
		},
		json(body: unknown) {
			recorder.response.body = body;
			recorder.response.statusCode ??= 200;
			recorder.response.ended = true;
			return responseObject;
		},
		end(body?: unknown) {
			if (body !== undefined) recorder.response.body = body;
			recorder.response.ended = true;
			return responseObject;
		},
		setHeader(name: string, value: string) {
			recorder.response.headers[name.toLowerCase()] = value;
			return responseObject;
		},
		header(name: string, value: string) {
			return responseObject.setHeader(name, value);
		},
		get statusCode() {
			return recorder.response.statusCode;
		},
	};

	const log =
		(level: string) =>
		(message: string, meta?: unknown): void => {
			recorder.logs.push({ level, message, meta });
		};

	const context: FakeContext = {
		kind,
		recorder,
		getNode: () => node,
		getMode: () => options.mode ?? DEFAULT_MODE[kind],
		getActivationMode: () => options.activationMode ?? 'activate',
		getTimezone: () => options.timezone ?? 'UTC',
		getWorkflow: () => ({ id: 'workflow-1', name: 'Test workflow', active: kind !== 'execute' }),
		getExecutionId: () => 'execution-1',
		getInstanceBaseUrl: () => 'http://localhost:5678/',
		getRestApiUrl: () => 'http://localhost:5678/rest',
		continueOnFail: () => options.continueOnFail === true,
		getInputData: () => inputItems,
		getCredentials: async (name: string) => {
			const credentials = options.credentials?.[name];
			if (!credentials) throw new Error(`Node "${node.name}" does not have any credentials of type "${name}" set`);
			return { ...credentials };
		},
		getNodeParameter: (name: string, ...rest: unknown[]) => {
			if (kind === 'execute') {
				const [itemIndex, fallback, parameterOptions] = rest as [number, unknown, { extractValue?: boolean }?];
				return getParameter(name, itemIndex ?? 0, fallback, parameterOptions);
			}
			const [fallback, parameterOptions] = rest as [unknown, { extractValue?: boolean }?];
			return getParameter(name, 0, fallback, parameterOptions);
		},
		getCurrentNodeParameter: (name: string) => getPath(parametersFor(0), name),
		getCurrentNodeParameters: () => parametersFor(0),
		getWorkflowStaticData: (type: string) => {
			const key = type === 'global' ? 'global' : 'node';
			staticData[key] ??= {};
			return staticData[key];
		},
		getNodeWebhookUrl: (name: string) =>
			options.webhookUrls?.[name] ?? `http://localhost:5678/webhook/${node.id}/webhook`,
		getWebhookName: () => options.webhookName ?? 'default',
		getWebhookDescription: (name: string) =>
			description?.webhooks?.find((webhook) => webhook.name === name),
		getRequestObject: () => ({
			method: request.method ?? 'POST',
			headers: requestHeaders,
			body: parsedBody,
			rawBody,
			query: request.query ?? {},
			params: request.params ?? {},
		}),
		getResponseObject: () => responseObject,
		getHeaderData: () => requestHeaders,
		getBodyData: () => (isRecord(parsedBody) ? parsedBody : {}),
		getQueryData: () => request.query ?? {},
		getParamsData: () => request.params ?? {},
		emit: (data: INodeExecutionData[][]) => {
			recorder.emitted.push(data);
		},
		emitError: (error: Error) => {
			recorder.logs.push({ level: 'emitError', message: error.message });
		},
		sendMessageToUI: () => undefined,
		logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), verbose: log('verbose') },
		helpers: {
			httpRequestWithAuthentication,
			httpRequest: async (requestOptions: IHttpRequestOptions) => await sendHttp(requestOptions, node, recorder, fetchFn),
			returnJsonArray: (data: IDataObject | IDataObject[]) =>
				(Array.isArray(data) ? data : [data]).map((json) => ({ json })),
			constructExecutionMetaData: (items: INodeExecutionData[], meta: { itemData: { item: number } }) =>
				items.map((item) => ({ ...item, pairedItem: meta.itemData })),
		},
	};
	return context;
}

/** Typed shorthands: the fake cast to the n8n context interface a method expects. */
export const fakeExecuteContext = (options?: FakeContextOptions) =>
	fakeContext('execute', options) as unknown as import('n8n-workflow').IExecuteFunctions & { recorder: Recorder };
export const fakePollContext = (options?: FakeContextOptions) =>
	fakeContext('poll', options) as unknown as import('n8n-workflow').IPollFunctions & { recorder: Recorder };
export const fakeWebhookContext = (options?: FakeContextOptions) =>
	fakeContext('webhook', options) as unknown as import('n8n-workflow').IWebhookFunctions & { recorder: Recorder };
export const fakeHookContext = (options?: FakeContextOptions) =>
	fakeContext('hook', options) as unknown as import('n8n-workflow').IHookFunctions & { recorder: Recorder };
export const fakeLoadOptionsContext = (options?: FakeContextOptions) =>
	fakeContext('loadOptions', options) as unknown as import('n8n-workflow').ILoadOptionsFunctions & {
		recorder: Recorder;
	};

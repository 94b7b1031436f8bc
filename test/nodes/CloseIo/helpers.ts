// One sandbox per test file, one closeio instance; `run` executes the Close.io node on it.
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { startSandbox } from '../../../sandbox';
import type { Sandbox } from '../../../sandbox';
import { sandboxCredentials } from '../../helpers/fakeContext';
import type { ParameterValue, FakeContextOptions } from '../../helpers/fakeContext';
import { byId, runCloseIo } from '../../helpers/runOpenConnectors';
import type { RunResult } from '../../helpers/runOpenConnectors';

export interface CloseIoFixture {
	sandbox: Sandbox;
	credentials: ICredentialDataDecryptedObject;
	instanceId: string;
	run(parameters: Record<string, ParameterValue>, options?: Omit<FakeContextOptions, 'nodeType' | 'parameters' | 'credentials'>): Promise<RunResult>;
	/** Every record the node returned, or the error it threw. */
	ok(parameters: Record<string, ParameterValue>, options?: Omit<FakeContextOptions, 'nodeType' | 'parameters' | 'credentials'>): Promise<Array<Record<string, any>>>;
}

export function useCloseIo(): CloseIoFixture {
	const fixture = {} as CloseIoFixture;
	beforeAll(async () => {
		fixture.sandbox = await startSandbox();
		fixture.credentials = sandboxCredentials(fixture.sandbox);
	});
	afterAll(async () => {
		await fixture.sandbox.close();
	});
	beforeEach(() => {
		const a = fixture.sandbox.admin;
		a.reset();
		a.clearFaults();
		a.clearLogs();
		fixture.instanceId = String(a.createInstance({ name: 'unit' }).id);
	});
	fixture.run = (parameters, options = {}) =>
		runCloseIo(fixture.credentials, { instance: byId(fixture.instanceId), ...parameters }, options);
	fixture.ok = async (parameters, options = {}) => {
		const result = await fixture.run(parameters, options);
		if (result.error) throw result.error;
		return result.items.map((item) => item.json as Record<string, any>);
	};
	return fixture;
}

/** The requests a run made, as `METHOD path`, without the instance lookup. */
export function calls(result: RunResult): string[] {
	return result.recorder.requests
		.map((r) => `${r.method} ${new URL(r.url).pathname}`)
		.filter((line) => !/\/instances\/\d+$/.test(line));
}

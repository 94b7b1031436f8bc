import type { HttpRequest, HttpResponse } from '../../../lib/clients/http';
import { CLOSE_KEY_MISSING_MESSAGE, goesToClose, guardCloseKey } from '../../../lib/credentials/closeKeyGuard';

const bases = { ocBaseUrl: 'http://h/oc/elements/api-v2', closeBaseUrl: 'http://h/close/api/v1' };

function recording() {
	const sent: string[] = [];
	const send = async (req: HttpRequest): Promise<HttpResponse> => {
		sent.push(req.url);
		return { statusCode: 200, headers: {}, body: {} };
	};
	return { sent, send };
}

describe('guardCloseKey', () => {
	it('stops a Close call before it is sent when the key is empty, naming the field', async () => {
		const { sent, send } = recording();
		const guarded = guardCloseKey(send, bases, false);
		await expect(guarded({ method: 'GET', url: 'http://h/close/api/v1/event/' })).rejects.toThrow(CLOSE_KEY_MISSING_MESSAGE);
		expect(CLOSE_KEY_MISSING_MESSAGE).toContain('Close API Key');
		expect(sent).toEqual([]);
	});

	it('lets Open Connectors calls through without a key, and everything through with one', async () => {
		const { sent, send } = recording();
		await guardCloseKey(send, bases, false)({ method: 'GET', url: 'http://h/oc/elements/api-v2/instances' });
		await guardCloseKey(send, bases, true)({ method: 'GET', url: 'http://h/close/api/v1/event/' });
		expect(sent).toEqual(['http://h/oc/elements/api-v2/instances', 'http://h/close/api/v1/event/']);
	});

	it('matches bases on path boundaries, the longer base winning', () => {
		expect(goesToClose('http://h/close/api/v1', bases)).toBe(true);
		expect(goesToClose('http://h/close/api/v10/x', bases)).toBe(false);
		const nested = { ocBaseUrl: 'http://h/api', closeBaseUrl: 'http://h/api/close' };
		expect(goesToClose('http://h/api/close/me/', nested)).toBe(true);
		expect(goesToClose('http://h/api/instances', nested)).toBe(false);
	});
});

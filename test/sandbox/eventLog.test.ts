import { Sandbox, startSandbox } from '../../sandbox';
import { closeAuth, json } from './helpers';

let sb: Sandbox;
beforeAll(async () => {
	sb = await startSandbox({ port: 0, retryScale: 0.001 });
});
afterAll(() => sb.close());
beforeEach(() => sb.admin.reset());

async function close(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
	const res = await fetch(sb.closeBaseUrl + path, { method, headers: closeAuth(sb), body: body === undefined ? undefined : JSON.stringify(body) });
	return { status: res.status, body: await json(res) };
}

describe('event types (Close "List of Event Types")', () => {
	it('tasks are logged as task.lead', () => {
		const lead = sb.admin.create('lead', { name: 'A' });
		const task = sb.admin.create('task', { lead_id: lead.id, text: 'call' });
		expect(sb.admin.events().find((e) => e.object_id === task.id)!.object_type).toBe('task.lead');
	});

	it('a subscription naming an event type Close does not have is a 400 naming the field', async () => {
		const bare = await close('POST', '/webhook/', { url: 'http://x.test/h', events: [{ object_type: 'task', action: 'created' }] });
		expect(bare.status).toBe(400);
		expect(bare.body['field-errors']['events.0.object_type']).toMatch(/"task" is not a valid choice/);
		const action = await close('POST', '/webhook/', { url: 'http://x.test/h', events: [{ object_type: 'lead', action: 'exploded' }] });
		expect(action.body['field-errors']['events.0.action']).toMatch(/not a valid choice/);
		const ok = await close('POST', '/webhook/', {
			url: 'http://x.test/h',
			events: [
				{ object_type: 'task.lead', action: 'created' },
				{ object_type: 'activity.task_completed', action: 'created' },
			],
		});
		expect(ok.status).toBe(201);
		const put = await close('PUT', `/webhook/${ok.body.id}/`, { events: [{ object_type: 'task', action: 'updated' }] });
		expect(put.status).toBe(400);
	});
});

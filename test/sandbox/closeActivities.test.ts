// The sandbox's Close routes for emails / SMS, templates, sequences, custom activities, Smart Views.
import { Sandbox, startSandbox } from '../../sandbox';
import { SANDBOX_EMAIL_ACCOUNT, SANDBOX_PHONE } from '../../sandbox/closeActivities';
import { closeAuth, json, startReceiver, waitFor } from './helpers';

jest.setTimeout(30000);

let sb: Sandbox;
beforeAll(async () => {
	sb = await startSandbox({ port: 0, retryScale: 0.001 });
});
afterAll(async () => {
	await sb.close();
});
beforeEach(() => sb.admin.reset());

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
	const res = await fetch(sb.closeBaseUrl + path, { method, headers: closeAuth(sb), body: body === undefined ? undefined : JSON.stringify(body) });
	return { status: res.status, body: await json(res) };
}

function leadWithContact(email?: string): { leadId: string; contactId: string } {
	const lead = sb.admin.create('lead', { name: 'Acme' });
	const contact = sb.admin.create('contact', { lead_id: lead.id, name: 'Jane Doe', emails: email ? [{ email, type: 'office' }] : [] });
	return { leadId: lead.id, contactId: contact.id };
}

describe('emails and SMS', () => {
	it('outbox is sent once by the fake sender and the email becomes sent; draft and scheduled are not sent', async () => {
		const { leadId, contactId } = leadWithContact('jane@example.com');
		const sent = await call('POST', '/activity/email/', { lead_id: leadId, contact_id: contactId, status: 'outbox', sender: 'me@example.com', to: ['jane@example.com'], subject: 'Hi', body_text: 'Hello' });
		expect(sent.status).toBe(200);
		expect(sent.body).toMatchObject({ status: 'sent', _type: 'Email', direction: 'outgoing' });
		await call('POST', '/activity/email/', { lead_id: leadId, status: 'draft', subject: 'later' });
		const noDate = await call('POST', '/activity/email/', { lead_id: leadId, status: 'scheduled', sender: 'me@example.com', to: ['jane@example.com'] });
		expect(noDate.status).toBe(400);
		expect(noDate.body['field-errors']).toHaveProperty('date_scheduled');
		const scheduled = await call('POST', '/activity/email/', { lead_id: leadId, status: 'scheduled', date_scheduled: '2030-01-01T10:00:00+00:00', sender: 'me@example.com', to: ['jane@example.com'] });
		expect(scheduled.body.status).toBe('scheduled');
		expect(sb.admin.closeActivities.sent).toEqual([expect.objectContaining({ kind: 'email', activityId: sent.body.id, to: ['jane@example.com'], subject: 'Hi', body: 'Hello' })]);
	});

	it('a draft goes to outbox once; a sent email can no longer change', async () => {
		const { leadId } = leadWithContact('jane@example.com');
		const draft = await call('POST', '/activity/email/', { lead_id: leadId, status: 'draft', sender: 'me@example.com', to: ['jane@example.com'], subject: 'S', body_text: 'B' });
		expect((await call('PUT', `/activity/email/${draft.body.id}/`, { status: 'outbox' })).body.status).toBe('sent');
		const again = await call('PUT', `/activity/email/${draft.body.id}/`, { status: 'outbox' });
		expect(again.status).toBe(400);
		expect(again.body.errors[0]).toMatch(/only drafts/i);
		expect(sb.admin.closeActivities.sent).toHaveLength(1);
	});

	it('renders a template when no body is posted; an unknown template is a 400', async () => {
		const { leadId, contactId } = leadWithContact('jane@example.com');
		const r = await call('POST', '/activity/email/', { lead_id: leadId, contact_id: contactId, status: 'draft', template_id: 'tmpl_SandboxWelcome000000000001' });
		expect(r.body).toMatchObject({ subject: 'Welcome, Jane', body_text: 'Hello Jane from Acme', template_id: 'tmpl_SandboxWelcome000000000001' });
		const bad = await call('POST', '/activity/email/', { lead_id: leadId, status: 'draft', template_id: 'tmpl_nope' });
		expect(bad.status).toBe(400);
		expect(bad.body['field-errors']).toEqual({ template_id: 'Template not found.' });
	});

	it('SMS outbox needs one of the organization numbers', async () => {
		const { leadId } = leadWithContact();
		const bad = await call('POST', '/activity/sms/', { lead_id: leadId, status: 'outbox', local_phone: '+1999', remote_phone: '+15550001', text: 'x' });
		expect(bad.status).toBe(400);
		const ok = await call('POST', '/activity/sms/', { lead_id: leadId, status: 'outbox', local_phone: SANDBOX_PHONE, remote_phone: '+15550001', text: 'x' });
		expect(ok.body.status).toBe('sent');
		expect(sb.admin.closeActivities.sent).toEqual([expect.objectContaining({ kind: 'sms', to: ['+15550001'], body: 'x' })]);
	});
});

describe('calls', () => {
	it('only the properties Close documents for a call; outcomes listed and checked', async () => {
		const { leadId } = leadWithContact();
		const bad = await call('POST', '/activity/call/', { lead_id: leadId, disposition: 'answered', status: 'done' });
		expect(bad.status).toBe(400);
		expect(bad.body['field-errors']).toEqual({ disposition: 'Additional properties are not allowed.', status: '"done" is not a valid choice.' });
		const outcomes = await call('GET', '/outcome/');
		const ok = await call('POST', '/activity/call/', { lead_id: leadId, direction: 'outbound', duration: 30, status: 'completed', outcome_id: outcomes.body.data[0].id });
		expect(ok.body).toMatchObject({ _type: 'Call', outcome_id: outcomes.body.data[0].id, duration: 30 });
	});
});

describe('sequences', () => {
	it('subscribe, refuse a second subscription, pause and resume, list by contact or sequence', async () => {
		const { contactId } = leadWithContact('jane@example.com');
		const body = { sequence_id: 'seq_SandboxOnboarding000000001', contact_id: contactId, contact_email: 'jane@example.com', sender_account_id: SANDBOX_EMAIL_ACCOUNT, sender_name: 'Sandbox User', sender_email: 'sandbox.user@example.com' };
		const sub = await call('POST', '/sequence_subscription/', body);
		expect(sub.status).toBe(201);
		expect(sub.body).toMatchObject({ status: 'active', contact_id: contactId });
		const twice = await call('POST', '/sequence_subscription/', body);
		expect(twice.status).toBe(400);
		expect(twice.body.errors[0]).toMatch(/already subscribed/);
		expect((await call('PUT', `/sequence_subscription/${sub.body.id}/`, { status: 'paused' })).body).toMatchObject({ status: 'paused', status_reason: 'manual' });
		expect((await call('PUT', `/sequence_subscription/${sub.body.id}/`, { status: 'active' })).body.status).toBe('active');
		expect((await call('GET', `/sequence_subscription/?contact_id=${contactId}`)).body.data).toHaveLength(1);
		expect((await call('GET', '/sequence_subscription/?sequence_id=seq_SandboxOnboarding000000001')).body.data).toHaveLength(1);
		expect((await call('GET', '/sequence_subscription/')).status).toBe(400);
	});
});

describe('custom activities', () => {
	it('types list their fields; required fields checked when published; events activity.custom_activity to webhooks with extra_filter on the type', async () => {
		const receiver = await startReceiver();
		try {
			const types = await call('GET', '/custom_activity/');
			const demo = types.body.data[0];
			expect(demo.fields.map((f: any) => [f.name, f.required])).toEqual([['Topic', true], ['Seats', false], ['Channel', false]]);
			const other = await call('POST', '/custom_activity/', { name: 'Other' });
			sb.admin.createWebhook({
				url: receiver.url,
				events: ['created', 'updated', 'deleted'].map((action) => ({
					object_type: 'activity.custom_activity',
					action,
					// A deleted event carries the record in previous_data only.
					extra_filter: {
						type: 'or',
						filters: ['data', 'previous_data'].map((field) => ({ type: 'field_accessor', field, filter: { type: 'field_accessor', field: 'custom_activity_type_id', filter: { type: 'equals', value: demo.id } } })),
					},
				})),
			});
			const { leadId } = leadWithContact();
			const missing = await call('POST', '/activity/custom/', { lead_id: leadId, custom_activity_type_id: demo.id });
			expect(missing.status).toBe(400);
			expect(missing.body['field-errors']).toEqual({ 'custom.cf_SandboxDemoTopic00000000000001': 'This field is required.' });
			const draft = await call('POST', '/activity/custom/', { lead_id: leadId, custom_activity_type_id: demo.id, status: 'draft' });
			expect(draft.body.status).toBe('draft');
			const made = await call('POST', '/activity/custom/', { lead_id: leadId, custom_activity_type_id: demo.id, 'custom.cf_SandboxDemoTopic00000000000001': 'Pricing', 'custom.cf_SandboxDemoSeats00000000000001': 5 });
			expect(made.body).toMatchObject({ _type: 'CustomActivity', status: 'published', 'custom.cf_SandboxDemoTopic00000000000001': 'Pricing' });
			await call('POST', '/activity/custom/', { lead_id: leadId, custom_activity_type_id: other.body.id });
			expect((await call('PUT', `/activity/custom/${made.body.id}/`, { 'custom.cf_SandboxDemoSeats00000000000001': 7 })).body['custom.cf_SandboxDemoSeats00000000000001']).toBe(7);
			expect((await call('DELETE', `/activity/custom/${made.body.id}/`)).status).toBe(200);
			expect((await call('GET', `/activity/custom/?custom_activity_type_id=${demo.id}`)).status).toBe(400);
			expect((await call('GET', `/activity/custom/?lead_id=${leadId}&custom_activity_type_id=${demo.id}`)).body.data.map((a: any) => a.id)).toEqual([draft.body.id]);
			const events = sb.admin.events().filter((e) => e.object_type === 'activity.custom_activity').map((e) => e.action);
			expect(events).toEqual(['created', 'created', 'created', 'updated', 'deleted']);
			const got = await waitFor(() => (receiver.received.length >= 4 ? receiver.received : undefined));
			expect(got.map((r) => r.json.event.action)).toEqual(['created', 'created', 'updated', 'deleted']);
		} finally {
			await receiver.close();
		}
	});
});

describe('Smart Views and senders', () => {
	it('lists saved searches with their s_query and the senders', async () => {
		const views = await call('GET', '/saved_search/');
		expect(views.body.data[0]).toMatchObject({ name: 'Qualified leads', type: 'lead' });
		expect(views.body.data[0].s_query.query.type).toBe('and');
		expect((await call('GET', '/connected_account/')).body.data[0].identities[0].email).toBe('sandbox.user@example.com');
		expect((await call('GET', '/phone_number/')).body.data[0].number).toBe(SANDBOX_PHONE);
		expect((await call('GET', '/email_template/')).body.data[0].name).toBe('Welcome');
		expect((await call('GET', '/sms_template/')).body.data[0].name).toBe('Reminder');
		expect((await call('GET', '/sequence/')).body.data[0].name).toBe('Onboarding');
	});
});

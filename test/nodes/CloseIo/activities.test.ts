// Activities (call, email, SMS, meeting), sequence subscriptions, custom activities and Lead >
// Get Many from a Smart View, against the sandbox's Close.
import type { ILoadOptionsFunctions } from 'n8n-workflow';

import { CloseIo } from '../../../nodes/CloseIo/CloseIo.node';
import { encodeSender } from '../../../lib/records/closeActivities';
import { SANDBOX_EMAIL_ACCOUNT, SANDBOX_PHONE } from '../../../sandbox/closeActivities';
import { fakeLoadOptionsContext } from '../../helpers/fakeContext';
import { byId, fromList } from '../../helpers/runOpenConnectors';
import { calls, useCloseIo } from './helpers';

jest.setTimeout(30000);

const f = useCloseIo();
const SENDER = encodeSender({ accountId: SANDBOX_EMAIL_ACCOUNT, email: 'sandbox.user@example.com', name: 'Sandbox User' });
const TEMPLATE = 'tmpl_SandboxWelcome000000000001';
const TYPE = 'actitype_SandboxDemoRequest00001';
const TOPIC = 'cf_SandboxDemoTopic00000000000001';
const SEATS = 'cf_SandboxDemoSeats00000000000001';

function leadWithContact(email?: string, phone?: string): { leadId: string; contactId: string } {
	const a = f.sandbox.admin;
	const lead = a.create('lead', { name: 'Acme' });
	const contact = a.create('contact', { lead_id: lead.id, name: 'Jane Doe', emails: email ? [{ email, type: 'office' }] : [], phones: phone ? [{ phone, type: 'mobile' }] : [] });
	return { leadId: lead.id, contactId: contact.id };
}

describe('activity: calls and meetings', () => {
	it('logs a call with direction, duration, outcome and note; get, getAll of the lead, delete', async () => {
		const { leadId, contactId } = leadWithContact();
		const [call] = await f.ok({ resource: 'activity', activityType: 'call', operation: 'create', leadId: fromList(leadId), contactId: byId(contactId), direction: 'inbound', duration: 95, callStatus: 'completed', outcomeId: 'outcome_SandboxDemoBooked000001', note: 'Left a message' });
		expect(call).toMatchObject({ _type: 'Call', lead_id: leadId, contact_id: contactId, direction: 'inbound', duration: 95, status: 'completed', outcome_id: 'outcome_SandboxDemoBooked000001', note: 'Left a message' });
		const badOutcome = await f.run({ resource: 'activity', activityType: 'call', operation: 'create', leadId: fromList(leadId), outcomeId: 'outcome_nope' });
		expect(badOutcome.error?.httpCode).toBe('400');
		expect(badOutcome.error?.description).toMatch(/outcome_id: Outcome not found/);
		expect(await f.ok({ resource: 'activity', activityType: 'call', operation: 'get', activityId: call.id })).toEqual([expect.objectContaining({ id: call.id })]);
		const other = f.sandbox.admin.create('lead', { name: 'Other' });
		await f.ok({ resource: 'activity', activityType: 'call', operation: 'create', leadId: fromList(other.id) });
		expect((await f.ok({ resource: 'activity', activityType: 'call', operation: 'getAll', leadId: fromList(leadId), returnAll: true })).map((c) => c.id)).toEqual([call.id]);
		expect(await f.ok({ resource: 'activity', activityType: 'call', operation: 'getAll', leadId: fromList(''), limit: 1 })).toHaveLength(1);
		expect(await f.ok({ resource: 'activity', activityType: 'call', operation: 'delete', activityId: call.id })).toEqual([{ id: call.id, deleted: true }]);
		expect(f.sandbox.admin.get('call', call.id)).toBeUndefined();
	});

	it('meetings: no create (Close’s API has none), said before any request; get, getAll, delete work', async () => {
		const { leadId } = leadWithContact();
		const refused = await f.run({ resource: 'activity', activityType: 'meeting', operation: 'create', leadId: fromList(leadId) });
		expect(refused.error?.message).toMatch(/^Close’s API does not create meetings/);
		expect(calls(refused)).toEqual([]);
		const meeting = f.sandbox.admin.create('meeting', { lead_id: leadId, title: 'Demo' });
		expect((await f.ok({ resource: 'activity', activityType: 'meeting', operation: 'getAll', leadId: fromList(leadId), returnAll: true })).map((m) => m.id)).toEqual([meeting.id]);
		expect(await f.ok({ resource: 'activity', activityType: 'meeting', operation: 'get', activityId: meeting.id })).toEqual([expect.objectContaining({ title: 'Demo' })]);
		expect(await f.ok({ resource: 'activity', activityType: 'meeting', operation: 'delete', activityId: meeting.id })).toEqual([{ id: meeting.id, deleted: true }]);
	});
});

describe('activity: emails and SMS', () => {
	it('a draft from a template: Close fills it with the contact and lead; the contact’s email is the To', async () => {
		const { leadId, contactId } = leadWithContact('jane@example.com');
		const [email] = await f.ok({ resource: 'activity', activityType: 'email', operation: 'create', leadId: fromList(leadId), contactId: byId(contactId), status: 'draft', templateId: TEMPLATE });
		expect(email).toMatchObject({ status: 'draft', to: ['jane@example.com'], subject: 'Welcome, Jane', body_text: 'Hello Jane from Acme', template_id: TEMPLATE });
		expect(f.sandbox.admin.closeActivities.sent).toEqual([]);
	});

	it('outbox: sent once through the chosen sender, even when the node runs the item again (Retry On Fail)', async () => {
		const { leadId, contactId } = leadWithContact('jane@example.com');
		const items = [{ json: { subject: 'Offer' } }, { json: { subject: 'Broken' } }];
		const parameters = {
			resource: 'activity',
			activityType: 'email',
			operation: 'create',
			leadId: fromList(leadId),
			contactId: byId(contactId),
			status: 'outbox',
			sender: SENDER,
			subject: (i: number) => items[i].json.subject,
			bodyText: 'See attached',
			// The second item names an unknown template: the run fails after the first was sent.
			templateId: (i: number) => (i === 1 ? 'tmpl_Unknown' : ''),
		};
		const first = await f.run(parameters, { inputItems: items });
		expect(first.error?.message).toBe('Unknown template "tmpl_Unknown": Close has no such template (choose one from the list)');
		const second = await f.run(parameters, { inputItems: items });
		expect(second.error?.message).toMatch(/Unknown template/);
		const sent = f.sandbox.admin.closeActivities.sent;
		expect(sent).toHaveLength(1);
		expect(sent[0]).toMatchObject({ kind: 'email', to: ['jane@example.com'], subject: 'Offer', body: 'See attached' });
		// The retry read the first item's email back instead of creating another.
		expect(calls(second).filter((c) => c.startsWith('POST /api/v1/activity/email'))).toHaveLength(1);
		expect(f.sandbox.admin.records('email').filter((e) => e.status === 'sent')).toHaveLength(1);
		const [ok] = await f.ok({ ...parameters, templateId: '' }, { inputItems: [items[0]] });
		expect(ok).toMatchObject({ id: sent[0].activityId, status: 'sent', sender: '"Sandbox User" <sandbox.user@example.com>' });
		expect(f.sandbox.admin.closeActivities.sent).toHaveLength(1);
	});

	it('scheduled: needs a date and stays scheduled; a contact without email cannot be emailed', async () => {
		const { leadId, contactId } = leadWithContact('jane@example.com');
		const [scheduled] = await f.ok({ resource: 'activity', activityType: 'email', operation: 'create', leadId: fromList(leadId), contactId: byId(contactId), status: 'scheduled', dateScheduled: '2030-05-01T09:00:00Z', sender: SENDER, subject: 'Later', bodyText: 'Hi' });
		expect(scheduled).toMatchObject({ status: 'scheduled', date_scheduled: '2030-05-01T09:00:00.000000+00:00' });
		const noEmail = leadWithContact();
		const failed = await f.run({ resource: 'activity', activityType: 'email', operation: 'create', leadId: fromList(noEmail.leadId), contactId: byId(noEmail.contactId), status: 'outbox', sender: SENDER, subject: 'x', bodyText: 'y' });
		expect(failed.error?.message).toBe(`Contact ${noEmail.contactId} has no email address: add one in Close, or choose another contact`);
		expect(calls(failed).some((c) => c.startsWith('POST'))).toBe(false);
		const noSender = await f.run({ resource: 'activity', activityType: 'email', operation: 'create', leadId: fromList(leadId), contactId: byId(contactId), status: 'outbox', subject: 'x', bodyText: 'y' });
		expect(noSender.error?.message).toMatch(/^Missing required field: Sender/);
		expect(f.sandbox.admin.closeActivities.sent).toEqual([]);
	});

	it('SMS outbox from a template to the contact’s phone, from an organization number', async () => {
		const { leadId, contactId } = leadWithContact(undefined, '+15550001111');
		const [sms] = await f.ok({ resource: 'activity', activityType: 'sms', operation: 'create', leadId: fromList(leadId), contactId: byId(contactId), status: 'outbox', sender: SANDBOX_PHONE, templateId: 'smstmpl_SandboxReminder0000000001' });
		expect(sms).toMatchObject({ _type: 'SMS', status: 'sent', remote_phone: '+15550001111', local_phone: SANDBOX_PHONE, text: 'Hi Jane, see you soon' });
		expect(f.sandbox.admin.closeActivities.sent).toEqual([expect.objectContaining({ kind: 'sms', to: ['+15550001111'] })]);
	});
});

describe('sequence subscription', () => {
	it('subscribes, refuses a second time saying so and changing nothing, pauses and resumes, lists by contact and sequence', async () => {
		const { contactId } = leadWithContact('jane@example.com');
		const create = { resource: 'sequenceSubscription', operation: 'create', sequenceId: 'seq_SandboxOnboarding000000001', contactId: fromList(contactId), sender: SENDER };
		const [sub] = await f.ok(create);
		expect(sub).toMatchObject({ status: 'active', contact_id: contactId, contact_email: 'jane@example.com', sender_account_id: SANDBOX_EMAIL_ACCOUNT, sender_email: 'sandbox.user@example.com' });
		const again = await f.run(create);
		expect(again.error?.message).toBe(`Contact ${contactId} is already subscribed to sequence seq_SandboxOnboarding000000001: nothing was changed`);
		expect(calls(again).some((c) => c.startsWith('POST'))).toBe(false);
		expect([...f.sandbox.admin.closeActivities.subscriptions.values()]).toHaveLength(1);
		expect(await f.ok({ resource: 'sequenceSubscription', operation: 'update', subscriptionId: sub.id, subscriptionStatus: 'paused' })).toEqual([expect.objectContaining({ status: 'paused' })]);
		expect(await f.ok({ resource: 'sequenceSubscription', operation: 'update', subscriptionId: sub.id, subscriptionStatus: 'active' })).toEqual([expect.objectContaining({ status: 'active' })]);
		expect((await f.ok({ resource: 'sequenceSubscription', operation: 'getAll', subscriptionsOf: 'contact', contactId: byId(contactId), returnAll: true })).map((s) => s.id)).toEqual([sub.id]);
		expect((await f.ok({ resource: 'sequenceSubscription', operation: 'getAll', subscriptionsOf: 'sequence', sequenceId: 'seq_SandboxOnboarding000000001', returnAll: true })).map((s) => s.id)).toEqual([sub.id]);
	});

	it('a contact without email cannot be enrolled', async () => {
		const { contactId } = leadWithContact();
		const result = await f.run({ resource: 'sequenceSubscription', operation: 'create', sequenceId: 'seq_SandboxOnboarding000000001', contactId: byId(contactId), sender: SENDER });
		expect(result.error?.message).toMatch(/has no email address/);
		expect(f.sandbox.admin.closeActivities.subscriptions.size).toBe(0);
	});
});

describe('custom activity', () => {
	const mapped = (value: Record<string, unknown>) => ({ mappingMode: 'defineBelow', value });

	it('create from the mapper’s fields; a required field left empty is named before any write; draft allows it', async () => {
		const { leadId } = leadWithContact();
		const missing = await f.run({ resource: 'customActivity', operation: 'create', leadId: fromList(leadId), customActivityTypeId: TYPE, customActivityFields: mapped({ [SEATS]: 3 }) });
		expect(missing.error?.message).toBe('Missing required field of "Demo Request": Topic');
		expect(calls(missing).some((c) => c.startsWith('POST'))).toBe(false);
		const [made] = await f.ok({ resource: 'customActivity', operation: 'create', leadId: fromList(leadId), customActivityTypeId: TYPE, customActivityFields: mapped({ [TOPIC]: 'Pricing', [SEATS]: '12' }) });
		expect(made).toMatchObject({ _type: 'CustomActivity', status: 'published', custom_activity_type_id: TYPE, [`custom.${TOPIC}`]: 'Pricing', [`custom.${SEATS}`]: 12 });
		const [draft] = await f.ok({ resource: 'customActivity', operation: 'create', leadId: fromList(leadId), customActivityTypeId: TYPE, customActivityStatus: 'draft', customActivityFields: mapped({}) });
		expect(draft.status).toBe('draft');

		const [updated] = await f.ok({ resource: 'customActivity', operation: 'update', customActivityId: made.id, customActivityTypeId: TYPE, customActivityFields: mapped({ [SEATS]: 20 }) });
		expect(updated).toMatchObject({ [`custom.${TOPIC}`]: 'Pricing', [`custom.${SEATS}`]: 20, status: 'published' });
		const publishEmpty = await f.run({ resource: 'customActivity', operation: 'update', customActivityId: draft.id, customActivityTypeId: TYPE, customActivityStatus: 'published', customActivityFields: mapped({}) });
		expect(publishEmpty.error?.message).toBe('Missing required field of "Demo Request": Topic');

		expect(await f.ok({ resource: 'customActivity', operation: 'get', customActivityId: made.id })).toEqual([expect.objectContaining({ id: made.id })]);
		expect((await f.ok({ resource: 'customActivity', operation: 'getAll', leadId: fromList(leadId), customActivityTypeId: TYPE, returnAll: true })).map((a) => a.id).sort()).toEqual([made.id, draft.id].sort());
		const noLead = await f.run({ resource: 'customActivity', operation: 'getAll', leadId: fromList(''), customActivityTypeId: TYPE, returnAll: true });
		expect(noLead.error?.message).toMatch(/needs a Lead/);
		expect(await f.ok({ resource: 'customActivity', operation: 'delete', customActivityId: made.id })).toEqual([{ id: made.id, deleted: true }]);
		expect(f.sandbox.admin.get('custom_activity', made.id)).toBeUndefined();
	});
});

describe('lead getAll from a Smart View', () => {
	it('returns the leads the Smart View selects, whole', async () => {
		const a = f.sandbox.admin;
		const qualified = a.create('lead', { name: 'Q1', status_id: 'stat_SandboxQualified00000001' });
		a.create('lead', { name: 'Other' });
		const leads = await f.ok({ resource: 'lead', operation: 'getAll', smartViewId: 'save_SandboxQualified0000000001', returnAll: true });
		expect(leads).toEqual([expect.objectContaining({ id: qualified.id, name: 'Q1', contacts: [] })]);
	});
});

describe('editor lists and the AI tool', () => {
	const node = new CloseIo();
	const ctx = (parameters: Record<string, unknown> = {}) =>
		fakeLoadOptionsContext({ nodeType: node, credentials: { openConnectorsApi: f.credentials }, parameters: parameters as never }) as ILoadOptionsFunctions;

	it('templates and senders follow the activity type; sequences, types, Smart Views; the type’s fields with required ones marked', async () => {
		expect(await node.methods.loadOptions.getTemplates.call(ctx({ resource: 'activity', activityType: 'email' }))).toEqual([{ name: 'Welcome', value: TEMPLATE, description: 'Welcome, {{ contact.first_name }}' }]);
		expect((await node.methods.loadOptions.getTemplates.call(ctx({ resource: 'activity', activityType: 'sms' })))[0].name).toBe('Reminder');
		expect(await node.methods.loadOptions.getSenders.call(ctx({ resource: 'activity', activityType: 'email' }))).toEqual([{ name: 'Sandbox User <sandbox.user@example.com>', value: SENDER }]);
		expect((await node.methods.loadOptions.getSenders.call(ctx({ resource: 'activity', activityType: 'sms' })))[0].value).toBe(SANDBOX_PHONE);
		expect((await node.methods.loadOptions.getSequences.call(ctx())).map((s) => s.name)).toEqual(['Onboarding']);
		expect((await node.methods.loadOptions.getCallOutcomes.call(ctx())).map((s) => s.name)).toEqual(['Demo Booked', 'Left Pre-Recorded Voicemail']);
		expect((await node.methods.loadOptions.getCustomActivityTypes.call(ctx())).map((s) => s.value)).toEqual([TYPE]);
		expect((await node.methods.loadOptions.getSmartViews.call(ctx())).map((s) => s.name)).toEqual(['Qualified leads']);
		const mapper = await node.methods.resourceMapping.getCustomActivityFields.call(ctx({ resource: 'customActivity', operation: 'create', customActivityTypeId: TYPE }));
		expect(mapper.fields.map((x) => [x.displayName, x.type, x.required])).toEqual([
			['Topic', 'string', true],
			['Seats', 'number', false],
			['Channel', 'options', false],
		]);
		expect(mapper.fields[2].options).toEqual([{ name: 'web', value: 'web' }, { name: 'phone', value: 'phone' }]);
		const { leadId } = leadWithContact();
		void leadId;
		const found = await node.methods.listSearch.searchCloseContacts.call(ctx(), 'jan');
		expect(found.results.map((r) => r.name)).toEqual(['Jane Doe']);
	});

	it('usableAsTool: the new resources are offered with their operations', () => {
		expect(node.description.usableAsTool).toBe(true);
		const resource = node.description.properties.find((p) => p.name === 'resource')!;
		expect(resource.options!.map((o) => (o as { value: string }).value)).toEqual(expect.arrayContaining(['activity', 'sequenceSubscription', 'customActivity']));
	});
});

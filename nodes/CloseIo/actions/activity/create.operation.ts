import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ActivityType, MessageStatus } from '../../../../lib/records/closeActivities';
import { activityPath, contactEmail, contactPhone, createMessageOnce, decodeSender, explainCloseError, fingerprint, senderHeader } from '../../../../lib/records/closeActivities';
import type { CloseRecord, RecordsClient } from '../../../../lib/records/recordsClient';
import { closeDate } from '../../../../lib/records/where';
import { fail, leadLocator, readLeadId, readString } from '../common';
import { closeCall, contactLocator, optionalString, readContactId } from './fields';
import { SENT_MESSAGES } from './sentMessages';

const on = (types: ActivityType[], more: IDataObject = {}) => ({ show: { resource: ['activity'], operation: ['create'], activityType: types, ...more } });
const messages: ActivityType[] = ['email', 'sms'];
export const NO_MEETING_CREATE = 'Close’s API does not create meetings: they come from the calendars connected in Close. Get, Get Many and Delete work on meetings.';

export const description: INodeProperties[] = [
	{ displayName: NO_MEETING_CREATE, name: 'meetingNotice', type: 'notice', default: '', displayOptions: on(['meeting']) },
	leadLocator('leadId', 'Lead', on(['call', 'email', 'sms'])),
	contactLocator('activity', ['create'], false, 'The contact it is with. Email and SMS: its first email address or phone number when To is empty.', { activityType: ['call', 'email', 'sms'] }),
	{
		displayName: 'Status',
		name: 'status',
		type: 'options',
		default: 'draft',
		displayOptions: on(messages),
		options: [
			{ name: 'Draft', value: 'draft', description: 'Saved in Close, not sent' },
			{ name: 'Send Now (Outbox)', value: 'outbox', description: 'Close sends it through the sender. Sent once, even when the item is retried.' },
			{ name: 'Scheduled', value: 'scheduled', description: 'Close sends it at the date set' },
		],
	},
	{ displayName: 'Send At', name: 'dateScheduled', type: 'dateTime', required: true, default: '', displayOptions: on(messages, { status: ['scheduled'] }) },
	{
		displayName: 'Sender Name or ID',
		name: 'sender',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getSenders', loadOptionsDependsOn: ['activityType'] },
		default: '',
		displayOptions: on(messages),
		description:
			'Email: a connected email account of Close; SMS: a phone number of the organization. Needed to send or schedule. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'Template Name or ID',
		name: 'templateId',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getTemplates', loadOptionsDependsOn: ['activityType'] },
		default: '',
		displayOptions: on(messages),
		description:
			'Close fills the template with the lead and contact; a Subject or Body set below replaces the template’s. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{ displayName: 'To', name: 'to', type: 'string', default: '', displayOptions: on(['email']), placeholder: 'e.g. jane@example.com, joe@example.com', description: 'Addresses, comma-separated. Empty: the contact’s first email address.' },
	{ displayName: 'To', name: 'remotePhone', type: 'string', default: '', displayOptions: on(['sms']), placeholder: 'e.g. +15555550123', description: 'Empty: the contact’s first phone number' },
	{ displayName: 'Subject', name: 'subject', type: 'string', default: '', displayOptions: on(['email']), description: 'Empty with a template: the template’s' },
	{ displayName: 'Body', name: 'bodyText', type: 'string', default: '', typeOptions: { rows: 6 }, displayOptions: on(['email']), description: 'Plain text. Empty with a template: the template’s.' },
	{ displayName: 'Text', name: 'text', type: 'string', default: '', typeOptions: { rows: 3 }, displayOptions: on(['sms']), description: 'Empty with a template: the template’s' },
	{
		displayName: 'Direction',
		name: 'direction',
		type: 'options',
		default: 'outbound',
		displayOptions: on(['call']),
		options: [
			{ name: 'Outbound', value: 'outbound' },
			{ name: 'Inbound', value: 'inbound' },
		],
	},
	{ displayName: 'Duration (Seconds)', name: 'duration', type: 'number', typeOptions: { minValue: 0 }, default: 0, displayOptions: on(['call']) },
	{
		displayName: 'Call Status',
		name: 'callStatus',
		type: 'options',
		default: 'completed',
		displayOptions: on(['call']),
		options: [
			{ name: 'Busy', value: 'busy' },
			{ name: 'Cancelled', value: 'cancel' },
			{ name: 'Completed', value: 'completed' },
			{ name: 'Failed', value: 'failed' },
			{ name: 'No Answer', value: 'no-answer' },
		],
	},
	{
		displayName: 'Outcome Name or ID',
		name: 'outcomeId',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getCallOutcomes' },
		default: '',
		displayOptions: on(['call']),
		description: 'One of the organization’s call outcomes (optional). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{ displayName: 'Phone', name: 'phone', type: 'string', default: '', displayOptions: on(['call']), placeholder: 'e.g. +15555550123' },
	{ displayName: 'Note', name: 'note', type: 'string', default: '', typeOptions: { rows: 3 }, displayOptions: on(['call']) },
];

async function readContact(records: RecordsClient, contactId: string): Promise<CloseRecord> {
	return await records.callClose<CloseRecord>({ method: 'GET', path: `/contact/${encodeURIComponent(contactId)}/` });
}

export async function execute(this: IExecuteFunctions, records: RecordsClient, itemIndex: number): Promise<IDataObject[]> {
	const type = this.getNodeParameter('activityType', itemIndex) as ActivityType;
	if (type === 'meeting') fail(this, NO_MEETING_CREATE, itemIndex);
	const leadId = readLeadId(this, 'leadId', itemIndex)!;
	const contactId = readContactId(this, itemIndex, false);
	const body: Record<string, unknown> = { lead_id: leadId };
	if (contactId) body.contact_id = contactId;
	const call = closeCall(records);

	if (type === 'call') {
		body.direction = this.getNodeParameter('direction', itemIndex, 'outbound');
		body.duration = Number(this.getNodeParameter('duration', itemIndex, 0)) || 0;
		body.status = this.getNodeParameter('callStatus', itemIndex, 'completed');
		const outcome = optionalString(this, 'outcomeId', itemIndex);
		if (outcome) body.outcome_id = outcome;
		const phone = optionalString(this, 'phone', itemIndex);
		if (phone) body.phone = phone;
		const note = optionalString(this, 'note', itemIndex);
		if (note) body.note = note;
		return [await call<CloseRecord>({ method: 'POST', path: activityPath('call'), body })] as IDataObject[];
	}
	const status = this.getNodeParameter('status', itemIndex, 'draft') as MessageStatus;
	const sending = status === 'outbox' || status === 'scheduled';
	body.status = status;
	if (status === 'scheduled') body.date_scheduled = closeDate(readString(this, 'dateScheduled', itemIndex, 'Send At'));
	const templateId = optionalString(this, 'templateId', itemIndex);
	if (templateId) body.template_id = templateId;
	const sender = optionalString(this, 'sender', itemIndex);
	if (sending && !sender) fail(this, `Missing required field: Sender (Close needs it to ${status === 'outbox' ? 'send' : 'schedule'} the ${type === 'sms' ? 'SMS' : 'email'})`, itemIndex);

	if (type === 'email') {
		if (sender) {
			const from = decodeSender(sender);
			body.sender = senderHeader(from);
			body.email_account_id = from.accountId;
		}
		let to = (optionalString(this, 'to', itemIndex) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
		if (to.length === 0 && contactId) to = [contactEmail(await readContact(records, contactId))];
		if (to.length === 0 && sending) fail(this, 'Missing required field: To (or choose a contact with an email address)', itemIndex);
		if (to.length) body.to = to;
		const subject = optionalString(this, 'subject', itemIndex);
		const text = optionalString(this, 'bodyText', itemIndex);
		if (subject) body.subject = subject;
		if (text) body.body_text = text;
		if (!templateId && sending && !text) fail(this, 'Missing required field: Body (or choose a template)', itemIndex);
	} else {
		if (sender) body.local_phone = sender;
		let to = optionalString(this, 'remotePhone', itemIndex);
		if (!to && contactId) to = contactPhone(await readContact(records, contactId));
		if (!to && sending) fail(this, 'Missing required field: To (or choose a contact with a phone number)', itemIndex);
		if (to) body.remote_phone = to;
		const text = optionalString(this, 'text', itemIndex);
		if (text) body.text = text;
		if (!templateId && sending && !text) fail(this, 'Missing required field: Text (or choose a template)', itemIndex);
	}
	// The same item of the same node in the same execution, with the same message: a retry.
	const key = `${this.getExecutionId()}|${this.getNode().id}|${itemIndex}|${fingerprint(JSON.stringify(body))}`;
	try {
		return [await createMessageOnce(call, type, body, SENT_MESSAGES, key)] as IDataObject[];
	} catch (error) {
		throw explainCloseError(error, { templateId });
	}
}

// Close's event types (object_type + action), as a webhook subscription may name them.
//
// Sources: Close's "List of Event Types" (developer.close.com/api/resources/events/list-of-event-types,
// transcribed in api-evangelist/close asyncapi/close-webhooks.yml: 38 object types and the actions),
// and the Tasks page (developer.close.com/api/resources/tasks) for the task subtypes. Tasks are
// `task.SUBTYPE`; a bare `task` is not an event type. The docs list actions globally, not per object
// type, so an action is checked against that list only.

export const TASK_SUBTYPES: readonly string[] = [
	'lead',
	'incoming_email',
	'email_followup',
	'missed_call',
	'answered_detached_call',
	'voicemail',
	'opportunity_due',
	'incoming_sms',
	'outgoing_call',
];

export const EVENT_OBJECT_TYPES: readonly string[] = [
	'lead',
	'contact',
	'opportunity',
	'activity.email',
	'activity.email_thread',
	'activity.call',
	'activity.sms',
	'activity.whatsapp_message',
	'activity.note',
	'activity.meeting',
	'activity.form_submission',
	'activity.custom_activity',
	'activity.lead_status_change',
	'activity.opportunity_status_change',
	'activity.task_completed',
	'activity.lead_merge',
	...TASK_SUBTYPES.map((s) => `task.${s}`),
	'unsubscribed_email',
	'import',
	'custom_fields.lead',
	'custom_fields.contact',
	'custom_fields.opportunity',
	'custom_fields.activity',
	'custom_fields.custom_object',
	'custom_fields.shared',
	'custom_activity_type',
	'custom_object_type',
	'custom_object',
	'membership',
	'group',
	'saved_search',
	'phone_number',
	'email_template',
	'sms_template',
	'sequence',
	'sequence_subscription',
	'comment',
	'comment_thread',
];

export const EVENT_ACTIONS: readonly string[] = [
	'created',
	'updated',
	'deleted',
	'merged',
	'completed',
	'sent',
	'answered',
	'scheduled',
	'canceled',
	'started',
	'paused',
	'activated',
	'deactivated',
	'reverting',
	'reverted',
];

/** Close's field error for an event type it does not have, or undefined. */
export function eventTypeError(objectType: string, action: string): { field: 'object_type' | 'action'; message: string } | undefined {
	if (!EVENT_OBJECT_TYPES.includes(objectType)) {
		return { field: 'object_type', message: `"${objectType}" is not a valid choice.` };
	}
	if (!EVENT_ACTIONS.includes(action)) return { field: 'action', message: `"${action}" is not a valid choice.` };
	return undefined;
}

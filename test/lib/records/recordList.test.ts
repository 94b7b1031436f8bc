import { recordListName } from '../../../lib/records/recordList';

describe('recordListName', () => {
	it('names records as Close shows them, with their lead when Close gives it', () => {
		expect(recordListName('contact', { id: 'cont_1', name: 'Jane', emails: [{ email: 'j@x.test' }] })).toBe('Jane <j@x.test>');
		expect(recordListName('contact', { id: 'cont_1', emails: [{ email: 'j@x.test' }] })).toBe('j@x.test');
		expect(recordListName('contact', { id: 'cont_1' })).toBe('cont_1');
		expect(recordListName('task', { id: 'task_1', text: 'Call', lead_name: 'Acme' })).toBe('Call (Acme)');
		expect(recordListName('opportunity', { id: 'oppo_1', status_label: 'Active', value_formatted: '$500', lead_name: 'Acme' })).toBe('Active $500 (Acme)');
		expect(recordListName('note', { id: 'acti_1', note: 'x'.repeat(100) })).toBe(`${'x'.repeat(59)}…`);
	});
});

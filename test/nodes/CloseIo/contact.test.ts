import { fromList } from '../../helpers/runOpenConnectors';
import { calls, useCloseIo } from './helpers';

jest.setTimeout(30000);

const f = useCloseIo();

describe('contact', () => {
	it('create on a lead with emails, phones and a custom field; get; update; delete', async () => {
		const a = f.sandbox.admin;
		const l = a.create('lead', { name: 'Acme' });
		const tier = a.createCustomField('contact', { name: 'Tier', type: 'choices', choices: ['Gold', 'Silver'] });
		const [created] = await f.ok({
			resource: 'contact',
			operation: 'create',
			leadId: fromList(l.id),
			fields: { name: 'Jane Roe', title: 'CTO', emails: 'jane@acme.example, jr@acme.example', phones: '+1 415 555 0100' },
			customFields: { field: [{ fieldId: tier.id, value: 'Gold' }] },
		});
		expect(created).toMatchObject({
			lead_id: l.id,
			name: 'Jane Roe',
			title: 'CTO',
			emails: [
				{ email: 'jane@acme.example', type: 'office' },
				{ email: 'jr@acme.example', type: 'office' },
			],
			// Close stores and returns E.164.
			phones: [{ phone: '+14155550100', type: 'office' }],
			custom: { [tier.id]: 'Gold' },
		});
		expect(await f.ok({ resource: 'contact', operation: 'get', contactId: created.id })).toEqual([expect.objectContaining({ id: created.id })]);

		const bad = await f.run({ resource: 'contact', operation: 'update', contactId: created.id, customFields: { field: [{ fieldId: tier.id, value: 'Bronze' }] } });
		expect(bad.error?.message).toMatch(/Bronze/);
		expect(a.get('contact', created.id)!.custom).toEqual({ [tier.id]: 'Gold' });

		const [updated] = await f.ok({ resource: 'contact', operation: 'update', contactId: created.id, updateFields: { title: 'CEO' } });
		expect(updated).toMatchObject({ id: created.id, title: 'CEO', name: 'Jane Roe' });

		expect(await f.ok({ resource: 'contact', operation: 'delete', contactId: created.id })).toEqual([{ id: created.id, deleted: true }]);
		expect(a.get('contact', created.id)).toBeUndefined();
	});

	it('create without a lead: Close creates a lead around the contact', async () => {
		const [created] = await f.ok({ resource: 'contact', operation: 'create', fields: { name: 'Solo' } });
		expect(created.lead_id).toMatch(/^lead_/);
		expect(f.sandbox.admin.get('lead', created.lead_id)).toBeDefined();
	});

	it('getAll filters by lead', async () => {
		const a = f.sandbox.admin;
		const one = a.create('lead', { name: 'One' });
		const two = a.create('lead', { name: 'Two' });
		a.create('contact', { lead_id: one.id, name: 'A' });
		a.create('contact', { lead_id: one.id, name: 'B' });
		a.create('contact', { lead_id: two.id, name: 'C' });
		const out = await f.ok({ resource: 'contact', operation: 'getAll', returnAll: true, filters: { leadId: `https://app.close.com/lead/${one.id}/` } });
		expect(out.map((c) => c.name).sort()).toEqual(['A', 'B']);
	});

	it('upsert by email: creates, then updates the same contact; by phone matches the E.164 number typed any common way', async () => {
		const a = f.sandbox.admin;
		const l = a.create('lead', { name: 'Acme' });
		const [created] = await f.ok({ resource: 'contact', operation: 'upsert', matchBy: 'email', matchValue: 'ann@acme.example', leadId: fromList(l.id), fields: { name: 'Ann' } });
		expect(created).toMatchObject({ lead_id: l.id, name: 'Ann', emails: [{ email: 'ann@acme.example', type: 'office' }] });
		const [again] = await f.ok({ resource: 'contact', operation: 'upsert', matchBy: 'email', matchValue: 'Ann@Acme.example', fields: { title: 'VP' } });
		expect(again).toMatchObject({ id: created.id, title: 'VP' });

		const phone = a.create('contact', { lead_id: l.id, name: 'Phoned', phones: [{ phone: '+1 (415) 555-0199', type: 'mobile' }] });
		expect(phone.phones).toEqual([{ phone: '+14155550199', type: 'mobile' }]);
		for (const typed of ['14155550199', '(415) 555-0199', '415.555.0199', '+1 415 555 0199', '415-555-0199 x7']) {
			const [byPhone] = await f.ok({ resource: 'contact', operation: 'upsert', matchBy: 'phone', matchValue: typed, fields: { title: `Buyer ${typed}` } });
			expect(byPhone).toMatchObject({ id: phone.id, title: `Buyer ${typed}` });
		}
		expect(a.records('contact')).toHaveLength(2);
		const uk = a.create('contact', { lead_id: l.id, name: 'London', phones: [{ phone: '+44 (0)20 7946 0958', type: 'office' }] });
		const [byUk] = await f.ok({ resource: 'contact', operation: 'upsert', matchBy: 'phone', matchValue: '0044 20 7946 0958', fields: { title: 'UK' } });
		expect(byUk).toMatchObject({ id: uk.id, title: 'UK' });
		expect(a.records('contact')).toHaveLength(3);
	});

	it('upsert with several matching contacts fails naming them and writes nothing', async () => {
		const a = f.sandbox.admin;
		const l = a.create('lead', { name: 'Acme' });
		const c1 = a.create('contact', { lead_id: l.id, emails: [{ email: 'dup@acme.example' }] });
		const c2 = a.create('contact', { lead_id: l.id, emails: [{ email: 'dup@acme.example' }] });
		const before = a.events().length;
		const result = await f.run({ resource: 'contact', operation: 'upsert', matchBy: 'email', matchValue: 'dup@acme.example', fields: { title: 'x' } });
		expect(result.error?.message).toContain(c1.id);
		expect(result.error?.message).toContain(c2.id);
		expect(a.events()).toHaveLength(before);
		expect(calls(result)).toEqual(['POST /api/v1/data/search/']);
	});
});

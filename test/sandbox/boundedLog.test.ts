import { startSandbox } from '../../sandbox';
import { appendBounded } from '../../sandbox/boundedLog';
import { closeAuth } from './helpers';

describe('appendBounded', () => {
	it('keeps at least the most recent `limit` entries and never more than a tenth over', () => {
		const list: number[] = [];
		for (let i = 0; i < 1000; i++) {
			appendBounded(list, i, 100);
			expect(list.length).toBeLessThanOrEqual(110);
			if (i < 110) expect(list.length).toBe(i + 1);
			expect(list[list.length - 1]).toBe(i);
			if (i >= 100) expect(list.length).toBeGreaterThanOrEqual(100);
		}
		// In order and contiguous: only the oldest were dropped.
		list.forEach((value, index) => expect(value).toBe(list[0] + index));
	});
});

describe('sandbox logs stay bounded (a long npm start session)', () => {
	it('the request log keeps the most recent `logLimit` requests', async () => {
		const sb = await startSandbox({ port: 0, logLimit: 10 });
		try {
			for (let i = 0; i < 40; i++) await (await fetch(`${sb.closeBaseUrl}/lead/?_limit=1&n=${i}`, { headers: closeAuth(sb) })).text();
			const logged = sb.admin.requests();
			expect(logged.length).toBeGreaterThanOrEqual(10);
			expect(logged.length).toBeLessThanOrEqual(11);
			expect(logged[logged.length - 1].query.n).toBe('39');
		} finally {
			await sb.close();
		}
	});
});

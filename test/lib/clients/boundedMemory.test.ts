import { BoundedMemory } from '../../../lib/clients/boundedMemory';

describe('BoundedMemory', () => {
	it('the memory forgets its oldest keys beyond its bound', () => {
		const memory = new BoundedMemory(2);
		memory.set('a', '1');
		memory.set('b', '2');
		memory.set('c', '3');
		expect([memory.get('a'), memory.get('b'), memory.get('c')]).toEqual([undefined, '2', '3']);
	});

	it('setting a key again makes it the newest; delete and clear forget', () => {
		const memory = new BoundedMemory(2);
		memory.set('a', '1');
		memory.set('b', '2');
		memory.set('a', '1');
		memory.set('c', '3');
		expect([memory.get('a'), memory.get('b'), memory.get('c')]).toEqual(['1', undefined, '3']);
		memory.delete('a');
		expect([memory.get('a'), memory.size]).toEqual([undefined, 1]);
		memory.clear();
		expect(memory.size).toBe(0);
	});
});

// The examples as shipped: they must not look configured after import (no pinned instance or
// credential), must say what to set, and post only to a URL a trigger of theirs answers.
import * as fs from 'node:fs';
import * as path from 'node:path';

const DIR = path.join(__dirname, '..', '..', 'examples');
const PKG = 'n8n-nodes-open-connectors-closeio.';
const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.json'));

type Node = { name: string; type: string; parameters: Record<string, any>; credentials?: unknown };
const load = (file: string) => JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')) as { nodes: Node[] };

describe.each(files)('examples/%s', (file) => {
	const wf = load(file);
	const ours = wf.nodes.filter((n) => n.type.startsWith(PKG));

	it('pins no credential and no instance', () => {
		expect(ours.length).toBeGreaterThan(0);
		for (const node of ours) {
			expect([node.name, node.credentials]).toEqual([node.name, undefined]);
			const instance = node.parameters.instance as { value?: unknown } | undefined;
			if (instance) expect([node.name, String(instance.value ?? '') === '' || String(instance.value).startsWith('=')]).toEqual([node.name, true]);
		}
	});

	it('has a sticky note saying what to set', () => {
		const notes = wf.nodes.filter((n) => n.type === 'n8n-nodes-base.stickyNote');
		expect(notes).toHaveLength(1);
		expect(String(notes[0].parameters.content)).toMatch(/Credential/);
	});

	it('posts only to a webhook path a node of the same workflow answers', () => {
		const paths = new Set(wf.nodes.filter((n) => n.type === 'n8n-nodes-base.webhook').map((n) => String(n.parameters.path)));
		const text = JSON.stringify(ours.map((n) => n.parameters));
		for (const match of text.matchAll(/\/webhook(?:-test)?\/([A-Za-z0-9_-]+)/g)) expect(paths).toContain(match[1]);
	});

	it('webhook-mode triggers set Delivery at the top level', () => {
		for (const node of ours.filter((n) => n.type === `${PKG}closeIoTrigger` && n.parameters.mode === 'webhook')) {
			expect(node.parameters.delivery).toBeDefined();
			expect(node.parameters.options?.delivery).toBeUndefined();
		}
	});
});

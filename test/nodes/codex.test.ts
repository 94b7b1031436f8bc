/**
 * Each node listed in package.json has a codex file (`X.node.json` next to `X.node.ts`; the build
 * copies it beside `X.node.js`, where n8n's loader reads it: `getCodex` in n8n-core's
 * nodes-loader/directory-loader.js). n8n takes from it `categories`, `subcategories`, `alias` and
 * `resources.primaryDocumentation` / `credentialDocumentation`; a codex without `resources` makes
 * that read throw, and n8n then drops the whole codex silently. The editor e2e test proves n8n
 * serves it (test/e2e/editor.test.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { INodeType } from 'n8n-workflow';

const REPO = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
	name: string;
	homepage: string;
	n8n: { nodes: string[] };
};

/** The categories n8n's own nodes use (n8n-nodes-base 1.123.x codex files): the node panel knows these. */
const N8N_CATEGORIES = [
	'Analytics',
	'Communication',
	'Core Nodes',
	'Data & Storage',
	'Development',
	'Finance & Accounting',
	'Marketing',
	'Miscellaneous',
	'Productivity',
	'Sales',
	'Utility',
];

interface Codex {
	node: string;
	nodeVersion: string;
	codexVersion: string;
	categories: string[];
	subcategories?: Record<string, string[]>;
	alias?: string[];
	resources: { primaryDocumentation: Array<{ url: string }>; credentialDocumentation: Array<{ url: string }> };
}

/** GitHub's anchor for a README heading: lower case, punctuation dropped, spaces to hyphens. */
const githubSlug = (heading: string) =>
	heading
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{N}\s_-]/gu, '')
		.replace(/\s/g, '-');
const readmeAnchors = new Set(
	fs
		.readFileSync(path.join(REPO, 'README.md'), 'utf8')
		.split('\n')
		.filter((line) => /^#{1,6}\s/.test(line))
		.map((line) => githubSlug(line.replace(/^#+/, ''))),
);

const nodes = pkg.n8n.nodes.map((dist) => {
	const source = path.join(REPO, dist.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
	return { dist, source, codexFile: source.replace(/\.ts$/, '.json') };
});

describe.each(nodes)('codex of $dist', ({ source, codexFile }) => {
	const codex = () => JSON.parse(fs.readFileSync(codexFile, 'utf8')) as Codex;
	const description = () => {
		const exported = require(source) as Record<string, new () => INodeType>;
		const NodeClass = Object.values(exported).find((value) => typeof value === 'function')!;
		return new NodeClass().description;
	};

	it('exists next to the node and names it as n8n does (<package>.<node name>)', () => {
		expect(fs.existsSync(codexFile)).toBe(true);
		expect(codex()).toMatchObject({ node: `${pkg.name}.${description().name}`, nodeVersion: '1.0', codexVersion: '1.0' });
	});

	it('puts the node in categories of n8n\'s node panel', () => {
		const { categories, subcategories } = codex();
		expect(categories.length).toBeGreaterThan(0);
		for (const category of categories) expect(N8N_CATEGORIES).toContain(category);
		for (const key of Object.keys(subcategories ?? {})) expect(categories).toContain(key);
	});

	it('has aliases users search for, each once, none repeating the node name', () => {
		const alias = codex().alias ?? [];
		const name = description().displayName.toLowerCase();
		expect(alias).toEqual(expect.arrayContaining(['Close', 'Close CRM', 'Close.io', 'SAP'].filter((a) => a.toLowerCase() !== name)));
		expect(new Set(alias.map((a) => a.toLowerCase())).size).toBe(alias.length);
		for (const a of alias) expect(a.trim()).toBe(a);
		expect(alias.map((a) => a.toLowerCase())).not.toContain(name);
	});

	it('links documentation to headings that exist in this README (the package homepage)', () => {
		const { resources } = codex();
		const urls = [...resources.primaryDocumentation, ...resources.credentialDocumentation].map((r) => r.url);
		expect(resources.primaryDocumentation).toHaveLength(1);
		expect(resources.credentialDocumentation).toHaveLength(1);
		for (const url of urls) {
			const [base, anchor] = url.split('#');
			expect(base).toBe(pkg.homepage);
			expect([...readmeAnchors]).toContain(anchor);
		}
	});
});

it('the README anchors used by the codex files are computed as GitHub does', () => {
	expect(githubSlug(' Close.io Trigger')).toBe('closeio-trigger');
	expect(githubSlug(' SAP Open Connectors node (action)')).toBe('sap-open-connectors-node-action');
	expect(githubSlug(' Credential set-up')).toBe('credential-set-up');
});

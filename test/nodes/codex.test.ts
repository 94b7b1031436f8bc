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

/** Each node's page under docs/ (its "Docs" link in the editor) and the credential's page. */
const NODE_PAGES: Record<string, string> = {
	closeIo: 'docs/close-io.md',
	closeIoTrigger: 'docs/close-io-trigger.md',
	openConnectors: 'docs/sap-open-connectors.md',
};
const CREDENTIAL_PAGE = 'docs/credentials.md';
/** Where GitHub shows a file of the repository's main branch. */
const pageUrl = (file: string) => `${pkg.homepage}/blob/main/${file}`;

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

	it("links its Docs to its own page under docs/ and its credential docs to the credential's page, both existing files", () => {
		const { resources } = codex();
		const page = NODE_PAGES[description().name];
		expect(page).toBeDefined();
		expect(resources.primaryDocumentation).toEqual([{ url: pageUrl(page) }]);
		expect(resources.credentialDocumentation).toEqual([{ url: pageUrl(CREDENTIAL_PAGE) }]);
		expect(fs.existsSync(path.join(REPO, page))).toBe(true);
	});
});

it("the credential's documentationUrl is its page under docs/, an existing file", () => {
	const { OpenConnectorsApi } = require(path.join(REPO, 'credentials', 'OpenConnectorsApi.credentials.ts')) as {
		OpenConnectorsApi: new () => { documentationUrl: string };
	};
	expect(new OpenConnectorsApi().documentationUrl).toBe(pageUrl(CREDENTIAL_PAGE));
	expect(fs.existsSync(path.join(REPO, CREDENTIAL_PAGE))).toBe(true);
});

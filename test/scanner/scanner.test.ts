/**
 * n8n's community-package scanner (`@n8n/scan-community-package`, pinned devDependency) on this
 * package, through scripts/scan-package.mjs: the scanner's own analyzePackage() and ESLint
 * configuration on the source (package.json, nodes/, credentials/) and on the `npm pack` tarball.
 * No network. The tarball leg scans dist/: `npm test` builds first (a stale dist/ is refused).
 *
 * The fixtures prove the legs catch what the gate catches: the package.json this repository had
 * before (author without email, an engines range read as a template placeholder, `overrides`), and
 * a tarball whose compiled code logs to the console.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..');
const SCRIPT = path.join(REPO, 'scripts', 'scan-package.mjs');

jest.setTimeout(300_000); // each leg starts ESLint in a child process; slow on a loaded machine

interface LegResult {
	leg: 'source' | 'tarball';
	passed: boolean;
	files: string[];
	/** tarball leg: every file the tarball holds */
	shipped?: string[];
	message?: string;
	details?: string;
}

function scan(leg: 'source' | 'tarball', dir: string): LegResult {
	const run = spawnSync(process.execPath, [SCRIPT, '--json', '--leg', leg, dir], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
	if (run.status !== 0 && run.status !== 1) throw new Error(`scan-package exited ${run.status}: ${run.stderr}`);
	const [result] = JSON.parse(run.stdout) as LegResult[];
	expect(run.status).toBe(result!.passed ? 0 : 1);
	return result!;
}

/** Fails with the scanner's own report, so a finding reads like n8n's gate output. */
function expectPassed(result: LegResult): void {
	if (!result.passed) throw new Error(`scanner ${result.leg} leg: ${result.message}\n${result.details ?? ''}`);
}

const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
	n8n: { nodes: string[]; credentials: string[] };
	[key: string]: unknown;
};

let scratch: string;
beforeAll(() => {
	scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'scanner-test-'));
});
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

function fixture(name: string, files: Record<string, string>): string {
	const dir = path.join(scratch, name);
	for (const [file, text] of Object.entries(files)) {
		fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
		fs.writeFileSync(path.join(dir, file), text);
	}
	return dir;
}

describe('n8n community-package scanner', () => {
	it('passes on the source: package.json, every node and credential file', () => {
		const result = scan('source', REPO);
		expectPassed(result);
		expect(result.files).toEqual(
			expect.arrayContaining([
				'package.json',
				'credentials/OpenConnectorsApi.credentials.ts',
				...pkg.n8n.nodes.map((js) => js.replace(/^dist\//, '').replace(/\.js$/, '.ts')),
			]),
		);
	});

	it('passes on the packed tarball: its package.json and the compiled nodes, credentials and lib', () => {
		const result = scan('tarball', REPO);
		expectPassed(result);
		expect(result.files).toEqual(expect.arrayContaining(['package.json', 'dist/index.js', ...pkg.n8n.nodes, ...pkg.n8n.credentials]));
		expect(result.files.some((f) => f.startsWith('dist/lib/'))).toBe(true);
		// nothing but the build ships: no sandbox, tests or scripts
		expect(result.files.filter((f) => f !== 'package.json' && !f.startsWith('dist/'))).toEqual([]);
		expect(result.files.some((f) => /sandbox|test|scripts/.test(f))).toBe(false);
		// n8n reads each node's codex (categories, aliases, docs) from beside its compiled file
		expect(result.shipped).toEqual(expect.arrayContaining(pkg.n8n.nodes.map((js) => js.replace(/\.js$/, '.json'))));
	});

	it('reports the package.json findings n8n gates on (the ones this package had)', () => {
		const before = {
			...pkg,
			author: { name: 'n8n-nodes-open-connectors-closeio contributors' },
			engines: { node: '>=20.19 <21 || >=24 <25' },
			overrides: { '@n8n/eslint-plugin-community-nodes': { 'n8n-workflow': '$n8n-workflow' } },
		};
		const result = scan('source', fixture('old-package-json', { 'package.json': JSON.stringify(before, null, 2) }));
		expect(result.passed).toBe(false);
		expect(result.details).toMatch(/"author" field must include a non-empty email.*valid-author/);
		expect(result.details).toMatch(/unresolved template placeholder "<21 \|\| >".*no-template-placeholders/);
		expect(result.details).toMatch(/no-overrides-field/);
	});

	it('reports console output in the compiled code of a tarball', () => {
		const dir = fixture('console-in-dist', {
			'package.json': JSON.stringify({ ...pkg, scripts: {}, devDependencies: {} }, null, 2),
			'dist/nodes/Noisy/Noisy.node.js': "'use strict';\nconsole.log('polled');\n",
		});
		const result = scan('tarball', dir);
		expect(result.passed).toBe(false);
		expect(result.files).toContain('dist/nodes/Noisy/Noisy.node.js');
		expect(result.details).toMatch(/no-console/);
	});

	it('refuses to scan a dist/ older than its sources', () => {
		const dir = fixture('stale-dist', {
			'package.json': JSON.stringify(pkg),
			'dist/nodes/X/X.node.js': "'use strict';\n",
			'nodes/X/X.node.ts': 'export {};\n',
		});
		const past = new Date(Date.now() - 60_000);
		fs.utimesSync(path.join(dir, 'dist/nodes/X/X.node.js'), past, past);
		const result = scan('tarball', dir);
		expect(result).toMatchObject({ passed: false, message: 'dist/ is older than nodes/X/X.node.ts: run npm run build first' });
	});
});

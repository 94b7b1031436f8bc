#!/usr/bin/env node
/**
 * n8n's community-package scanner (`@n8n/scan-community-package`, the gate for verified nodes), run
 * here without the network: its own `analyzePackage()` with its own ESLint configuration, on the two
 * legs its `analyzePackageByName()` lints once it has downloaded a published version:
 *  - source:  the repository's package.json, nodes/ and credentials/ (its SOURCE_FILE_PATTERNS);
 *  - tarball: what `npm pack` ships (compiled `**\/*.js` and the published package.json).
 * (Its provenance check and download need a published version and the registry: not run here.)
 *
 *   node scripts/scan-package.mjs [--json] [--leg source|tarball|both] [package-dir]
 *
 * Exit 0 when every leg passes, 1 on any finding (printed in ESLint's stylish format), 2 on misuse.
 * The tarball leg refuses a dist/ older than its sources (it would scan yesterday's build).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// eslint-plugin-n8n-nodes-base rules read NODE_ENV=test (which jest sets) as their own rule tests and
// then judge file names and trigger nodes wrongly: scan as n8n's gate does, without it.
if (process.env.NODE_ENV === 'test') delete process.env.NODE_ENV;

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const SCANNER_DIR = path.dirname(require.resolve('@n8n/scan-community-package/package.json'));
const SCANNER = pathToFileURL(path.join(SCANNER_DIR, 'scanner', 'scanner.mjs')).href;
// The same file list the scanner's tarball leg lints (analyzePackageByName).
const TARBALL_FILE_PATTERNS = ['**/*.js', 'package.json'];

/** The files analyzePackage() will lint: the scanner's own glob, so "0 files" cannot pass unseen. */
function filesMatched(dir, patterns) {
	const glob = createRequire(path.join(SCANNER_DIR, 'package.json'))('fast-glob');
	return glob.sync(patterns, { cwd: dir, ignore: ['node_modules/**', '**/package-lock.json'] }).sort();
}

/** A source file newer than its compiled file in dist/ (or without one): the name, else null. */
export function staleBuild(dir) {
	const walk = (rel) =>
		fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
			const child = path.join(rel, e.name);
			return e.isDirectory() ? walk(child) : [child];
		});
	const sources = ['nodes', 'credentials', 'lib']
		.filter((d) => fs.existsSync(path.join(dir, d)))
		.flatMap(walk)
		.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
	if (fs.existsSync(path.join(dir, 'index.ts'))) sources.push('index.ts');
	for (const source of sources) {
		const built = path.join(dir, 'dist', source.replace(/\.ts$/, '.js'));
		if (!fs.existsSync(built)) return `${source} (no ${path.relative(dir, built)})`;
		if (fs.statSync(built).mtimeMs < fs.statSync(path.join(dir, source)).mtimeMs) return source;
	}
	return null;
}

async function analyze(dir, patterns) {
	const { analyzePackage } = await import(SCANNER);
	const files = filesMatched(dir, patterns);
	const result = await analyzePackage(dir, patterns);
	return { dir, patterns, files, passed: result.passed && files.length > 0, message: result.message, details: result.details };
}

export async function scanSource(dir) {
	const { SOURCE_FILE_PATTERNS } = await import(SCANNER);
	return { leg: 'source', ...(await analyze(dir, SOURCE_FILE_PATTERNS)) };
}

export async function scanTarball(dir) {
	const stale = staleBuild(dir);
	if (stale) {
		return { leg: 'tarball', dir, passed: false, files: [], message: `dist/ is older than ${stale}: run npm run build first` };
	}
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-package-'));
	try {
		// --ignore-scripts: pack what is built, run nothing; offline: this leg needs no registry
		const pack = spawnSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {
			cwd: dir,
			encoding: 'utf8',
			env: { ...process.env, npm_config_offline: 'true' },
		});
		if (pack.status !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
		const tarball = path.join(work, JSON.parse(pack.stdout)[0].filename);
		const unpacked = path.join(work, 'package');
		fs.mkdirSync(unpacked);
		const tar = spawnSync('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1'], { encoding: 'utf8' });
		if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr}`);
		const shipped = filesMatched(unpacked, ['**/*']);
		return { leg: 'tarball', tarball: path.basename(tarball), shipped, ...(await analyze(unpacked, TARBALL_FILE_PATTERNS)) };
	} finally {
		fs.rmSync(work, { recursive: true, force: true });
	}
}

async function main(argv) {
	const json = argv.includes('--json');
	const legIndex = argv.indexOf('--leg');
	const leg = legIndex >= 0 ? argv[legIndex + 1] : 'both';
	const positional = argv.filter((a, i) => !a.startsWith('--') && !(legIndex >= 0 && i === legIndex + 1));
	if (!['source', 'tarball', 'both'].includes(leg) || positional.length > 1) {
		process.stderr.write('usage: node scripts/scan-package.mjs [--json] [--leg source|tarball|both] [package-dir]\n');
		return 2;
	}
	const dir = path.resolve(positional[0] ?? REPO_ROOT);
	const results = [];
	if (leg !== 'tarball') results.push(await scanSource(dir));
	if (leg !== 'source') results.push(await scanTarball(dir));
	if (json) {
		process.stdout.write(JSON.stringify(results) + '\n');
	} else {
		for (const r of results) {
			process.stdout.write(`${r.passed ? 'PASS' : 'FAIL'} ${r.leg}: ${r.files.length} files${r.message ? ` (${r.message})` : ''}\n`);
			if (r.details) process.stdout.write(r.details + '\n');
		}
	}
	return results.every((r) => r.passed) ? 0 : 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	process.exitCode = await main(process.argv.slice(2));
}

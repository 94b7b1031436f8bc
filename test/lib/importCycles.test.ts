// Modules read downward: no relative import (type-only ones included) leads back to the module
// it started from, in lib/, nodes/ and credentials/.
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

function tsFiles(dir: string, out: string[] = []): string[] {
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		const p = path.join(dir, entry.name);
		if (entry.isDirectory()) tsFiles(p, out);
		else if (p.endsWith('.ts')) out.push(p);
	}
	return out;
}

function importsOf(file: string): string[] {
	const src = fs.readFileSync(file, 'utf8');
	const out: string[] = [];
	for (const m of src.matchAll(/(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]/g)) {
		const target = path.resolve(path.dirname(file), m[1]);
		const found = [`${target}.ts`, path.join(target, 'index.ts')].find((c) => fs.existsSync(c));
		if (found) out.push(found);
	}
	return out;
}

function importCycles(dirs: string[]): string[] {
	const graph = new Map<string, string[]>();
	for (const dir of dirs) for (const f of tsFiles(path.join(ROOT, dir))) graph.set(f, importsOf(f));
	const done = new Set<string>();
	const stack: string[] = [];
	const cycles = new Set<string>();
	const visit = (node: string) => {
		done.add(node);
		stack.push(node);
		for (const dep of graph.get(node) ?? []) {
			const at = stack.indexOf(dep);
			if (at >= 0) cycles.add(stack.slice(at).map((f) => path.relative(ROOT, f)).join(' -> '));
			else if (!done.has(dep)) visit(dep);
		}
		stack.pop();
	};
	for (const file of graph.keys()) if (!done.has(file)) visit(file);
	return [...cycles];
}

describe('import graph', () => {
	it('has no cycle in lib/, nodes/ or credentials/', () => {
		expect(importCycles(['lib', 'nodes', 'credentials'])).toEqual([]);
	});
});

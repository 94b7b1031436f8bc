const path = require('path');
const { task, src, dest } = require('gulp');

// n8n loads node and credential icons, and each node's codex (`X.node.json`: categories, aliases,
// documentation links for the node panel), from next to the compiled files; tsc copies neither.
task('build:icons', copyIcons);

function copyIcons() {
	const nodeSource = path.resolve('nodes', '**', '*.{png,svg,node.json}');
	const nodeDestination = path.resolve('dist', 'nodes');
	src(nodeSource).pipe(dest(nodeDestination));
	const credSource = path.resolve('credentials', '**', '*.{png,svg}');
	const credDestination = path.resolve('dist', 'credentials');
	return src(credSource).pipe(dest(credDestination));
}

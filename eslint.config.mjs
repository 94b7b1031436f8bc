import tsParser from '@typescript-eslint/parser';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';

// The two rule sets n8n's community-node verification applies: the classic
// eslint-plugin-n8n-nodes-base sets (community, credentials, nodes) and the newer
// @n8n/eslint-plugin-community-nodes recommended set.
const base = (name) => ({
	plugins: { 'n8n-nodes-base': n8nNodesBase },
	rules: n8nNodesBase.configs[name].rules,
});

export default [
	{
		ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'sandbox/**', 'test/**', 'scripts/**', 'bench/**', 'docs/**', '*.js', '*.mjs'],
	},
	{
		files: ['**/*.ts'],
		languageOptions: { parser: tsParser, parserOptions: { sourceType: 'module' } },
	},
	{ files: ['package.json'], languageOptions: { parser: await import('jsonc-eslint-parser') }, ...base('community') },
	{ files: ['credentials/**/*.ts'], ...base('credentials') },
	{ files: ['nodes/**/*.ts'], ...base('nodes') },
	{ ...n8nCommunityNodesPlugin.configs.recommended, files: ['credentials/**/*.ts', 'nodes/**/*.ts', 'lib/**/*.ts', 'index.ts'] },
];

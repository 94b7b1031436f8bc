// Dev helper (not a test): starts the sandbox and n8n with our package, prints their URLs, and keeps
// running until killed. Used to explore the editor's DOM by hand:  npx tsx test/e2e/browser/dev-env.ts
import { startSandbox } from '../../../sandbox';
import { OWNER, startN8n } from '../harness/n8n';

async function main(): Promise<void> {
	const sandbox = await startSandbox({ port: 0 });
	sandbox.admin.createInstance({ name: 'Acme Sales EU' });
	sandbox.admin.createInstance({ name: 'Globex Support US' });
	const n8n = await startN8n();
	process.stdout.write(
		JSON.stringify({ n8n: n8n.url, owner: OWNER, sandbox: { oc: sandbox.ocBaseUrl, close: sandbox.closeBaseUrl, secrets: sandbox.secrets }, log: n8n.logFile }) + '\n',
	);
	const stop = async () => {
		await n8n.stop();
		await sandbox.close();
		process.exit(0);
	};
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
}
void main();

// `npm run sandbox`: the emulator on PORT (default 5680) until Ctrl-C.

import { startSandbox } from './index';

async function main(): Promise<void> {
	const port = Number(process.env.PORT ?? 5680);
	const retryScale = process.env.SANDBOX_RETRY_SCALE ? Number(process.env.SANDBOX_RETRY_SCALE) : 1;
	const pollerScale = process.env.SANDBOX_POLLER_SCALE ? Number(process.env.SANDBOX_POLLER_SCALE) : 1;
	const sandbox = await startSandbox({ port, host: process.env.HOST ?? '127.0.0.1', retryScale, pollerScale });
	const s = sandbox.secrets;
	console.log(`Close / Open Connectors sandbox listening on ${sandbox.url}
  Open Connectors base URL : ${sandbox.ocBaseUrl}
  Close base URL           : ${sandbox.closeBaseUrl}
  Admin API                : ${sandbox.url}/__admin/...
Demo secrets:
  User secret              : ${s.userSecret}
  Organization secret      : ${s.organizationSecret}
  Close API key            : ${s.closeApiKey}
  Close password           : ${s.closePassword}
Press Ctrl-C to stop.`);
	const stop = (): void => {
		void sandbox.close().then(() => process.exit(0));
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((e) => {
	console.error(e);
	process.exit(1);
});

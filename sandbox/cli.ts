// `npm run sandbox`: the emulator on PORT (default 5680) until Ctrl-C.

import { startSandbox } from './index';

async function main(): Promise<void> {
	const port = Number(process.env.PORT ?? 5680);
	const retryScale = process.env.SANDBOX_RETRY_SCALE ? Number(process.env.SANDBOX_RETRY_SCALE) : 1;
	const pollerScale = process.env.SANDBOX_POLLER_SCALE ? Number(process.env.SANDBOX_POLLER_SCALE) : 1;
	// `--ceql seed` (or SANDBOX_CEQL=seed): the query profile of the closeio seed; `--extra-order-by reject`.
	const arg = (name: string): string | undefined => {
		const i = process.argv.indexOf(name);
		return i >= 0 ? process.argv[i + 1] : process.argv.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
	};
	const ceql = arg('--ceql') ?? process.env.SANDBOX_CEQL ?? 'full';
	const extraOrderBy = arg('--extra-order-by') ?? 'ignore';
	if (ceql !== 'full' && ceql !== 'seed') throw new Error(`--ceql must be full or seed, not ${ceql}`);
	if (extraOrderBy !== 'ignore' && extraOrderBy !== 'reject') throw new Error(`--extra-order-by must be ignore or reject, not ${extraOrderBy}`);
	const orderBy = arg('--order-by') ?? 'honor';
	if (orderBy !== 'honor' && orderBy !== 'ignore') throw new Error(`--order-by must be honor or ignore, not ${orderBy}`);
	const sandbox = await startSandbox({ port, host: process.env.HOST ?? '127.0.0.1', retryScale, pollerScale, ceql, extraOrderBy, orderBy });
	const s = sandbox.secrets;
	console.log(`Close / Open Connectors sandbox listening on ${sandbox.url}
  Open Connectors base URL : ${sandbox.ocBaseUrl}
  Close base URL           : ${sandbox.closeBaseUrl}
  Admin API                : ${sandbox.url}/__admin/...
  CRM hub query profile    : ${ceql}${ceql === 'seed' ? ` (orderBy: ${orderBy}; a second orderBy field: ${extraOrderBy})` : ''}
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

/**
 * n8n's editor in a real browser (Debian's Chromium driven by playwright-core) against a real n8n
 * (default 1.123.81) with our package loaded and the sandbox behind it:
 *  1. sign in; the node panel finds "Close.io Trigger" and "SAP Open Connectors" with OUR icons;
 *     n8n serves our codex files (category Sales, aliases, docs), and the panel's search finds each
 *     node by an alias its name does not contain ("Close CRM", "Cloud Elements");
 *  2. the trigger's fields per mode, in the order the user sees them (n8n's Poll Times first in both;
 *     Webhook: a notice under it saying webhook mode ignores it, the Delivery option, webhook URLs;
 *     Polling: the polling notice and options);
 *  3. the credential dialog: a wrong User Secret fails the test, the sandbox's secrets pass it;
 *  4. the Instance list ("From List") loads the sandbox's instances and its search filters them;
 *  5. the manual test button of the trigger in each mode, and what clicking it does.
 * Screenshots: see test/e2e/browser/chromium.ts (N8N_E2E_UPDATE_SCREENSHOTS=1 writes docs/screenshots/).
 * On a failure: a screenshot of the page (path in the message) and the tail of n8n's log.
 *
 * Run: npm run build && npx jest test/e2e/editor.test.ts --selectProjects e2e
 *      (the path first: `--selectProjects` takes every following word as a project name).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';

import { startSandbox, type Sandbox } from '../../sandbox';
import { DEFAULT_N8N_VERSION, OWNER, REPO_ROOT, type N8nInstance, majorOf, nodeOutput, startN8n, withN8nLogs } from './harness/n8n';
import { type EditorBrowser, SCREENSHOT_DIR, SLOW, failureShot, launchEditorBrowser, shoot } from './browser/chromium';
import { Editor, listHas, listIs } from './browser/editor';

// deadlines, not delays: a case on a busy machine (every core taken) took minutes
jest.setTimeout(600_000 * SLOW);
/** How long something the editor or the sandbox does in the background may take to show. */
const WAIT_MS = 120_000 * SLOW;

const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string };
const TRIGGER_TYPE = `${pkg.name}.closeIoTrigger`;
const ACTION_TYPE = `${pkg.name}.openConnectors`;
// n8n's node panel lists an app's action node and its trigger ("Close.io" and "Close.io Trigger") as
// ONE entry, the action node's, whose page lists the trigger's events and the actions.
const CLOSEIO_TYPE = `${pkg.name}.closeIo`;
const TRIGGER = 'Close.io Trigger';
const INSTANCE_A = 'Acme Sales EU';
const INSTANCE_B = 'Globex Support US';
const POLLED_LEAD = 'Editor Polled Lead';
/**
 * Every step runs on 1.x and 2.x. n8n 2.x's editor markup differs in places (the `options`
 * collection and its "Add option", the credential field): the page object (./browser/editor.ts)
 * branches on the major version. Where 2.x BEHAVES differently, the step asserts 2.x's behaviour
 * explicitly (see the `EDITOR_V1` branches).
 */
const EDITOR_V1 = majorOf(DEFAULT_N8N_VERSION) < 2;

let sb: Sandbox | undefined;
let n8n: N8nInstance | undefined;
let web: EditorBrowser | undefined;
let ed: Editor;
let page: Page;
const shots: string[] = [];
/** What the manual test button does in each mode (printed at the end, for the report). */
const observed: Record<string, unknown> = {};

/** A test body: on failure, a screenshot of the page and n8n's log tail join the error. */
const step = (name: string, fn: () => Promise<void>) => () =>
	withN8nLogs(n8n, async () => {
		try {
			await fn();
		} catch (error) {
			const file = await failureShot(page, name);
			const err = error instanceof Error ? error : new Error(String(error));
			err.message += `\n---- page: ${page?.url()} (screenshot: ${file})` + (web?.pageErrors.length ? `\n---- browser errors: ${web.pageErrors.slice(-5).join(' | ')}` : '');
			throw err;
		}
	});

const snap = async (name: string) => {
	await ed.dismissToasts();
	shots.push(await shoot(page, name));
};

/**
 * The trigger's node details open, whatever an earlier (maybe failed) case left: signed in, and the
 * trigger added from the node panel when the canvas has none. A no-op after case 1 went through.
 */
async function triggerNdv(): Promise<void> {
	if (await ed.ndv().locator('[data-test-id=node-title-container]', { hasText: TRIGGER }).isVisible()) return;
	if (new URL(page.url()).pathname.startsWith('/signin') || page.url() === 'about:blank') await ed.signIn(OWNER.email, OWNER.password);
	await page.keyboard.press('Escape');
	await ed.noDropdownOpen();
	if (await ed.ndv().first().isVisible()) await ed.closeNdv();
	const onCanvas = ed.canvasNode(TRIGGER);
	if (!(await onCanvas.count())) {
		await ed.newWorkflow();
		await ed.openNodePanel();
		await ed.searchNodes('Close.io Trigger');
		await ed.nodeItem(CLOSEIO_TYPE).click();
		await page.locator('[data-test-id=node-creator]').getByText('On created', { exact: true }).click();
	} else {
		await onCanvas.first().dblclick();
	}
	await ed.waitForNdv(TRIGGER);
}

const instanceId = (name: string) => String(sb!.admin.instances().find((i) => i.name === name)!.id);
const eventually = async (cond: () => boolean, what: string, timeoutMs = WAIT_MS) => {
	const deadline = Date.now() + timeoutMs;
	while (!cond()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
		await new Promise((r) => setTimeout(r, 100));
	}
};

beforeAll(async () => {
	const t0 = Date.now();
	sb = await startSandbox({ port: 0, retryScale: 0.01 });
	sb.admin.createInstance({ name: INSTANCE_A });
	sb.admin.createInstance({ name: INSTANCE_B });
	// Launch Chromium (installing it if needed) while n8n starts
	const [instance, browser] = await Promise.all([startN8n({ version: DEFAULT_N8N_VERSION }), launchEditorBrowser()]);
	n8n = instance;
	web = browser;
	page = web.page;
	ed = new Editor(page, n8n.url, n8n.version);
	process.stderr.write(`[editor-e2e] n8n ${n8n.version} at ${n8n.url} and Chromium ready in ${Date.now() - t0} ms\n`);
}, 30 * 60_000 /* includes a first-time n8n install */);

afterAll(async () => {
	await web?.close();
	await n8n?.stop();
	await sb?.close();
	process.stderr.write(
		`[editor-e2e] manual test button: ${JSON.stringify(observed, null, 1)}\n[editor-e2e] ${shots.length} screenshots in ${SCREENSHOT_DIR}:\n  ${shots.map((s) => path.basename(s)).join('\n  ')}\n`,
	);
});

describe(`n8n ${DEFAULT_N8N_VERSION} editor in Chromium`, () => {
	it(
		'1. signs in; n8n serves our codex (category Sales, aliases); the node panel finds "Close.io Trigger" and "SAP Open Connectors" under their names and by aliases, with our icons',
		step('node-panel', async () => {
			await ed.signIn(OWNER.email, OWNER.password);
			const types = (await n8n!.api.raw<Array<{ name: string; codex?: Record<string, any> }>>('GET', '/types/nodes.json', { auth: 'cookie' })).body;
			const codexOf = (type: string) => types.find((t) => t.name === type)?.codex;
			for (const [type, file] of [
				[TRIGGER_TYPE, 'nodes/CloseIoTrigger/CloseIoTrigger.node.json'],
				[ACTION_TYPE, 'nodes/OpenConnectors/OpenConnectors.node.json'],
			] as const) {
				const ours = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8'));
				// n8n's loader keeps categories, subcategories, alias and the two documentation links
				expect(codexOf(type)).toEqual({
					categories: ours.categories,
					...(ours.subcategories ? { subcategories: ours.subcategories } : {}),
					alias: ours.alias,
					resources: { primaryDocumentation: ours.resources.primaryDocumentation, credentialDocumentation: ours.resources.credentialDocumentation },
				});
				expect(codexOf(type)!.categories).toContain('Sales');
			}

			await ed.newWorkflow();
			await ed.openNodePanel();

			// the action node: a first step must be a trigger, but the search lists it too
			await ed.searchNodes('SAP Open Connectors');
			const action = ed.nodeItem(ACTION_TYPE);
			await action.waitFor();
			expect((await action.locator('[data-test-id=node-creator-item-name]').innerText()).trim()).toBe('SAP Open Connectors');
			await expectOurIcon(await ed.itemIcon(action), 'nodes/OpenConnectors/openConnectors.svg');
			await snap('02-node-panel-sap-open-connectors');

			// the aliases of our codex: each node is found by a word its name does not contain
			for (const [search, type] of [
				['Close CRM', CLOSEIO_TYPE],
				['Cloud Elements', ACTION_TYPE],
			] as const) {
				await ed.searchNodes(search);
				await ed.nodeItem(type).waitFor();
			}
			await ed.searchNodes('Close CRM');
			await ed.nodeItem(ACTION_TYPE).waitFor();
			await snap('13-node-panel-search-alias');

			// the list re-renders a moment after the search changes, and the previous search ("Close CRM")
			// listed the same two entries: empty the search and wait for them to go, so the ranking read
			// next is this search's (2.40.7 read the previous one's otherwise)
			await ed.searchNodes('');
			await ed.nodeItem(CLOSEIO_TYPE).waitFor({ state: 'detached' });
			await ed.searchNodes('Close.io Trigger');
			const trigger = ed.nodeItem(CLOSEIO_TYPE);
			await trigger.waitFor();
			const results = await ed.nodeResults();
			expect(results[0]?.type).toBe(CLOSEIO_TYPE); // the best match: the Close.io app (trigger + actions)
			expect((await trigger.locator('[data-test-id=node-creator-item-name]').innerText()).trim()).toBe('Close.io');
			await expectOurIcon(await ed.itemIcon(trigger), 'nodes/CloseIo/closeio.svg');
			await snap('01-node-panel-close-io-trigger');

			// its page in the panel: the app's name, "Installed" (community package), the trigger's events as
			// trigger actions (each an entry of the trigger node type)
			await trigger.click();
			const details = page.locator('[data-test-id=node-creator]');
			await details.getByText('Close.io', { exact: true }).first().waitFor();
			await details.getByText('Installed').first().waitFor();
			for (const action of ['On created', 'On updated', 'On deleted', 'On merged', 'On status changed', 'On completed']) {
				await details.getByText(action, { exact: true }).first().waitFor();
			}
			expect(await ed.nodeItem(TRIGGER_TYPE).count()).toBe(6);
			const detailsIcon = (await details.locator(`img[src*="/closeio.svg"]`).first().getAttribute('src')) ?? '';
			await expectOurIcon(
				{ src: detailsIcon, naturalWidth: 1 },
				detailsIcon.includes('/CloseIoTrigger/') ? 'nodes/CloseIoTrigger/closeio.svg' : 'nodes/CloseIo/closeio.svg',
			);
			await snap('03-node-panel-trigger-details');

			// add it ("On created" presets Events = Created): the node details view opens
			await details.getByText('On created', { exact: true }).click();
			await ed.waitForNdv(TRIGGER);
		}),
	);

	it(
		'2a. Mode = Polling: Poll Times, Mode, the polling notice, Instance, Objects, Events, Options; polling options only',
		step('fields-polling', async () => {
			await triggerNdv();
			await ed.selectOption('mode', 'Polling');
			await expect(ed.param('mode').locator('input').inputValue()).resolves.toBe('Polling');
			await ed.notice(/In polling mode/).waitFor();
			await ed.pollTimes().waitFor();
			for (const p of ['instance', 'objects', 'events']) await ed.param(p).waitFor();
			await ed.notice(/applies to Polling mode only/).waitFor({ state: 'detached' });
			expect(await ed.visibleFields()).toEqual([
				'Poll Times',
				'Mode',
				expect.stringMatching(/^notice: In polling mode, created and updated records come from the Open Connectors CRM hub/),
				'Instance',
				'Objects',
				'Events',
				'Options',
			]);

			const pollingOptions = ['Start From', 'Max Items Per Poll', 'Page Size', 'Query Date Pattern', 'Include Raw Payload', 'Fields to Watch'];
			const offered = await ed.collectionOptionsOffered(listHas(pollingOptions));
			expect(offered).toEqual(expect.arrayContaining(pollingOptions));
			// Start Date only once Start From asks for it; the date pattern is not the first option
			expect(offered).not.toContain('Start Date');
			expect(offered[0]).not.toBe('Query Date Pattern');
			for (const webhookOnly of ['Delivery', 'Delivery (Earlier Setting)', 'Refresh Interval (Minutes)']) expect(offered).not.toContain(webhookOnly);

			await ed.addCollectionOption('Start From', 'startFrom');
			await ed.addCollectionOption('Max Items Per Poll', 'maxItemsPerPoll');
			await ed.addCollectionOption('Page Size', 'pageSize');
			await expect(ed.collectionParam('startFrom').locator('input').inputValue()).resolves.toBe('Now');
			expect(await ed.collectionOptionsOffered()).not.toContain('Start Date');
			await ed.collectionParam('startFrom').click();
			await ed.dropdownOption(/^\s*A Date/).first().click();
			await expect(ed.collectionParam('startFrom').locator('input').inputValue()).resolves.toBe('A Date');
			await ed.addCollectionOption('Start Date', 'startDate');

			// In polling mode nothing listens on the node's webhook: n8n shows no Webhook URLs panel.
			observed.webhookUrlsPanelInPollingMode = await ed.webhookUrlsPanel().isVisible();
			expect(observed.webhookUrlsPanelInPollingMode).toBe(false);
			await ed.param('mode').scrollIntoViewIfNeeded();
			await snap('04-trigger-polling-fields');
		}),
	);

	it(
		'2b. Mode = Webhook: Poll Times, the notice that webhook mode ignores it, Mode, Instance, Delivery, Objects, Events, Options; no polling-only option; the webhook URLs (POST)',
		step('fields-webhook', async () => {
			await triggerNdv();
			await ed.selectOption('mode', 'Webhook (Instant)');
			await ed.notice(/In polling mode/).waitFor({ state: 'detached' });
			// n8n puts Poll Times first on every polling node and lets no node hide or move it: the
			// notice right under it says that webhook mode ignores it
			await ed.notice(/applies to Polling mode only/).waitFor();
			expect(await ed.visibleFields()).toEqual([
				'Poll Times',
				'notice: Poll Times (above) applies to Polling mode only. In Webhook mode, Close and SAP Open Connectors call this workflow as changes happen: no schedule is used.',
				'Mode',
				'Instance',
				'Delivery',
				'Objects',
				'Events',
				'Options',
			]);
			for (const p of ['startFrom', 'maxItemsPerPoll', 'pageSize', 'startDate']) {
				await ed.collectionParam(p).waitFor({ state: 'detached' });
			}
			const webhookOptions = ['Fields to Watch', 'Include Raw Payload'];
			const offered = await ed.collectionOptionsOffered(listHas(webhookOptions));
			expect(offered).toEqual(expect.arrayContaining(webhookOptions));
			const notHere = ['Start From', 'Start Date', 'Max Items Per Poll', 'Page Size', 'Query Date Pattern', 'Refresh Interval (Minutes)', 'Delivery', 'Delivery (Earlier Setting)'];
			for (const name of notHere) expect(offered).not.toContain(name);

			// Delivery: a top-level field, same three routes
			await expect(ed.param('delivery').locator('input').inputValue()).resolves.toBe('Close Webhook via Open Connectors');
			const want = ['Close Webhook via Open Connectors', 'Close Webhook Direct', 'Open Connectors Polls Every N Minutes'];
			expect(await ed.optionsOf(ed.param('delivery'), listIs(want))).toEqual(want);
			await ed.selectOption('delivery', want[2]);
			// where the platform polls: its refresh interval and date pattern are offered
			const platformOptions = ['Refresh Interval (Minutes)', 'Query Date Pattern'];
			expect(await ed.collectionOptionsOffered(listHas(platformOptions))).toEqual(expect.arrayContaining(platformOptions));
			await ed.selectOption('delivery', want[0]);
			await expect(ed.param('delivery').locator('input').inputValue()).resolves.toBe(want[0]);

			observed.pollTimesInWebhookMode = await ed.pollTimes().isVisible();

			const urls = ed.webhookUrlsPanel();
			await urls.waitFor();
			await urls.locator('.headline').click();
			await urls.getByText('Test URL', { exact: true }).waitFor();
			await urls.getByText('Production URL', { exact: true }).waitFor();
			await urls.getByText('POST', { exact: true }).waitFor();
			await urls.getByText(new RegExp(`${n8n!.url}/webhook-test/[0-9a-f-]{36}/webhook`)).waitFor();
			await urls.scrollIntoViewIfNeeded();
			await snap('05-trigger-webhook-fields');
		}),
	);

	it(
		'3. credential dialog: a wrong User Secret fails the test; the sandbox secrets pass it',
		step('credential', async () => {
			await triggerNdv();
			if (!EDITOR_V1) {
				// 2.x: a node without a credential shows a "Connect to <credential>" button, not a select
				expect((await ed.credentialConnectButton().innerText()).trim()).toBe('Connect to SAP Open Connectors');
			}
			await ed.openNewCredentialFromNode();
			const modal = ed.credentialModal();
			await modal.getByText('SAP Open Connectors API').first().waitFor();
			await ed.selectCredentialOption('environment', 'Custom');
			await ed.fillCredentialText('baseUrl', sb!.ocBaseUrl);
			await ed.fillCredentialText('userSecret', 'not-the-user-secret');
			await ed.fillCredentialText('organizationSecret', sb!.secrets.organizationSecret);
			await ed.fillCredentialText('closeApiKey', sb!.secrets.closeApiKey);
			await ed.fillCredentialText('closeBaseUrl', sb!.closeBaseUrl);

			const bad = await ed.saveCredentialAndWaitForTest();
			expect(bad.ok).toBe(false);
			expect(bad.closedOnSave).toBe(false); // both versions keep the dialog open on a failed test
			expect(bad.answer.status).toBe('Error');
			expect(bad.banner).toMatch(/Couldn.t connect with these settings/);
			// the reason is behind "More details": n8n's own message for an HTTP 401
			await modal.getByText('More details').click();
			await modal.getByText(bad.answer.message).first().waitFor();
			observed.credentialFailure = { banner: bad.banner, reason: bad.answer.message };
			// the sandbox saw the test request and refused it
			expect(sb!.admin.requests().some((r) => r.path.endsWith('/instances') && r.status === 401)).toBe(true);
			await snap('06-credential-test-failure');

			// right Open Connectors secrets, wrong Close key: the test names the Close API Key
			await ed.fillCredentialText('userSecret', sb!.secrets.userSecret);
			await ed.fillCredentialText('closeApiKey', 'api_not-the-close-key');
			const badClose = await ed.saveCredentialAndWaitForTest();
			expect(badClose.ok).toBe(false);
			expect(badClose.answer).toEqual({ status: 'Error', message: 'Close rejected the Close API Key (HTTP 401)' });
			if (await modal.getByText('More details').isVisible()) await modal.getByText('More details').click();
			await modal.getByText('Close rejected the Close API Key (HTTP 401)').first().waitFor();
			observed.closeKeyFailure = { banner: badClose.banner, reason: badClose.answer.message };
			expect(sb!.admin.requests().some((r) => r.path.endsWith('/me/') && r.status === 401)).toBe(true);

			await ed.fillCredentialText('closeApiKey', sb!.secrets.closeApiKey);
			const good = await ed.saveCredentialAndWaitForTest();
			expect(good).toMatchObject({ ok: true, answer: { status: 'OK' } });
			if (EDITOR_V1) {
				expect(good.closedOnSave).toBe(false); // 1.x shows the banner in the still-open dialog
			} else {
				// 2.x closes the dialog (opened from the node) once the test passes; reopened with the
				// node's edit button, it tests the SAVED credential again and shows the banner there
				expect(good.closedOnSave).toBe(true);
				expect(good.retest).toMatchObject({ status: 'OK' });
			}
			expect(good.banner).toMatch(/Connection tested successfully/);
			await snap('07-credential-test-success');

			await ed.closeCredentialModal();
			await expect(ed.credentialSelect().locator('input').inputValue()).resolves.toMatch(/SAP Open Connectors/);
		}),
	);

	it(
		'4. Instance "From List" loads the sandbox instances; the search filters them',
		step('instance-list', async () => {
			await triggerNdv();
			await ed.rlcInput().scrollIntoViewIfNeeded();
			await ed.rlcInput().click();
			const both = [`${INSTANCE_A} (#${instanceId(INSTANCE_A)})`, `${INSTANCE_B} (#${instanceId(INSTANCE_B)})`];
			expect(await ed.rlcItemsUntil(listIs(both))).toEqual(both);
			await snap('08-instance-list');

			await ed.rlcSearch().fill('globex');
			// the list shows loading placeholders, then the unfiltered list's B, while the filtered search runs
			const onlyB = [`${INSTANCE_B} (#${instanceId(INSTANCE_B)})`];
			expect(await ed.rlcItemsUntil(listIs(onlyB))).toEqual(onlyB);
			await snap('09-instance-list-search');

			await ed.rlcItems().filter({ hasText: INSTANCE_B }).click();
			await expect(ed.rlcInput().inputValue()).resolves.toBe(`${INSTANCE_B} (#${instanceId(INSTANCE_B)})`);
		}),
	);

	it(
		'4b. Fields to Watch lists the standard fields of the chosen objects and their custom fields, from Close',
		step('fields-to-watch', async () => {
			const industry = sb!.admin.createCustomField('lead', { name: 'Industry E2E', type: 'text' });
			await ed.addCollectionOption('Fields to Watch', 'fieldsToWatch');
			// the list arrives from Close (getWatchableFields): wait for the custom field's entry (2.x may
			// close the dropdown when the loaded options re-render it: openDropdownUntil clicks again)
			await ed.openDropdownUntil(ed.collectionParam('fieldsToWatch'), 'Industry E2E (Custom)');
			const listed = await ed.visibleDropdownOptions();
			expect(listed).toEqual(expect.arrayContaining(['Name', 'Status', 'Description', 'Industry E2E (Custom)']));
			expect(listed).not.toContain('Value'); // an opportunity field: Objects is Lead only
			observed.fieldsToWatch = { listed, customFieldId: industry.id };
			await snap('09b-fields-to-watch');
			await page.keyboard.press('Escape');
			await ed.dropdownOption('Industry E2E (Custom)').first().waitFor({ state: 'hidden' });
		}),
	);

	it(
		'5a. manual test, Mode = Polling: the button says "Fetch Test Event" and fetches one recent record',
		step('manual-polling', async () => {
			sb!.admin.create('lead', { name: POLLED_LEAD });
			await ed.selectOption('mode', 'Polling');
			const button = ed.executeButton();
			await waitEnabled(button);
			const label = (await button.innerText()).trim();
			observed.polling = { buttonBeforeClick: label };
			expect(label).toBe('Fetch Test Event');
			await button.click();
			await ed.outputPanel().getByText(POLLED_LEAD).first().waitFor({ timeout: WAIT_MS });
			const count = (await ed.outputPanel().getByText(/^\d+ items?$/).first().innerText()).trim();
			(observed.polling as Record<string, unknown>).afterClick = `an execution at once; output: ${count}`;
			expect(count).toBe('1 item');
			expect((await button.innerText()).trim()).toBe('Fetch Test Event');
			expect(await ed.webhookUrlsPanel().isVisible()).toBe(false);
			await ed.outputPanel().locator('[data-test-id=radio-button-json]').click(); // readable in the screenshot
			await ed.outputPanel().getByText(`"${POLLED_LEAD}"`).first().waitFor();
			await snap('10-manual-test-polling');
		}),
	);

	it(
		'5b. manual test, Mode = Webhook: the button also says "Fetch Test Event"; clicking it listens on the test URL',
		step('manual-webhook', async () => {
			await ed.selectOption('mode', 'Webhook (Instant)');
			const button = ed.executeButton();
			await waitEnabled(button);
			const label = (await button.innerText()).trim();
			observed.webhook = { buttonBeforeClick: label };
			expect(label).toBe('Fetch Test Event'); // decided by `polling: true`, not by the mode

			const run = page.waitForResponse((r) => r.request().method() === 'POST' && /\/rest\/workflows\/[^/]+\/run$/.test(new URL(r.url()).pathname));
			await button.click();
			const answer = (await (await run).json()) as { data?: Record<string, unknown> };
			expect(answer.data).toEqual({ waitingForWebhook: true });
			const listening = ed.ndv().locator('[data-test-id=trigger-listening]');
			await listening.waitFor();
			const text = (await listening.innerText()).replace(/\s+/g, ' ').trim();
			expect(text).toMatch(/Listening for test event/);
			expect(text).toMatch(/Stop Listening/);
			(observed.webhook as Record<string, unknown>).afterClick = `run answered ${JSON.stringify(answer.data)}; panel: "${text}"; header button shown: ${await button.isVisible()}`;

			// the node's create() ran for the TEST URL: the instance notifies it, a Close subscription feeds the instance
			const id = instanceId(INSTANCE_B);
			const testUrlPattern = new RegExp(`^${n8n!.url}/webhook-test/[0-9a-f-]{36}/webhook$`);
			await eventually(() => testUrlPattern.test(String(sb!.admin.instances().find((i) => String(i.id) === id)!.configuration['event.notification.callback.url'] ?? '')), 'instance callback = test URL');
			await eventually(() => sb!.admin.webhooks().length === 1, 'one Close subscription');
			await snap('11-manual-test-webhook-listening');
		}),
	);

	// n8n-core's WorkflowExecute.runNode checks `nodeType.poll` before `nodeType.webhook`: in the manual
	// run a test event starts, n8n calls poll(), which hands over the items webhook() received.
	it(
		'5c. manual test, Mode = Webhook: a lead created in Close reaches the editor as the test event',
		async () => {
			const lead = sb!.admin.create('lead', { name: 'Editor Webhook Lead' });
			await sb!.admin.waitForDeliveries((d) => d.some((x) => x.kind === 'openConnectors'), WAIT_MS);
			const first = sb!.admin.deliveries().find((x) => x.kind === 'openConnectors')!;
			observed.webhookTestDelivery = { status: first.status, response: first.responseBody };
			expect(first.status).toBe(200);
			// the one test event ends the listening
			await ed.ndv().locator('[data-test-id=trigger-listening]').waitFor({ state: 'detached', timeout: WAIT_MS });
			await snap('12-manual-test-webhook-event');
			// /workflow/<id> (2.x adds /<node id> while the node's details are open)
			const workflowId = /\/workflow\/([^/]+)/.exec(new URL(page.url()).pathname)![1]!;
			const manual = await n8n!.waitForExecutions(workflowId, 2, WAIT_MS, (e) => e.mode === 'manual');
			const last = manual[manual.length - 1]!;
			observed.webhookTestExecution = { status: last.status, nodesWithRunData: Object.keys(last.data?.resultData.runData ?? {}) };
			expect(nodeOutput(last, TRIGGER).map((item) => item.id)).toContain(lead.id);
			await ed.outputPanel().getByText(lead.id as string).first().waitFor({ timeout: WAIT_MS });
		},
	);

	it(
		'5d. manual test, Mode = Webhook: Stop Listening restores the instance and removes the subscription',
		step('manual-webhook-stop', async () => {
			const id = instanceId(INSTANCE_B);
			const listening = ed.ndv().locator('[data-test-id=trigger-listening]');
			if (await listening.isVisible()) {
				await listening.getByText('Stop Listening').click();
				await listening.waitFor({ state: 'detached' });
			}
			await eventually(() => sb!.admin.webhooks().length === 0, 'the Close subscription removed');
			const config = sb!.admin.instances().find((i) => String(i.id) === id)!.configuration;
			expect(config['event.notification.enabled']).toBe('false');
			await waitEnabled(ed.executeButton());
			expect((await ed.executeButton().innerText()).trim()).toBe('Fetch Test Event');
		}),
	);
});

/** The icon is served by n8n from our package, and its bytes are our SVG. */
async function expectOurIcon(icon: { src: string; naturalWidth: number }, repoFile: string): Promise<void> {
	expect(icon.src).toBe(`/icons/${pkg.name}/dist/${repoFile}`);
	expect(icon.naturalWidth).toBeGreaterThan(0); // the browser decoded and drew it
	const served = await page.request.get(`${n8n!.url}${icon.src}`);
	expect(served.status()).toBe(200);
	expect(served.headers()['content-type']).toMatch(/image\/svg\+xml/);
	expect((await served.body()).toString('utf8')).toBe(fs.readFileSync(path.join(REPO_ROOT, repoFile), 'utf8'));
}

async function waitEnabled(button: ReturnType<Editor['executeButton']>): Promise<void> {
	await button.waitFor();
	await page.waitForFunction((el) => !(el as unknown as { disabled: boolean }).disabled, await button.elementHandle(), { timeout: WAIT_MS });
}

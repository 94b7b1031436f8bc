/**
 * The Close.io action node in n8n's editor (Chromium, playwright-core; N8N_E2E_VERSION, default
 * 1.123.81; the page object knows 2.x's markup) against the sandbox: a workflow with the node and
 * n8n's AI Agent is opened, and
 *  1. the Lead list ("From List") loads the sandbox's leads and its search filters them;
 *  2. Status (lead update) lists Close's lead statuses, Custom Fields lists the lead's custom fields;
 *  3. Assigned To (task create) lists Close's users; 3b. the Contact and Task locators list records;
 *  4. as a user adds a tool (usableAsTool): the "+" under the AI Agent's Tool input opens the tools
 *     panel, whose search for "Close" offers the Close.io Tool; picked, its parameters open (n8n's
 *     Tool Description, then Instance, Resource, Operation);
 *  5. a parameter can be left to the model ("Let the model define", a `$fromAI()` expression); saved,
 *     the workflow (read back through n8n's REST API) has the tool connected to the agent (`ai_tool`).
 * Screenshots: see test/e2e/browser/chromium.ts (N8N_E2E_UPDATE_SCREENSHOTS=1 writes docs/screenshots/).
 * Run: npm run build && npx jest test/e2e/editor-closeio.test.ts --selectProjects e2e
 *      (N8N_E2E_VERSION=2.40.7 for n8n 2.x; `npm test` runs it on both, see jest.config.js)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';

import { startSandbox, type Sandbox } from '../../sandbox';
import { sandboxCredentials } from '../helpers/fakeContext';
import { DEFAULT_N8N_VERSION, OWNER, REPO_ROOT, type N8nInstance, startN8n, withN8nLogs } from './harness/n8n';
import { type EditorBrowser, SLOW, failureShot, launchEditorBrowser, shoot } from './browser/chromium';
import { Editor, listHas, listIs, listIsSet } from './browser/editor';
import { eventually } from './support/env';

// deadlines, not delays: a case on a busy machine (every core taken) took minutes
jest.setTimeout(600_000 * SLOW);

const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string };
const ACTION_TYPE = `${pkg.name}.closeIo`;
/** The node type n8n generates from a `usableAsTool` node: what the AI Agent's tools panel lists. */
const TOOL_TYPE = `${ACTION_TYPE}Tool`;
const AGENT = 'AI Agent';

let sb: Sandbox | undefined;
let n8n: N8nInstance | undefined;
let web: EditorBrowser | undefined;
let ed: Editor;
let page: Page;
let workflowId = '';
let instanceId = '';
const leads: Record<string, string> = {};

const step = (name: string, fn: () => Promise<void>) => () =>
	withN8nLogs(n8n, async () => {
		try {
			await fn();
		} catch (error) {
			const file = await failureShot(page, `closeio-${name}`);
			const err = error instanceof Error ? error : new Error(String(error));
			err.message += `\n---- page: ${page?.url()} (screenshot: ${file})`;
			throw err;
		}
	});

function node(name: string, id: string, position: [number, number], parameters: Record<string, unknown>, credentialId: string) {
	return {
		parameters: { instance: { __rl: true, mode: 'id', value: instanceId }, ...parameters },
		id,
		name,
		type: ACTION_TYPE,
		typeVersion: 1,
		position,
		credentials: { openConnectorsApi: { id: credentialId, name: 'Sandbox Open Connectors' } },
	};
}

/**
 * Opens a node's details (NDV); a no-op when they are open already. Closes another node's NDV first,
 * so a case does not depend on where an earlier (maybe failed) case left the editor.
 */
async function openNode(name: string): Promise<void> {
	const open = ed.ndv().locator('[data-test-id=node-title-container]', { hasText: name });
	if (await open.isVisible()) return;
	await toCanvas();
	const canvasNode = page.locator(`[data-test-id=canvas-node][data-node-name="${name}"], [data-test-id=canvas-node]:has-text("${name}")`).first();
	await canvasNode.waitFor();
	await canvasNode.dblclick();
	await ed.waitForNdv(name);
}

/** Closes any open list and node details, back to the canvas. */
async function toCanvas(): Promise<void> {
	await page.keyboard.press('Escape');
	await ed.noDropdownOpen();
	if (await ed.ndv().first().isVisible()) await ed.closeNdv();
}

/** The Close.io tool nodes of a saved workflow, each with the nodes its `ai_tool` output feeds. */
function toolsOf(wf: Record<string, any>): Array<{ name: string; parameters: Record<string, unknown>; aiTool: unknown }> {
	return (wf.nodes as Array<Record<string, any>>)
		.filter((n) => n.type === TOOL_TYPE)
		.map((n) => ({ name: n.name, parameters: n.parameters, aiTool: wf.connections?.[n.name]?.ai_tool }));
}

/**
 * The options an `options` input offers once opened and its list (loaded from Close through the
 * sandbox) satisfies `done`: the list's items are waited for, not a moment.
 */
async function optionsOf(input: Locator, done: (list: string[]) => boolean): Promise<string[]> {
	await input.scrollIntoViewIfNeeded();
	// n8n 2.x disables the select while its list loads, and a click then opens nothing: wait as a user does
	await input.locator('input:not([disabled])').waitFor();
	return await ed.optionsOf(input, done);
}

beforeAll(async () => {
	sb = await startSandbox({ port: 0, retryScale: 0.01 });
	instanceId = String(sb.admin.createInstance({ name: 'Editor Close' }).id);
	for (const name of ['Alpha Rockets', 'Beta Bakery', 'Gamma Garage']) leads[name] = sb.admin.create('lead', { name }).id;
	sb.admin.create('contact', { lead_id: leads['Alpha Rockets'], name: 'Ada Alpha' });
	sb.admin.create('contact', { lead_id: leads['Beta Bakery'], name: 'Ben Baker' });
	sb.admin.create('task', { lead_id: leads['Gamma Garage'], text: 'Call Gamma back' });
	sb.admin.createCustomField('lead', { name: 'Industry', type: 'text' });
	sb.admin.createCustomField('lead', { name: 'Seats', type: 'number' });
	const [instance, browser] = await Promise.all([startN8n({ version: DEFAULT_N8N_VERSION }), launchEditorBrowser()]);
	n8n = instance;
	web = browser;
	page = web.page;
	// Shared 2-core machine: the editor may take minutes to load under other helpers' load.
	page.setDefaultNavigationTimeout(180_000 * SLOW);
	page.setDefaultTimeout(60_000 * SLOW);
	ed = new Editor(page, n8n.url, n8n.version);
	const { id: credentialId } = await n8n.createCredential('openConnectorsApi', 'Sandbox Open Connectors', sandboxCredentials(sb));
	const wf = {
		name: 'editor: Close.io lists',
		nodes: [
			{ parameters: {}, id: 'e0000000-0000-4000-8000-000000000001', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] },
			node('Update Lead', 'e0000000-0000-4000-8000-000000000002', [240, 0], {
				resource: 'lead',
				operation: 'update',
				leadId: { __rl: true, mode: 'list', value: '' },
				updateFields: { status_id: '' },
				customFields: { field: [{ fieldId: '', value: '' }] },
			}, credentialId),
			node('Create Task', 'e0000000-0000-4000-8000-000000000003', [480, 0], {
				resource: 'task',
				operation: 'create',
				leadId: { __rl: true, mode: 'id', value: 'lead_x' },
				text: 'Call',
				fields: { assigned_to: '' },
			}, credentialId),
			node('Get Contact', 'e0000000-0000-4000-8000-000000000005', [720, 0], {
				resource: 'contact',
				operation: 'get',
				contactId: { __rl: true, mode: 'list', value: '' },
			}, credentialId),
			node('Get Tasks', 'e0000000-0000-4000-8000-000000000006', [960, 0], {
				resource: 'task',
				operation: 'update',
				taskId: { __rl: true, mode: 'list', value: '' },
				updateFields: {},
			}, credentialId),
			{
				parameters: { options: {} },
				id: 'e0000000-0000-4000-8000-000000000004',
				name: AGENT,
				type: '@n8n/n8n-nodes-langchain.agent',
				typeVersion: 1.7,
				position: [240, 300],
			},
		],
		connections: {
			Start: { main: [[{ node: 'Update Lead', type: 'main', index: 0 }]] },
			'Update Lead': { main: [[{ node: 'Create Task', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
	({ id: workflowId } = await n8n.importWorkflow(wf as any));
	await ed.signIn(OWNER.email, OWNER.password);
	// On a loaded machine the editor's bundle takes long to load: wait for the canvas, not for `load`.
	await page.goto(`${n8n.url}/workflow/${workflowId}`, { waitUntil: 'domcontentloaded', timeout: 180_000 });
	await page.locator('[data-test-id=canvas-node]').first().waitFor({ timeout: 180_000 });
}, 30 * 60_000);

afterAll(async () => {
	await web?.close();
	await n8n?.stop();
	await sb?.close();
});

describe(`n8n ${DEFAULT_N8N_VERSION} editor: the Close.io node`, () => {
	it(
		'1. the Lead list loads the sandbox leads and its search filters them',
		step('lead-list', async () => {
			await openNode('Update Lead');
			const leadInput = ed.ndv().locator('[data-test-id=rlc-input]').nth(1);
			await leadInput.scrollIntoViewIfNeeded();
			await leadInput.click();
			const leadNames = ['Alpha Rockets', 'Beta Bakery', 'Gamma Garage'];
			const all = await ed.rlcItemsUntil(listIsSet(leadNames));
			expect([...all].sort()).toEqual(leadNames);
			await ed.rlcSearch().fill('bak');
			// the unfiltered list shows Beta Bakery too: wait for the filtered list itself
			expect(await ed.rlcItemsUntil(listIs(['Beta Bakery']))).toEqual(['Beta Bakery']);
			await ed.rlcItems().filter({ hasText: 'Beta Bakery' }).click();
			await expect(leadInput.inputValue()).resolves.toBe('Beta Bakery');
			await shoot(page, 'closeio-01-lead-list');
		}),
	);

	it(
		'2. Status lists Close’s lead statuses; Custom Fields lists the lead custom fields',
		step('statuses-custom-fields', async () => {
			await openNode('Update Lead');
			const closeStatuses = ['Potential', 'Qualified', 'Customer', 'Bad Fit'];
			const statuses = await optionsOf(ed.collectionParam('status_id'), listHas(closeStatuses));
			expect(statuses).toEqual(expect.arrayContaining(closeStatuses));
			const fields = await optionsOf(ed.ndv().locator('[data-test-id="parameter-input-fieldId"]').first(), listIs(['Industry', 'Seats']));
			expect(fields).toEqual(['Industry', 'Seats']);
			await shoot(page, 'closeio-02-custom-fields');
			await ed.closeNdv();
		}),
	);

	it(
		'3. Assigned To lists Close’s users',
		step('users', async () => {
			await openNode('Create Task');
			const users = await optionsOf(ed.collectionParam('assigned_to'), listIs(['Sandbox User', 'Second Rep']));
			expect(users).toEqual(['Sandbox User', 'Second Rep']);
			await ed.closeNdv();
		}),
	);

	it(
		'3b. the Contact and Task locators list the sandbox records; the search filters them',
		step('record-locators', async () => {
			await openNode('Get Contact');
			const contactInput = ed.ndv().locator('[data-test-id=rlc-input]').nth(1);
			await contactInput.scrollIntoViewIfNeeded();
			await contactInput.click();
			await ed.rlcItems().filter({ hasText: 'Ada Alpha' }).waitFor();
			expect((await ed.rlcItems().allInnerTexts()).map((t) => t.trim()).sort()).toEqual(['Ada Alpha', 'Ben Baker']);
			await ed.rlcSearch().fill('ben');
			// the list empties (loading placeholders) while the search runs: wait for its answer
			await ed.rlcItems().filter({ hasText: 'Ada Alpha' }).waitFor({ state: 'detached' });
			await ed.rlcItems().filter({ hasText: 'Ben Baker' }).waitFor();
			expect((await ed.rlcItems().allInnerTexts()).map((t) => t.trim())).toEqual(['Ben Baker']);
			await ed.rlcItems().filter({ hasText: 'Ben Baker' }).click();
			await expect(contactInput.inputValue()).resolves.toBe('Ben Baker');
			await shoot(page, 'closeio-02b-contact-list');
			await ed.closeNdv();

			await openNode('Get Tasks');
			const taskInput = ed.ndv().locator('[data-test-id=rlc-input]').nth(1);
			await taskInput.scrollIntoViewIfNeeded();
			await taskInput.click();
			await ed.rlcItems().filter({ hasText: 'Call Gamma back' }).waitFor();
			await page.keyboard.press('Escape');
			await ed.closeNdv();
		}),
	);

	it(
		'4. the AI Agent’s Tool "+" offers the Close.io Tool (usableAsTool); picked, its parameters open',
		step('ai-tool-panel', async () => {
			expect(await n8n!.nodeTypes()).toContain(TOOL_TYPE);
			expect(toolsOf(await n8n!.getWorkflow(workflowId))).toEqual([]);
			await toCanvas();
			await ed.inputPlus(AGENT, 'ai_tool').click();
			await ed.searchBar().waitFor();
			await ed.searchNodes('Close');
			const item = ed.nodeItem(TOOL_TYPE);
			await item.waitFor();
			await expect(item.locator('[data-test-id=node-creator-item-name]').innerText()).resolves.toBe('Close.io Tool');
			await ed.dismissToasts();
			await shoot(page, 'closeio-03-agent-tools-panel');
			await item.click();
			await ed.ndv().locator('[data-test-id=node-parameters]').waitFor();
			// n8n adds Tool Description to a tool; the node's own fields follow, Lead > Create by default
			expect((await ed.visibleFields()).slice(0, 4)).toEqual(['Tool Description', 'Instance', 'Resource', 'Operation']);
			await expect(ed.param('resource').locator('input').inputValue()).resolves.toBe('Lead');
			await expect(ed.param('operation').locator('input').inputValue()).resolves.toBe('Create');
		}),
	);

	it(
		'5. a parameter is left to the model ($fromAI); saved, the tool is connected to the agent (ai_tool)',
		step('ai-tool-from-ai', async () => {
			await ed.selectOption('resource', /^\s*Task\s*$/);
			await expect(ed.param('operation').locator('input').inputValue()).resolves.toBe('Create');
			const text = ed.parameterItem('text');
			await text.hover();
			await ed.fromAiButton(text).click();
			await expect(ed.fromAiField(text).innerText()).resolves.toContain('Defined automatically by the model');
			await ed.dismissToasts();
			await shoot(page, 'closeio-04-agent-tool-from-ai');
			await ed.closeNdv();
			// 1.x saves on the user's Ctrl+S; 2.x also saves by itself once the workflow changed
			await page.keyboard.press('ControlOrMeta+s');
			const [tool] = await eventually(async () => {
				const tools = toolsOf(await n8n!.getWorkflow(workflowId));
				return tools.length === 1 && tools[0]!.parameters.text ? tools : undefined;
			}, 'the workflow saved with the Close.io tool', 120_000 * SLOW);
			expect(tool).toEqual({
				name: expect.stringMatching(/Close\.io/),
				parameters: expect.objectContaining({
					resource: 'task',
					text: expect.stringMatching(/^=\{\{ .*\$fromAI\('Text', /),
				}),
				aiTool: [[{ node: AGENT, type: 'ai_tool', index: 0 }]],
			});
			// and the canvas draws that connection
			await ed.edge(tool!.name, AGENT).first().waitFor({ state: 'attached' });
		}),
	);
});

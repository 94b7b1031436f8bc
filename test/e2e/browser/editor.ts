/**
 * A small page object for n8n's editor (seen on 1.123.81 and 2.40.7), by n8n's own `data-test-id`s
 * where it has them. Every action waits for what it needs (no fixed sleeps).
 *
 * Where 2.x's markup differs from 1.x's, the methods branch on the n8n major version:
 *  - the `options` collection: 1.x `.collection-parameter` with an `.add-option` select; 2.x a
 *    CSS-module class (`_collectionParameter_<hash>`) with a `collection-parameter-add` select;
 *  - a node without a credential: 1.x a credential select with a "Create new credential" item;
 *    2.x a "Connect to <credential name>" button (`node-credentials-empty-state`);
 *  - saving a credential opened from the node: 1.x keeps the dialog open with the test banner;
 *    2.x closes it when the test passes (the modal's `closeOnSave`), so the banner is read by
 *    reopening the saved credential (its edit button), which tests it again;
 *  - leaving the NDV: 1.x a "Back to canvas" link (`back-to-canvas`), 2.x a close button in the
 *    NDV's header (`ndv-close-button`).
 * The AI Agent's sub-node inputs (Tool, Chat Model, ...) and the tools panel carry the same ids on
 * both (`canvas-node-input-handle` with `data-connection-type`, `canvas-handle-plus`).
 */
import type { Locator, Page } from 'playwright-core';

import { DEFAULT_N8N_VERSION, majorOf } from '../harness/n8n';
import { SLOW } from './chromium';

/** How long a list loaded from the sandbox may take to show its items (generous: a busy machine). */
export const LIST_TIMEOUT_MS = 120_000 * SLOW;

/** Predicates for `readListUntil`: exactly these items in this order / in any order / at least these. */
export const listIs = (want: string[]) => (list: string[]) => JSON.stringify(list) === JSON.stringify(want);
export const listIsSet = (want: string[]) => (list: string[]) => JSON.stringify([...list].sort()) === JSON.stringify([...want].sort());
export const listHas = (want: string[]) => (list: string[]) => want.every((w) => list.includes(w));

export class Editor {
	/** n8n's major version: picks the markup where 1.x and 2.x differ. */
	readonly major: number;

	constructor(
		readonly page: Page,
		readonly baseUrl: string,
		readonly n8nVersion: string = DEFAULT_N8N_VERSION,
	) {
		this.major = majorOf(n8nVersion);
	}

	/** The `options` collection's container (1.x: a plain class; 2.x: a CSS-module class). */
	private get collectionSelector(): string {
		return this.major >= 2 ? '[class*="_collectionParameter_"]' : '.collection-parameter';
	}

	// ------------------------------------------------------------------ sign-in, workflow

	async signIn(email: string, password: string): Promise<void> {
		const { page } = this;
		await page.goto(`${this.baseUrl}/signin`);
		await page.locator('input[name=emailOrLdapLoginId]').fill(email);
		await page.locator('input[name=password]').fill(password);
		await page.locator('[data-test-id=form-submit-button]').click();
		await page.waitForURL((u) => !u.pathname.startsWith('/signin'), { timeout: 180_000 * SLOW });
	}

	async newWorkflow(): Promise<void> {
		// the editor's bundle loads slowly on a busy machine: wait for the canvas, not for `load`
		await this.page.goto(`${this.baseUrl}/workflow/new`, { waitUntil: 'domcontentloaded' });
		await this.page.locator('[data-test-id=canvas-plus-button]').waitFor({ timeout: 180_000 * SLOW });
	}

	/** Closes the toasts n8n shows (bottom right), so they do not cover screenshots. */
	async dismissToasts(): Promise<void> {
		const close = this.page.locator('.el-notification .el-notification__closeBtn:visible');
		for (let i = 0; i < 10 && (await close.count()) > 0; i++) {
			// a toast may fade out on its own between count() and click(): do not wait for it
			await close.first().click({ timeout: 1_000 }).catch(() => undefined);
		}
		await this.page.locator('.el-notification:visible').first().waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
	}

	// ------------------------------------------------------------------ canvas

	canvasNode(name: string): Locator {
		return this.page.locator(`[data-test-id=canvas-node][data-node-name="${name}"]`);
	}

	/** The "+" under a node's sub-node input of this type (`ai_tool`: the AI Agent's Tool input). */
	inputPlus(nodeName: string, connectionType: string): Locator {
		return this.page.locator(
			`[data-test-id=canvas-node-input-handle][data-connection-type="${connectionType}"][data-node-name="${nodeName}"] [data-test-id=canvas-handle-plus]`,
		);
	}

	/** The drawn connection from one node to another. */
	edge(sourceName: string, targetName: string): Locator {
		return this.page.locator(`[data-test-id=edge][data-source-node-name="${sourceName}"][data-target-node-name="${targetName}"]`);
	}

	// ------------------------------------------------------------------ node panel (node creator)

	async openNodePanel(): Promise<void> {
		await this.page.locator('[data-test-id=canvas-plus-button]').click();
		await this.searchBar().waitFor();
	}

	searchBar(): Locator {
		return this.page.locator('[data-test-id=node-creator-search-bar]');
	}

	/** Types into the node panel search; returns the list items (wait for one with `nodeItem`). */
	async searchNodes(text: string): Promise<void> {
		await this.searchBar().fill(text);
	}

	/** The node panel entry of a node type (items carry `data-keyboard-nav-id="<type>-<uuid>"`). */
	nodeItem(nodeType: string): Locator {
		return this.page.locator(`[data-test-id=node-creator] [data-test-id=item-iterator-item][data-keyboard-nav-id^="${nodeType}-"]`);
	}

	/** Node panel results in order: node type (from the nav id) and the displayed name. */
	async nodeResults(): Promise<Array<{ type: string; name: string }>> {
		const items = this.page.locator('[data-test-id=node-creator] [data-test-id=item-iterator-item][data-keyboard-nav-type=node]');
		const out: Array<{ type: string; name: string }> = [];
		for (const item of await items.all()) {
			const id = (await item.getAttribute('data-keyboard-nav-id')) ?? '';
			const name = (await item.locator('[data-test-id=node-creator-item-name]').first().innerText()).trim();
			out.push({ type: id.replace(/-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, ''), name });
		}
		return out;
	}

	/** The icon of a node panel item: its src, and whether the browser could decode and draw it. */
	async itemIcon(item: Locator): Promise<{ src: string; naturalWidth: number }> {
		const img = item.locator('img').first();
		await img.waitFor();
		// wait until the browser has loaded (or failed to load) it
		await this.page.waitForFunction((el) => (el as unknown as { complete: boolean }).complete, await img.elementHandle());
		const src = (await img.getAttribute('src')) ?? '';
		const naturalWidth = await img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth);
		return { src, naturalWidth };
	}

	// ------------------------------------------------------------------ node details view (NDV)

	ndv(): Locator {
		return this.page.locator('[data-test-id=ndv]');
	}

	async waitForNdv(title: string): Promise<void> {
		await this.ndv().locator('[data-test-id=node-title-container]', { hasText: title }).waitFor();
		await this.ndv().locator('[data-test-id=node-parameters]').waitFor();
	}

	/** Leaves the NDV by its own control (see the module comment) and waits for it to close. */
	async closeNdv(): Promise<void> {
		await this.page.locator(this.major >= 2 ? '[data-test-id=ndv-close-button]' : '[data-test-id=back-to-canvas]').click();
		await this.ndv().waitFor({ state: 'hidden' });
	}

	/**
	 * The "Let the model define this parameter" button n8n puts on a tool node's parameter (it turns
	 * the value into a `$fromAI()` expression), and the field showing a parameter so defined.
	 */
	fromAiButton(parameterItem: Locator): Locator {
		return parameterItem.locator('[data-test-id=from-ai-override-button]');
	}

	fromAiField(parameterItem: Locator): Locator {
		return parameterItem.locator('[data-test-id=fromAI-override-field]');
	}

	/**
	 * The NDV's row (label and input) of parameter `name`, found by its label: once the model
	 * defines a parameter, its input is gone and the row shows `fromAiField` instead.
	 */
	parameterItem(name: string): Locator {
		return this.ndv().locator(`[data-test-id=node-parameters] [data-test-id=parameter-item]:has(label[for="${name}"])`).last();
	}

	/** A top-level parameter's input (not one nested in a collection of the same name, e.g. pollTimes' `mode`). */
	param(name: string): Locator {
		return this.ndv().locator(
			`[data-test-id=node-parameters] [data-test-id="parameter-input-${name}"]:not([data-test-id^=fixed-collection] *):not(${this.collectionSelector} *)`,
		);
	}

	/** A parameter inside the `options` collection. */
	collectionParam(name: string): Locator {
		return this.ndv().locator(`[data-test-id=node-parameters] ${this.collectionSelector} [data-test-id="parameter-input-${name}"]`);
	}

	/**
	 * What the user sees in the Parameters tab, top to bottom: each visible top-level parameter's
	 * label, and each notice as `notice: <its text>` (the credential select, labelled `credentials-label`,
	 * is left out; it shares 1.x's first item with Poll Times; a collection's own options are not
	 * listed). Top-level = a `parameter-item` inside no other one.
	 */
	async visibleFields(): Promise<string[]> {
		return await this.ndv()
			.locator('[data-test-id=node-parameters]')
			.evaluate((root) => {
				const out: string[] = [];
				for (const item of Array.from(root.querySelectorAll('[data-test-id=parameter-item]'))) {
					const el = item as unknown as { parentElement: { closest(s: string): unknown } | null; offsetParent: unknown; querySelector(s: string): { innerText: string } | null };
					if (el.parentElement?.closest('[data-test-id=parameter-item]') || el.offsetParent === null) continue;
					const notice = el.querySelector('.notice');
					const label = el.querySelector('[data-test-id=input-label]');
					if (notice) out.push(`notice: ${notice.innerText.replace(/\s+/g, ' ').trim()}`);
					else if (label) out.push(label.innerText.split('\n')[0]!.replace(/\*$/, '').trim());
				}
				return out;
			});
	}

	pollTimes(): Locator {
		return this.ndv().locator('[data-test-id=fixed-collection-pollTimes]');
	}

	notice(text: string | RegExp): Locator {
		return this.ndv().locator('[data-test-id=node-parameters] .notice', { hasText: text });
	}

	webhookUrlsPanel(): Locator {
		return this.ndv().locator('.webhooks', { hasText: 'Webhook URLs' });
	}

	/** Visible dropdown options (element-plus renders them in a popper outside the NDV). */
	dropdownOption(text: string | RegExp): Locator {
		return this.page.locator('.el-select-dropdown__item:visible', { hasText: text });
	}

	/**
	 * Clicks `input` until its dropdown shows `option`: n8n 2.x re-renders a select whose options load
	 * from the node (loadOptions) when they arrive, which can close the dropdown the first click opened.
	 */
	async openDropdownUntil(input: Locator, option: string): Promise<void> {
		const until = Date.now() + LIST_TIMEOUT_MS;
		for (;;) {
			await input.click();
			try {
				await this.dropdownOption(option).first().waitFor({ timeout: 10_000 * SLOW });
				return;
			} catch (error) {
				if (Date.now() > until) throw error;
				if (await input.locator('[aria-expanded=true]').count()) await this.page.keyboard.press('Escape');
			}
		}
	}

	async visibleDropdownOptions(): Promise<string[]> {
		await this.page.locator('.el-select-dropdown__item:visible').first().waitFor();
		return await this.dropdownItemsNow();
	}

	/** The visible dropdown items as they are at this moment (no wait: see `readListUntil`). */
	async dropdownItemsNow(): Promise<string[]> {
		return (await this.page.locator('.el-select-dropdown__item:visible').allInnerTexts()).map((t) => t.trim().split('\n')[0]!.trim());
	}

	/** Waits until no dropdown list shows (a closed one fades out for a moment and still counts as visible). */
	async noDropdownOpen(): Promise<void> {
		await this.page.locator('.el-select-dropdown__item:visible').first().waitFor({ state: 'hidden' });
	}

	/**
	 * Reads a list again and again until `done(list)` holds, and returns that list. Lists loaded from
	 * the sandbox (options, Custom Fields, leads, instances) fill in after they open, later on a busy
	 * machine, and a list that is closing still shows for a moment: reading once at "the first item
	 * appeared" read `[]` or the previous list. At the deadline it returns the last read (the caller's
	 * expect then shows what was there) instead of throwing.
	 */
	async readListUntil(read: () => Promise<string[]>, done: (list: string[]) => boolean, timeoutMs = LIST_TIMEOUT_MS): Promise<string[]> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const list = await read().catch(() => [] as string[]);
			if (done(list) || Date.now() > deadline) return list;
			await this.page.waitForTimeout(250);
		}
	}

	/**
	 * Opens a select, waits until its items satisfy `done` (default: any item), closes it and waits
	 * until it is gone; returns the items. A list that did not open (clicked while it was still being
	 * set up) is clicked again, at most every 2 s.
	 */
	async optionsOf(select: Locator, done: (list: string[]) => boolean = (l) => l.length > 0): Promise<string[]> {
		await this.noDropdownOpen();
		await select.scrollIntoViewIfNeeded();
		await select.click();
		let polls = 0;
		const list = await this.readListUntil(async () => {
			if (++polls % 8 === 0 && (await this.page.locator('.el-select-dropdown:visible').count()) === 0) await select.click();
			return await this.dropdownItemsNow();
		}, done);
		await this.page.keyboard.press('Escape');
		await this.noDropdownOpen();
		return list;
	}

	/** The items of the open "From List" of a resource locator, once they satisfy `done` (see `readListUntil`). */
	async rlcItemsUntil(done: (list: string[]) => boolean): Promise<string[]> {
		return await this.readListUntil(async () => (await this.rlcItems().allInnerTexts()).map((t) => t.trim()), done);
	}

	/** Picks an option of a top-level `options` parameter. */
	async selectOption(name: string, option: string | RegExp): Promise<void> {
		await this.param(name).click();
		await this.dropdownOption(option).first().click();
		await this.dropdownOption(option).first().waitFor({ state: 'hidden' });
	}

	addOptionSelect(): Locator {
		// 2.x: the "Add option" select carries data-test-id=collection-parameter-add
		const add = this.major >= 2 ? '[data-test-id=collection-parameter-add]' : '.add-option';
		return this.ndv().locator(`[data-test-id=node-parameters] ${this.collectionSelector} ${add} input[placeholder="Add option" i]`);
	}

	/** The option names "Add option" offers now (opens and closes the dropdown). */
	async collectionOptionsOffered(done?: (list: string[]) => boolean): Promise<string[]> {
		return await this.optionsOf(this.addOptionSelect(), done);
	}

	/** Adds an option of the `options` collection and waits for its input. */
	async addCollectionOption(displayName: string, name: string): Promise<void> {
		await this.addOptionSelect().scrollIntoViewIfNeeded();
		await this.addOptionSelect().click();
		await this.dropdownOption(new RegExp(`^\\s*${escapeRegExp(displayName)}\\s*$`)).first().click();
		await this.collectionParam(name).waitFor();
	}

	executeButton(): Locator {
		return this.ndv().locator('[data-test-id=node-execute-button]');
	}

	outputPanel(): Locator {
		return this.ndv().locator('[data-test-id=output-panel]');
	}

	// ------------------------------------------------------------------ credentials

	credentialModal(): Locator {
		return this.page.locator('[data-test-id=editCredential-modal]');
	}

	/** 2.x only: the "Connect to <credential name>" button a node without a credential shows. */
	credentialConnectButton(): Locator {
		return this.ndv().locator('[data-test-id=node-credentials-empty-state] button');
	}

	/** The node's credential select (1.x: also when there is none yet; 2.x: once one is set). */
	credentialSelect(): Locator {
		return this.ndv().locator('[data-test-id=node-credentials-select]');
	}

	async openNewCredentialFromNode(): Promise<void> {
		if (this.major >= 2) {
			await this.credentialConnectButton().click();
		} else {
			await this.credentialSelect().click();
			await this.page.locator('[data-test-id=node-credentials-select-item-new]').click();
		}
		await this.credentialSaveButton().waitFor();
	}

	credentialField(name: string): Locator {
		return this.credentialModal().locator(`[data-test-id="parameter-input-${name}"]`);
	}

	async fillCredentialText(name: string, value: string): Promise<void> {
		const input = this.credentialField(name).locator('input');
		for (let attempt = 1; ; attempt++) {
			await input.fill(value);
			// n8n takes the value on input events it may debounce: leave the field so Save sends what was typed
			await input.press('Tab');
			if ((await input.inputValue()) !== value) throw new Error(`credential field ${name} did not take the value typed`);
			// Save saves (and tests) only a credential n8n marked changed; until then it shows "Saved" and a
			// click on it does nothing (a clean-clone CI run saw a save start no test that way)
			const label = await this.saveButtonLabel('Save', 15_000 * SLOW);
			if (label === 'Save') return;
			if (attempt === 3) {
				throw new Error(`n8n did not mark the credential changed after ${name} was typed (its save button says "${label}")`);
			}
			await input.fill('');
		}
	}

	private credentialSaveButton(): Locator {
		return this.credentialModal().locator('[data-test-id=credential-save-button]');
	}

	/** Polls the save button's label until it reads `wanted` or `timeoutMs` passes; the last label read. */
	private async saveButtonLabel(wanted: string, timeoutMs: number): Promise<string> {
		const until = Date.now() + timeoutMs;
		for (;;) {
			const label = (await this.credentialSaveButton().innerText().catch(() => '')).replace(/\s+/g, ' ').trim();
			if (label === wanted || Date.now() > until) return label;
			await this.page.waitForTimeout(200);
		}
	}

	async selectCredentialOption(name: string, option: string): Promise<void> {
		await this.credentialField(name).click();
		await this.dropdownOption(option).first().click();
		await this.dropdownOption(option).first().waitFor({ state: 'hidden' });
	}

	/** Waits for the editor's credential test (POST /rest/credentials/test) that `action` starts; n8n's answer. */
	private async credentialTest(action: () => Promise<void>): Promise<{ status: string; message: string }> {
		const tested = this.page.waitForResponse(
			(r) => r.request().method() === 'POST' && new URL(r.url()).pathname.endsWith('/rest/credentials/test'),
			{ timeout: 180_000 * SLOW },
		);
		await action();
		const body = (await (await tested).json()) as { data?: { status: string; message: string } };
		return body.data ?? { status: 'unknown', message: JSON.stringify(body) };
	}

	/**
	 * Saves the credential; the editor then runs its test (POST /rest/credentials/test). Waits for that
	 * answer and for the banner showing it; returns the banner's text and n8n's answer.
	 *
	 * 2.x closes the dialog by itself once the test passes (`closedOnSave`): then this waits for it to
	 * close, reopens the saved credential with the node's edit button (2.x tests a saved credential
	 * again when it opens: `retest` is that answer) and reads the banner there.
	 */
	async saveCredentialAndWaitForTest(): Promise<{
		ok: boolean;
		banner: string;
		answer: { status: string; message: string };
		closedOnSave: boolean;
		retest?: { status: string; message: string };
	}> {
		const modal = this.credentialModal();
		// a previous save may still be saving or testing: click Save only once it offers to save
		const label = await this.saveButtonLabel('Save', 30_000 * SLOW);
		if (label !== 'Save') throw new Error(`the credential's save button says "${label}", not "Save"`);
		const answer = await this.credentialTest(() => this.credentialSaveButton().click());
		const ok = answer.status === 'OK';
		let closedOnSave = false;
		let retest: { status: string; message: string } | undefined;
		if (ok && this.major >= 2) {
			await modal.waitFor({ state: 'hidden' });
			closedOnSave = true;
			retest = await this.credentialTest(() => this.ndv().locator('[data-test-id=credential-edit-button]').click());
		}
		const headline = ok
			? modal.getByText('Connection tested successfully')
			: modal.getByText(/Couldn.t connect with these settings/);
		await headline.first().waitFor();
		const box = headline.first().locator('xpath=ancestor::*[contains(@class,"el-tag__content")][1]');
		const banner = ((await box.count()) ? await box.innerText() : await headline.first().innerText()).replace(/\s+/g, ' ').trim();
		return { ok, banner, answer, closedOnSave, ...(retest ? { retest } : {}) };
	}

	async closeCredentialModal(): Promise<void> {
		await this.credentialModal().locator('.el-dialog__headerbtn, button[aria-label=Close]').first().click();
		await this.credentialModal().waitFor({ state: 'detached' });
	}

	// ------------------------------------------------------------------ resource locator (Instance)

	rlcInput(): Locator {
		return this.ndv().locator('[data-test-id=rlc-input]');
	}

	rlcItems(): Locator {
		return this.page.locator('[data-test-id=rlc-item]:visible');
	}

	rlcSearch(): Locator {
		return this.page.locator('input[data-test-id=rlc-search]:visible');
	}
}

export function escapeRegExp(s: string): string {
	return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

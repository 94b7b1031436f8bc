/**
 * Debian's Chromium driven by playwright-core, for the editor e2e test (test/e2e/editor.test.ts).
 *
 * - Chromium comes from apt (`scripts/install-chromium.sh`, idempotent; run here when the binary is
 *   missing and we may install it), never from playwright's own download.
 * - Flags seen working with n8n's editor on these machines (../shared/reference/n8n.md), plus a new
 *   empty user data dir per launch (removed on close).
 * - Screenshots: `shoot()` writes docs/screenshots/<name>.png when N8N_E2E_UPDATE_SCREENSHOTS=1,
 *   otherwise into a temp folder (the PNGs show random ports and ids, so a plain `npm test` does not
 *   rewrite the committed ones). `failureShot()` always goes to the temp folder.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

import { REPO_ROOT } from '../harness/n8n';

const execFileP = promisify(execFile);

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/**
 * N8N_E2E_SLOW=<factor> multiplies the browser's waits (and the editor test's per-step limit): on a
 * machine shared with other n8n runs (load average far above the core count) the editor's first page
 * load took minutes. Default 1.
 */
export const SLOW = Math.max(1, Number(process.env.N8N_E2E_SLOW) || 1);

export const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--disable-dev-shm-usage',
	'--hide-scrollbars',
	'--font-render-hinting=none',
];

/** The folder screenshots go to (see the module comment). */
export const SCREENSHOT_DIR =
	process.env.N8N_E2E_UPDATE_SCREENSHOTS === '1'
		? path.join(REPO_ROOT, 'docs', 'screenshots')
		: path.join(os.tmpdir(), 'n8n-editor-e2e', 'screenshots');
export const FAILURE_DIR = path.join(os.tmpdir(), 'n8n-editor-e2e', 'failures');

/** Makes sure Chromium is there: runs scripts/install-chromium.sh (a no-op when it exists). */
export async function ensureChromium(): Promise<string> {
	if (fs.existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
	const script = path.join(REPO_ROOT, 'scripts', 'install-chromium.sh');
	process.stderr.write(`[editor-e2e] ${CHROMIUM_PATH} missing: running scripts/install-chromium.sh\n`);
	try {
		await execFileP('bash', [script], { timeout: 15 * 60_000, maxBuffer: 64 * 1024 * 1024 });
	} catch (error) {
		throw new Error(
			`Chromium is needed for the editor e2e test and could not be installed (${(error as Error).message.split('\n')[0]}). ` +
				`Run scripts/install-chromium.sh as root, or set CHROMIUM_PATH.`,
		);
	}
	if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`scripts/install-chromium.sh ran but ${CHROMIUM_PATH} is missing`);
	return CHROMIUM_PATH;
}

export interface EditorBrowser {
	browser: Browser;
	context: BrowserContext;
	page: Page;
	/** Browser-side errors (uncaught exceptions) seen so far. */
	pageErrors: string[];
	close(): Promise<void>;
}

export async function launchEditorBrowser(opts: { width?: number; height?: number } = {}): Promise<EditorBrowser> {
	const executablePath = await ensureChromium();
	const userDataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'n8n-editor-e2e-chromium-'));
	let context: BrowserContext;
	try {
		// a persistent context is the only way to hand Chromium our own, new, empty --user-data-dir
		context = await chromium.launchPersistentContext(userDataDir, {
			executablePath,
			args: CHROMIUM_ARGS,
			headless: true,
			viewport: { width: opts.width ?? 1440, height: opts.height ?? 1100 },
			deviceScaleFactor: 1,
			locale: 'en-US',
			timezoneId: 'UTC',
			timeout: 60_000,
		});
	} catch (error) {
		await fsp.rm(userDataDir, { recursive: true, force: true });
		throw error;
	}
	const page = context.pages()[0] ?? (await context.newPage());
	// deadlines, not delays: generous, because a busy machine (other n8n runs, a busy loop per core)
	// took over 20 s to draw the editor's canvas after a navigation
	page.setDefaultTimeout(60_000 * SLOW);
	page.setDefaultNavigationTimeout(180_000 * SLOW);
	const pageErrors: string[] = [];
	page.on('pageerror', (e) => pageErrors.push(e.message));
	return {
		browser: context.browser() as Browser,
		context,
		page,
		pageErrors,
		async close() {
			await context.close().catch(() => undefined);
			await fsp.rm(userDataDir, { recursive: true, force: true }).catch(() => undefined);
		},
	};
}

/** Saves a documentation screenshot; returns its path. */
export async function shoot(page: Page, name: string): Promise<string> {
	await fsp.mkdir(SCREENSHOT_DIR, { recursive: true });
	const file = path.join(SCREENSHOT_DIR, `${name}.png`);
	// let CSS transitions (dropdowns, panels) settle: wait for two animation frames
	await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
	await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
	return file;
}

/** Saves a screenshot of the page as it is when a step failed; returns its path (or a note). */
export async function failureShot(page: Page | undefined, name: string): Promise<string> {
	if (!page || page.isClosed()) return '(no page)';
	try {
		await fsp.mkdir(FAILURE_DIR, { recursive: true });
		const file = path.join(FAILURE_DIR, `${new Date().toISOString().replace(/[:.]/g, '-')}-${name.replace(/[^a-z0-9-]+/gi, '-')}.png`);
		await page.screenshot({ path: file, timeout: 10_000 });
		return file;
	} catch (error) {
		return `(screenshot failed: ${(error as Error).message.split('\n')[0]})`;
	}
}

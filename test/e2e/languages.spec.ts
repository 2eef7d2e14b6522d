/**
 * The pages in the browser's language and colour scheme (docs/command-line-and-pages.md 1.1): Chromium is
 * launched with --lang es / fr / de and prefers-color-scheme light and dark; every page
 * shows its texts in that language, sets <html lang>, and passes axe-core WCAG 2.1 AA.
 * Screenshots of each page go to test-results/screenshots/ (not committed).
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { launchWithExtension } from './browser.ts';
import { extensionPage, waitForPolicy } from './extension.ts';

const SHOTS = resolve('test-results/screenshots');

const POLICY = {
  schemaVersion: 1,
  policyVersion: 'lang-1',
  organization: { name: 'St Example Health', supportContact: 'it-help@example.org' },
  sanctionedPlatforms: [{ name: 'EH Zoom', url: 'https://examplehealth.zoom.us/' }],
  incidentResponse: { contact: 'Privacy office, 0800 555 0100', steps: ['End the call.', 'Write down the time.'] },
};

/** What each language must say (from its dictionary, checked here as a reader sees it). */
const EXPECT = {
  es: { warn: 'Compruebe antes de continuar', block: 'Bloqueado para el trabajo con pacientes', continue: 'Continuar al sitio', access: 'Solicitar acceso', report: 'Notificar un incidente', send: 'Enviar notificación', kind: 'Alguien no invitado entró en una consulta', log: 'Registro de eventos', incident: 'Incidente notificado' },
  fr: { warn: 'Vérifiez avant de continuer', block: 'Bloqué pour le travail avec les patients', continue: 'Continuer vers le site', access: 'Demander l’accès', report: 'Signaler un incident', send: 'Envoyer le signalement', kind: 'Une personne non invitée a rejoint une consultation', log: 'Journal des événements', incident: 'Incident signalé' },
  de: { warn: 'Bitte prüfen Sie, bevor Sie fortfahren', block: 'Für die Arbeit mit Patienten gesperrt', continue: 'Weiter zur Website', access: 'Zugang anfordern', report: 'Vorfall melden', send: 'Meldung senden', kind: 'Jemand Uneingeladenes ist einer Sprechstunde beigetreten', log: 'Ereignisprotokoll', incident: 'Vorfall gemeldet' },
} as const;

const DATE_FROM = { es: 'Desde', fr: 'Du', de: 'Von' } as const;

async function violations(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return r.violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** No horizontal scrolling: long words wrap inside the page. */
async function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

for (const lang of ['es', 'fr', 'de'] as const) {
  for (const scheme of ['light', 'dark'] as const) {
    test(`${lang}, ${scheme}: every page in the browser’s language, WCAG 2.1 AA`, async () => {
      test.setTimeout(120_000);
      mkdirSync(SHOTS, { recursive: true });
      const shot = (page: Page, name: string) => page.screenshot({ path: `${SHOTS}/${name}-${lang}-${scheme}.png`, fullPage: true });
      const words = EXPECT[lang];
      const b = await launchWithExtension({ lang, colorScheme: scheme, args: ['--host-resolver-rules=MAP * 127.0.0.1:1'] });
      try {
        const admin = await extensionPage(b.context, b.extensionId);
        const imported = await admin.evaluate(async (text) => chrome.runtime.sendMessage({ kind: 'policy.import', text }), JSON.stringify(POLICY));
        expect(imported).toEqual({ ok: true });
        await waitForPolicy(admin, (s) => s.policyVersion === 'lang-1');

        // Warning page: translated, the reason counter, the reference and Request access.
        const page = await b.context.newPage();
        await page.setViewportSize({ width: 900, height: 1000 });
        await page.goto('https://web.whatsapp.com/chat?patient=123');
        await expect(page.getByRole('heading', { name: words.warn })).toBeVisible();
        expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang);
        await expect(page.getByRole('button', { name: words.continue })).toBeDisabled();
        await expect(page.getByTestId('reason-counter')).toContainText('3');
        await expect(page.getByTestId('guard-reference')).toContainText(/[0-9A-F]{8}-\d+/);
        const access = await page.getByRole('link', { name: words.access }).getAttribute('href');
        expect(access).toMatch(/^mailto:it-help@example\.org\?/);
        const body = decodeURIComponent(access!.split('body=')[1]!);
        expect(body).toContain('web.whatsapp.com');
        expect(body).not.toContain('patient=123');
        expect(body).not.toContain('/chat');
        expect(await violations(page), 'warning page').toEqual([]);
        await shot(page, 'warning');
        // German's long words at a narrow width.
        await page.setViewportSize({ width: 380, height: 900 });
        expect(await fitsWidth(page), 'warning page at 380 px').toBe(true);

        await page.setViewportSize({ width: 900, height: 1000 });
        await page.goto('https://zoom.us/s/81234567890?zak=abc');
        await expect(page.getByRole('heading', { name: words.block })).toBeVisible();
        expect(await violations(page), 'block page').toEqual([]);
        await shot(page, 'block');

        // Popup with an incident report sent.
        const popup = await extensionPage(b.context, b.extensionId, 'popup.html');
        await popup.setViewportSize({ width: 380, height: 900 });
        expect(await popup.evaluate(() => document.documentElement.lang)).toBe(lang);
        await popup.getByRole('button', { name: words.report }).click();
        await popup.getByRole('radio', { name: words.kind }).check();
        await popup.getByRole('textbox').last().fill('Test');
        expect(await violations(popup), 'popup, report form').toEqual([]);
        await popup.getByRole('button', { name: words.send }).click();
        await expect(popup.getByTestId('incident-receipt')).toContainText('Privacy office, 0800 555 0100');
        await expect(popup.getByTestId('incident-receipt')).toContainText('End the call.');
        expect(await violations(popup), 'popup, report sent').toEqual([]);
        expect(await fitsWidth(popup), 'popup at 380 px').toBe(true);
        await shot(popup, 'popup-incident');

        // Options page: the incident in the log, by its plain name in this language.
        await admin.reload();
        await admin.setViewportSize({ width: 1200, height: 1000 });
        await expect(admin.getByRole('heading', { name: words.log })).toBeVisible();
        await expect(admin.locator('table.events tbody tr').filter({ hasText: words.incident })).toHaveCount(1);
        expect(await admin.evaluate(() => document.documentElement.lang)).toBe(lang);
        // The date filters in the reader's own form (German: 31.12.2026, never mm/dd/yyyy).
        const dateForm = { es: '31/12/2026', fr: '31/12/2026', de: '31.12.2026' }[lang];
        const from = admin.getByRole('textbox', { name: DATE_FROM[lang] });
        await expect(from).toHaveAttribute('placeholder', dateForm);
        const today = new Date().toISOString().slice(0, 10);
        const [y, m, d] = today.split('-');
        await from.fill(lang === 'de' ? `${d}.${m}.${y}` : `${d}/${m}/${y}`);
        await from.press('Tab');
        await expect(from).not.toHaveAttribute('aria-invalid', 'true');
        await expect(admin.locator('table.events tbody tr').filter({ hasText: words.incident })).toHaveCount(1);
        await from.fill('13/31/2026');
        await from.press('Tab');
        await expect(from).toHaveAttribute('aria-invalid', 'true');
        await from.fill('');
        await from.press('Tab');
        expect(await violations(admin), 'options page').toEqual([]);
        await shot(admin, 'options');
      } finally {
        await b.close();
      }
    });
  }
}

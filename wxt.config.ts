import { defineConfig } from 'wxt';
import { EXTENSION_ID, EXTENSION_KEY, GECKO_ID, GUARD_PAGE_PATH, guardPageUrlFor, STARTUP_RULESET_ID } from './src/core/identity.ts';
import { LANGUAGES, type Language } from './src/core/i18n/format.ts';
import { chromeMessages } from './src/core/i18n/locales.ts';
import { generateManagedSchema } from './src/core/policy/managed-schema.ts';
import { startupRuleSet } from './src/core/ruleset.ts';

/**
 * The start-up rules as a static ruleset (src/core/ruleset.ts): the browser has them from the
 * moment the extension is installed, before its service worker has run once, so the very
 * first navigation of a new profile is already guarded. The worker puts the rules of the
 * policy in force in place and then disables this ruleset (src/browser/rules.ts). The
 * redirect names the extension by the id its key gives.
 */
const STARTUP_RULES_PATH = `rules/${STARTUP_RULESET_ID}.json`;

export default defineConfig({
  srcDir: '.',
  entrypointsDir: 'entrypoints',
  manifest: ({ browser }) => ({
    name: 'Telehealth Guard',
    // Texts in the browser's language: _locales is generated from src/core/i18n below.
    description: '__MSG_ext_description__',
    default_locale: 'en',
    // Each permission's reason is in README.md ("Permissions").
    // `identity` + `identity.email`: the signed-in account for `user` under logging.recordUser
    // (Chrome/Edge only; Firefox has no getProfileUserInfo and would warn on identity.email).
    permissions: [
      'storage',
      'declarativeNetRequest',
      'declarativeNetRequestFeedback',
      'alarms',
      'webNavigation',
      'webRequest',
      'browsingData',
      'scripting',
      'contextMenus',
      ...(browser === 'firefox' ? [] : ['identity', 'identity.email']),
      // The browser's own camera and microphone settings under media.action block/warn
      // (Chrome/Edge; Firefox has no such API: deploy's Permissions policy does it there).
      ...(browser === 'firefox' ? [] : ['contentSettings']),
      // Network prediction off while the policy blocks anything: no preconnect or prefetch
      // names a blocked host (src/browser/network-prediction.ts; README, "Permissions").
      'privacy',
    ],
    // Redirecting a site to the warning page needs access to that site's requests.
    host_permissions: ['<all_urls>'],
    // The capture bridge (entrypoints/media-bridge.ts), beside the page-world wrapper WXT adds
    // from entrypoints/media-main.content.ts (every frame, from document_start): the top frame
    // only — other frames' wrappers post to it (src/browser/content/media-channel.ts), since an
    // isolated world in every frame is what an allowed page with frames paid for (issue 25).
    content_scripts: [
      {
        matches: ['<all_urls>'],
        js: ['media-bridge.js'],
        run_at: 'document_start',
        all_frames: false,
        match_about_blank: true,
        match_origin_as_fallback: true,
      },
    ],
    // The guard page is where DNR redirects land, in main frames and sub-frames. On
    // Chromium only under a per-session dynamic id, so a site cannot frame or open it by
    // its static address (redirects to the static address are mapped onto it; README,
    // "How blocking works").
    web_accessible_resources: [{ resources: [GUARD_PAGE_PATH.slice(1)], matches: ['<all_urls>'], ...(browser === 'firefox' ? {} : { use_dynamic_url: true }) }],
    action: { default_title: 'Telehealth Guard' },
    options_ui: { page: 'options.html', open_in_tab: true },
    ...(browser === 'firefox'
      ? { browser_specific_settings: { gecko: { id: GECKO_ID, strict_min_version: '115.0' } } }
      : {
          key: EXTENSION_KEY,
          storage: { managed_schema: 'managed_schema.json' },
          declarative_net_request: { rule_resources: [{ id: STARTUP_RULESET_ID, enabled: true, path: STARTUP_RULES_PATH }] },
        }),
  }),
  vite: () => ({
    build: {
      rollupOptions: {
        // zod's sources carry comments Rollup cannot place ("contains an annotation that
        // Rollup cannot interpret"): harmless, and four long warnings on every build.
        onwarn(warning, warn) {
          if (warning.code === 'INVALID_ANNOTATION' && /node_modules[\\/]zod/.test(warning.id ?? '')) return;
          warn(warning);
        },
      },
    },
  }),
  hooks: {
    // The managed schema is generated from the zod policy schema at every build, so
    // Chrome's view of the policy format can never drift from the extension's.
    'build:publicAssets': (_wxt, files) => {
      files.push({ relativeDest: 'managed_schema.json', contents: JSON.stringify(generateManagedSchema(), null, 2) });
      files.push({ relativeDest: STARTUP_RULES_PATH, contents: JSON.stringify(startupRuleSet({ browser: 'chromium', guardPageUrl: guardPageUrlFor(EXTENSION_ID) }), null, 2) });
      for (const language of Object.keys(LANGUAGES) as Language[]) {
        files.push({ relativeDest: `_locales/${language}/messages.json`, contents: JSON.stringify(chromeMessages(language), null, 2) });
      }
    },
  },
});

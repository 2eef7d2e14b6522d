import { defineConfig } from 'wxt';
import { compilePolicy } from './src/core/classify.ts';
import { compileDnrRules } from './src/core/dnr.ts';
import { EXTENSION_ID, EXTENSION_KEY, GECKO_ID } from './src/core/identity.ts';
import { LANGUAGES, type Language } from './src/core/i18n/format.ts';
import { chromeMessages } from './src/core/i18n/locales.ts';
import { meetingGateRules } from './src/core/meetings/gate.ts';
import { lookalikeCandidateRules } from './src/core/lookalike/candidates.ts';
import { defaultPolicy } from './src/core/policy/default.ts';
import { generateManagedSchema } from './src/core/policy/managed-schema.ts';

/**
 * The built-in default policy's rules as a static ruleset: the browser has them from the
 * moment the extension is installed, before its service worker has run once, so the very
 * first navigation of a new profile is already guarded. The worker switches to dynamic
 * rules for the policy in force and then disables this ruleset (src/browser/engine.ts).
 * The redirect names the extension by the id its key gives.
 */
function builtinRules() {
  const guardPageUrl = `chrome-extension://${EXTENSION_ID}/guard.html`;
  const compiled = compilePolicy(defaultPolicy());
  return compileDnrRules(compiled, {
    guardPageUrl,
    extra: (id) => {
      const gates = meetingGateRules(guardPageUrl, id);
      return [...gates, ...lookalikeCandidateRules(compiled, guardPageUrl, id + gates.length)];
    },
  });
}

export const BUILTIN_RULESET = 'builtin-default';

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
    // from entrypoints/media-main.content.ts: every frame, from document_start.
    content_scripts: [
      {
        matches: ['<all_urls>'],
        js: ['media-bridge.js'],
        run_at: 'document_start',
        all_frames: true,
        match_about_blank: true,
        match_origin_as_fallback: true,
      },
    ],
    // The guard page is where DNR redirects land, in main frames and sub-frames. On
    // Chromium only under a per-session dynamic id, so a site cannot frame or open it by
    // its static address (redirects to the static address are mapped onto it; README,
    // "How blocking works").
    web_accessible_resources: [{ resources: ['guard.html'], matches: ['<all_urls>'], ...(browser === 'firefox' ? {} : { use_dynamic_url: true }) }],
    action: { default_title: 'Telehealth Guard' },
    options_ui: { page: 'options.html', open_in_tab: true },
    ...(browser === 'firefox'
      ? { browser_specific_settings: { gecko: { id: GECKO_ID, strict_min_version: '115.0' } } }
      : {
          key: EXTENSION_KEY,
          storage: { managed_schema: 'managed_schema.json' },
          declarative_net_request: { rule_resources: [{ id: BUILTIN_RULESET, enabled: true, path: 'rules/builtin-default.json' }] },
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
      files.push({ relativeDest: 'rules/builtin-default.json', contents: JSON.stringify(builtinRules(), null, 2) });
      for (const language of Object.keys(LANGUAGES) as Language[]) {
        files.push({ relativeDest: `_locales/${language}/messages.json`, contents: JSON.stringify(chromeMessages(language), null, 2) });
      }
    },
  },
});

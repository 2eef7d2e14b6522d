/**
 * The toolbar badge of a tab: "!" with the time while an allowance lets the person past a
 * warning there, nothing otherwise (core/verdict.ts badgeOf decides). Drawn only when what it
 * shows changes (issue 25; README, "Measured"): both browsers put a tab's badge and title back
 * to the extension's default when the tab loads a new page (Chromium clears tab values on a
 * cross-document navigation; Firefox documents the same), so an allowed page after an allowed
 * page — nearly every page — costs no call at all. A worker that just started does not know
 * what a tab shows and draws once.
 */
import { badgeOf, projectTab } from '../core/verdict.ts';
import { t } from './i18n.ts';
import { guardContext } from './navigation-watch.ts';

/** What each tab's badge was last drawn as ('' = the default); absent = not known to this worker. */
const drawn = new Map<number, string>();

export async function updateBadge(tabId: number, url: string | undefined): Promise<void> {
  const badge = badgeOf(url && /^https?:/i.test(url) ? projectTab(url, await guardContext()) : null);
  const shows = badge.until === null ? badge.text : `${badge.text}@${badge.until}`;
  if (drawn.get(tabId) === shows && shows === '') return;
  drawn.set(tabId, shows);
  await browser.action.setBadgeText({ tabId, text: badge.text });
  if (badge.until !== null) {
    await browser.action.setBadgeBackgroundColor({ tabId, color: '#8a4b00' });
    const until = new Date(badge.until).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    await browser.action.setTitle({ tabId, title: t('badge_bypass', { time: until }) });
  } else {
    await browser.action.setTitle({ tabId, title: t('badge_title') });
  }
}

/** A closed tab's entry goes. */
export function forgetBadge(tabId: number): void {
  drawn.delete(tabId);
}

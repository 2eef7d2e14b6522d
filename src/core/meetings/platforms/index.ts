/** Which parser reads a link: chosen by the parsed host (and app scheme), one per platform. */
import { PLATFORM_DOMAINS, type Facts } from '../types.ts';
import { hostOf, under, ZOOM_APP_SCHEMES } from '../url.ts';
import { consumerService } from './consumer.ts';
import { doxy, goto, meet, ringcentral, vsee, whereby } from './rooms.ts';
import { teams, teamsAppLink } from './teams.ts';
import { webex } from './webex.ts';
import { zoom } from './zoom.ts';

/** What the link says about the meeting, or null when it is not a meeting/call link. */
export function readLink(url: URL): Facts | null {
  const host = hostOf(url);
  if (url.protocol === 'msteams:') return url.hostname === '' ? teamsAppLink(url, null) : host === null ? null : teamsAppLink(url, host);
  if (host === null) return null;
  if (under(host, PLATFORM_DOMAINS.zoom)) return zoom(url, host);
  if (ZOOM_APP_SCHEMES.has(url.protocol)) return null;
  if (under(host, PLATFORM_DOMAINS.teams)) return teams(url, host);
  if (under(host, PLATFORM_DOMAINS.webex)) return webex(url, host);
  if (under(host, PLATFORM_DOMAINS.meet)) return meet(url);
  if (under(host, PLATFORM_DOMAINS.doxy)) return doxy(url);
  if (under(host, PLATFORM_DOMAINS.vsee)) return vsee(url, host);
  if (under(host, PLATFORM_DOMAINS.whereby)) return whereby(url, host);
  if (under(host, PLATFORM_DOMAINS.goto)) return goto(url, host);
  if (under(host, PLATFORM_DOMAINS.ringcentral)) return ringcentral(url, host);
  return consumerService(url, host);
}

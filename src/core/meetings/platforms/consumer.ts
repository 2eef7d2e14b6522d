/**
 * Consumer services (docs/meeting-links.md, "Shapes recognised"): FaceTime, WhatsApp, Skype, Telegram,
 * Signal, Messenger, and public Jitsi. Judged by the catalog (`consumer-platform`).
 */
import { hostUnder } from '../../hosts.ts';
import { facts, PLATFORM_DOMAINS, type Facts, type Platform } from '../types.ts';
import { segmentsOf, under } from '../url.ts';

export function consumerService(url: URL, host: string): Facts | null {
  const segs = segmentsOf(url.pathname);
  const s0 = segs[0]?.toLowerCase();
  const c = (platform: Platform): Facts => facts(platform, { consumer: true });
  if (hostUnder(host, 'facetime.apple.com')) return s0 === 'join' ? c('facetime') : null;
  if (hostUnder(host, 'chat.whatsapp.com') || hostUnder(host, 'wa.me')) return s0 !== undefined ? c('whatsapp') : null;
  if (hostUnder(host, 'call.whatsapp.com')) {
    return (s0 === 'video' || s0 === 'voice') && segs[1] !== undefined ? c('whatsapp') : null;
  }
  if (hostUnder(host, 'join.skype.com')) return s0 !== undefined ? c('skype') : null;
  if (under(host, PLATFORM_DOMAINS.telegram)) return s0 !== undefined ? c('telegram') : null;
  if (under(host, PLATFORM_DOMAINS.signal)) return s0 !== undefined || url.hash.length > 1 ? c('signal') : null;
  if (under(host, PLATFORM_DOMAINS.messenger)) return s0 !== undefined ? c('messenger') : null;
  if (hostUnder(host, 'meet.jit.si')) {
    // meet.jit.si/<room>: public service, lobby off by default.
    if (s0 === undefined || s0.includes('.')) return null;
    return facts('jitsi', { consumer: true, publicRoom: true });
  }
  return null;
}

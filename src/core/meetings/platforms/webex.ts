/**
 * Webex links (docs/meeting-links.md, "Shapes recognised"): `<site>.webex.com/meet/<name>` and
 * `/join/<name>` are personal rooms; `/<site>/j.php?MTID=…` and the join service are scheduled
 * meetings. The site is the tenant.
 */
import { facts, type Facts } from '../types.ts';
import { labelUnder, segmentsOf } from '../url.ts';

export function webex(url: URL, host: string): Facts | null {
  const segs = segmentsOf(url.pathname).map((s) => s.toLowerCase());
  const s0 = segs[0];
  const site = labelUnder(host, 'webex.com');
  const tenant = site === null || site === 'www' ? null : site;
  if ((s0 === 'meet' || s0 === 'join') && segs[1] !== undefined) {
    return facts('webex', { personalRoom: true, tenant });
  }
  if (segs[1] === 'j.php' || (s0 === 'wbxmjs' && segs[1] === 'joinservice')) {
    return facts('webex', { tenant });
  }
  return null;
}

/**
 * The warning and block pages' **Request access** link (docs/command-line-and-pages.md 1.1): a mail to the
 * support contact when it is an e-mail address, otherwise the organisation's support URL.
 * It carries the reference, the service and the host, and never the path or query of the
 * blocked address (those may hold meeting ids, tokens or patient details).
 */
export interface AccessRequest {
  /** formatReference(...), or null when the event's reference is not known. */
  reference: string | null;
  /** Catalog id or platform, or null. */
  service: string | null;
  host: string;
}

export interface AccessTexts {
  /** Mail subject, already in the reader's language. */
  subject: string;
  /** Mail body, already in the reader's language, with the facts filled in. */
  body: string;
}

const EMAIL = /^[^\s@<>()]+@[^\s@<>()]+\.[^\s@<>()]+$/;

export function requestAccessHref(
  organization: { supportContact?: string | undefined; supportUrl?: string | undefined },
  request: AccessRequest,
  texts: AccessTexts,
): string | null {
  const contact = organization.supportContact?.trim();
  if (contact && EMAIL.test(contact)) {
    return `mailto:${encodeURIComponent(contact).replace(/%40/g, '@')}?subject=${encodeURIComponent(texts.subject)}&body=${encodeURIComponent(texts.body)}`;
  }
  if (organization.supportUrl) {
    let url: URL;
    try {
      url = new URL(organization.supportUrl);
    } catch {
      return null;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    if (request.reference) url.searchParams.set('reference', request.reference);
    if (request.service) url.searchParams.set('service', request.service);
    url.searchParams.set('host', request.host);
    return url.href;
  }
  return null;
}

import type { ComponentChildren } from 'preact';
import { contactParts } from '../core/contact.ts';
import type { MessageKey } from '../core/i18n/en.ts';
import type { Params } from '../core/i18n/format.ts';
import { t } from './i18n.ts';

/** The policy's contact text with its e-mail addresses, telephone numbers and web addresses as links (src/core/contact.ts). */
export function Contact({ text }: { text: string }) {
  return (
    <>
      {contactParts(text).map((p) =>
        p.href === undefined ? (
          p.text
        ) : (
          <a href={p.href} {...(p.href.startsWith('http') ? { target: '_blank', rel: 'noopener' } : {})}>
            {p.text}
          </a>
        ),
      )}
    </>
  );
}

const SLOT = '\u0000';

/**
 * A translated sentence with one placeholder rendered as an element: "Now contact {contact}."
 * with the contact as links, "Reference: {reference}." with the reference kept on one line.
 * The translation decides where the element goes.
 */
export function Sentence({ k, slot, params = {}, children }: { k: MessageKey; slot: string; params?: Params; children: ComponentChildren }) {
  const [before, after = ''] = t(k, { ...params, [slot]: SLOT }).split(SLOT);
  return (
    <>
      {before}
      {children}
      {after}
    </>
  );
}

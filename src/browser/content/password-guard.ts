/**
 * Sign-in forms on look-alike hosts (docs/lookalikes.md, "Password fields"): every password
 * field is disabled, with a line saying why, as soon as it appears — fields added later, a
 * text field turned into a password field, and a page re-enabling one are all caught. The
 * background injects this only into frames whose host it judged a look-alike
 * (navigation-watch.ts), and records what happened; this file only does it.
 */

const NOTE_CLASS = 'telehealth-guard-password-note';
const GUARDED = 'data-telehealth-guard';

export interface PasswordGuard {
  /** Set the explanation on every field's note (the text comes from the background). */
  explain(text: string): void;
  stop(): void;
}

/**
 * Disable the password fields of `doc` and keep them disabled. `onFirst` runs once, when the
 * first field is disabled.
 */
export function guardPasswords(doc: Document, initialText: string, onFirst: () => void): PasswordGuard {
  let text = initialText;
  let reported = false;
  const notes = new Set<HTMLElement>();

  const disable = (input: HTMLInputElement) => {
    if (input.type.toLowerCase() !== 'password') return;
    if (!input.disabled) input.disabled = true;
    if (!input.readOnly) input.readOnly = true;
    if (input.value) input.value = '';
    if (input.hasAttribute(GUARDED)) return;
    input.setAttribute(GUARDED, 'password-disabled');
    const note = doc.createElement('p');
    note.className = NOTE_CLASS;
    note.id = `${NOTE_CLASS}-${notes.size + 1}`;
    note.setAttribute('role', 'note');
    note.textContent = text;
    // Readable on any page: the page's own styles are not trusted to show it.
    note.setAttribute('style', 'all:initial;display:block;margin:4px 0;padding:6px 8px;border-left:4px solid #b91c1c;background:#fef2f2;color:#7f1d1d;font:14px/1.4 system-ui,sans-serif;');
    input.insertAdjacentElement('afterend', note);
    input.setAttribute('aria-describedby', note.id);
    notes.add(note);
    if (!reported) {
      reported = true;
      onFirst();
    }
  };

  const sweep = (root: ParentNode) => {
    if (root instanceof HTMLInputElement) disable(root);
    for (const input of root.querySelectorAll?.('input') ?? []) disable(input as HTMLInputElement);
  };

  sweep(doc);
  const observer = new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'attributes' && r.target instanceof HTMLInputElement) disable(r.target);
      for (const node of r.addedNodes) if (node.nodeType === 1) sweep(node as Element);
    }
  });
  observer.observe(doc, { subtree: true, childList: true, attributes: true, attributeFilter: ['type', 'disabled', 'readonly'] });

  return {
    explain(next: string) {
      text = next;
      for (const note of notes) note.textContent = next;
    },
    stop: () => observer.disconnect(),
  };
}

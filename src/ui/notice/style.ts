/**
 * The notice's styles, inside its shadow root. The page's CSS cannot reach in, and these
 * rules cannot leak out. `:host` rules are `!important`: inside a shadow tree an important
 * declaration beats the page's, even the page's own `!important` and inline styles (CSS
 * Cascade 4, "context"), so a page cannot hide the host with `display: none` or
 * `visibility: hidden`. Colours are the extension pages' (src/ui/theme.css), each text
 * colour at least 4.5:1 on its background in light and dark (WCAG 2.1 AA); no remote fonts.
 */
export const NOTICE_CSS = `
:host {
  all: initial !important;
  display: block !important;
  visibility: visible !important;
  opacity: 1 !important;
  position: static !important;
  width: 0 !important; height: 0 !important;
  pointer-events: auto !important;
  contain: none !important;
}
dialog {
  --ink: #1b1f24; --muted: #4a535e; --paper: #ffffff; --wash: #f4f6f8; --line: #cfd6de;
  --accent: #1f5fbf; --on-accent: #ffffff; --warn: #8a4b00; --warn-wash: #fff4e0;
  --block: #a4161a; --block-wash: #fdecec; --focus: #1f5fbf; --field: #6b7480;
  color-scheme: light;
  box-sizing: border-box;
  width: min(34rem, calc(100vw - 2rem));
  max-height: calc(100vh - 2rem);
  overflow: auto;
  margin: auto;
  padding: 1.25rem 1.5rem;
  border: 2px solid var(--warn);
  border-radius: 10px;
  background: var(--paper);
  color: var(--ink);
  font: 16px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
  text-align: start;
  box-shadow: 0 12px 40px rgba(0, 0, 0, .35);
  visibility: visible !important;
  opacity: 1 !important;
}
dialog.block { border-color: var(--block); }
dialog::backdrop { background: rgba(0, 0, 0, .45); }
@media (prefers-color-scheme: dark) {
  dialog {
    --ink: #e6e9ed; --muted: #b4bcc6; --paper: #1d2126; --wash: #131619; --line: #3d454f;
    --accent: #8ab4f8; --on-accent: #10151b; --warn: #f0b44c; --warn-wash: #33270f;
    --block: #ff8a8a; --block-wash: #3a1618; --focus: #8ab4f8; --field: #8b949e;
    color-scheme: dark;
  }
}
* { box-sizing: border-box; }
.from { margin: 0 0 .25rem; font-size: .875rem; color: var(--muted); }
h2 { margin: 0 0 .75rem; font-size: 1.25rem; line-height: 1.3; color: var(--ink); }
p { margin: 0 0 .6rem; }
.platforms { margin: .75rem 0; padding: .6rem .8rem; background: var(--wash); border-radius: 6px; }
.platforms h3 { margin: 0 0 .3rem; font-size: 1rem; }
.platforms ul { margin: 0; padding-inline-start: 1.25rem; }
a { color: var(--accent); text-decoration: underline; }
label { display: block; font-weight: 600; margin-top: .75rem; }
.hint, .counter { font-size: .875rem; color: var(--muted); margin: .2rem 0; }
.counter.ready { color: var(--ink); }
textarea {
  display: block; width: 100%; min-height: 3.2rem; resize: vertical;
  font: inherit; padding: .4rem .5rem;
  background: var(--paper); color: var(--ink);
  border: 1px solid var(--field); border-radius: 6px;
}
.buttons { display: flex; flex-wrap: wrap; gap: .6rem; justify-content: flex-end; margin-top: 1rem; }
button {
  font: inherit; padding: .5rem 1rem; border-radius: 6px; cursor: pointer;
  border: 1px solid var(--line); background: var(--paper); color: var(--ink);
}
button.primary { background: var(--accent); border-color: var(--accent); color: var(--on-accent); }
button:disabled { opacity: .55; cursor: not-allowed; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
`;

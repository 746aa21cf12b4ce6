// <autoencoder-playground>: the playground as one tag in any page.
//
//   <script type="module" src="https://…/www/embed.js"></script>
//   <autoencoder-playground lesson="denoise" controls="minimal" height="420"
//                           settings="latent=2&noise=masking" seed="3"></autoencoder-playground>
//
// Each element shows the playground's own page (index.html, next to www/) in
// an iframe, with view flags that hide its header and menu and use the compact
// layout; so the app code exists once, every instance has its own training
// worker, and the host page's scripts and styles cannot reach into it. The
// attributes are read by state/embed-attributes.js: anything it cannot use falls back to
// its default and a notice above the demo says so (as text, never as markup).
// Changing an attribute reloads the demo with the new values.

import { parseEmbedAttributes } from './state/embed-attributes.js';
import { LESSONS, LESSON_IDS } from './lessons/index.js';

const PAGE_URL = new URL('../index.html', import.meta.url);
const ATTRIBUTES = ['lesson', 'controls', 'height', 'settings', 'seed', 'hide', 'autoplay', 'present'];

const STYLE = `
:host { display: block; margin: 1.5em 0; }
:host([hidden]) { display: none; }
.notice { margin: 0 0 6px; padding: 8px 12px; border-radius: 8px; border: 1px solid #d9a400; background: #fff6d6; color: #16191d;
  font: 14px/1.4 system-ui, sans-serif; }
.notice p { margin: 0; }
iframe { display: block; width: 100%; border: 1px solid #cfd6df; border-radius: 10px; background: transparent; }
@media (prefers-color-scheme: dark) {
  .notice { background: #3a3012; color: #eef1f5; border-color: #c99a06; }
  iframe { border-color: #343c48; }
}`;

export class AutoencoderPlayground extends HTMLElement {
  static get observedAttributes() {
    return ATTRIBUTES;
  }

  #frame = null;
  #notice = null;
  #scheduled = false;

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    const style = document.createElement('style');
    style.textContent = STYLE;
    this.#notice = document.createElement('div');
    this.#notice.className = 'notice';
    this.#notice.setAttribute('role', 'status');
    this.#notice.hidden = true;
    this.#frame = document.createElement('iframe');
    this.#frame.setAttribute('allow', 'fullscreen');
    this.#frame.setAttribute('part', 'frame');
    root.append(style, this.#notice, this.#frame);
  }

  connectedCallback() {
    this.#render();
  }

  attributeChangedCallback() {
    if (!this.isConnected || this.#scheduled) return;
    // Several attributes set in a row reload the demo once.
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      this.#render();
    });
  }

  /** The address the demo shows (index.html?flags#settings). */
  get src() {
    return this.#frame.src;
  }

  #render() {
    const attrs = Object.fromEntries(ATTRIBUTES.map((name) => [name, this.getAttribute(name)]));
    const parsed = parseEmbedAttributes(attrs, LESSON_IDS);
    this.#notice.replaceChildren();
    for (const problem of parsed.problems) {
      const p = document.createElement('p');
      p.textContent = problem;
      this.#notice.append(p);
    }
    this.#notice.hidden = parsed.problems.length === 0;
    this.dataset.problems = String(parsed.problems.length);
    const title = LESSONS.find((l) => l.id === parsed.lesson)?.title ?? parsed.lesson;
    this.#frame.title = `Autoencoder Playground: ${title}`;
    this.#frame.style.height = `${parsed.height}px`;
    const src = new URL(PAGE_URL);
    src.search = parsed.query;
    src.hash = parsed.hash;
    if (this.#frame.src !== src.href) this.#frame.src = src.href;
  }
}

if (!customElements.get('autoencoder-playground'))
  customElements.define('autoencoder-playground', AutoencoderPlayground);

// The page tests in Firefox: a thin adapter that gives the part of Playwright's
// API the e2e tests use over puppeteer-core, which drives a stock Firefox
// (Debian's firefox-esr) over WebDriver BiDi. playwright-core cannot drive a
// stock Firefox, so the tests keep Playwright's API and this module maps it.
//
//   const browser = await launchFirefox({ executablePath: '/usr/bin/firefox-esr' });
//   const context = await browser.newContext({ viewport, colorScheme });
//   const page = await context.newPage();   // page.click, waitForFunction(fn, arg, { timeout }), …
//
// What it covers, with Playwright's meaning:
//   browser   newContext({ viewport, colorScheme, reducedMotion, hasTouch, deviceScaleFactor,
//             baseURL, userAgent, locale, acceptDownloads }), newPage, contexts, version, close
//   context   newPage, pages, route/unroute (glob, RegExp or predicate; route.fulfill/abort/continue/
//             request), on/off/once('page'|'request'|'response'|'requestfinished'|'requestfailed'|
//             'console'|'close'), waitForEvent, addInitScript, grantPermissions, clearPermissions, close
//   page      the frame methods below on its main frame, plus goto, reload, goBack, goForward,
//             frames, mainFrame, frame, workers, context, on/off/once('console'|'pageerror'|'dialog'|
//             'download'|'request'|'response'|'requestfinished'|'requestfailed'|'worker'|'close'|
//             'load'|'domcontentloaded'|'framenavigated'), waitForEvent, addInitScript, route/unroute,
//             setViewportSize, viewportSize, emulateMedia (only what the context launched with),
//             setDefaultTimeout, screenshot, bringToFront, keyboard, mouse, close, isClosed
//   frame     url, name, parentFrame, childFrames, page, isDetached, evaluate, evaluateHandle,
//             waitForFunction, waitForSelector (attached|detached|visible|hidden), waitForTimeout,
//             $, $$, $eval, $$eval, locator, click, dblclick, hover, focus, fill, press, type, check,
//             uncheck, setChecked, selectOption, setInputFiles, tap, dispatchEvent, getAttribute,
//             textContent, innerText, innerHTML, inputValue, isVisible, isHidden, isEnabled,
//             isDisabled, isEditable, isChecked, content, title
//   locator   the same element methods, strict as in Playwright unless first/last/nth; count,
//             evaluate, evaluateAll, boundingBox, scrollIntoViewIfNeeded, waitFor, all, locator
//   keyboard  press ('Shift+ArrowRight' too), down, up, type, insertText
//   mouse     move ({ steps }), down, up, click, dblclick, wheel
//   touch     hasTouch: touch events and a coarse pointer; page.touchscreen.tap, tap(selector),
//             locator.tap
//   network   request.url/method/headers/frame/response/failure/sizes/isNavigationRequest,
//             response.url/status/statusText/ok/headers/request/frame/body/text/json
//   download  suggestedFilename, url, path, saveAs, failure
//
// What Firefox over BiDi cannot do throws UnsupportedInFirefox with the reason
// (a test that needs it is skipped in Firefox with that reason, never passed
// silently): changing colorScheme/reducedMotion of an open page (a context gets
// them when it is made: each combination, with hasTouch, is one Firefox,
// launched on first use with the matching preferences), print media,
// forcedColors and isMobile (hasTouch works: touch events, a coarse pointer).

import { EventEmitter } from 'node:events';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import puppeteer from 'puppeteer-core';

const DEFAULT_TIMEOUT = 30_000;
const DEFAULT_VIEWPORT = { width: 1280, height: 720 };

/** Thrown for what Firefox over WebDriver BiDi cannot do. */
export class UnsupportedInFirefox extends Error {
  constructor(what) {
    super(`not supported in Firefox over WebDriver BiDi: ${what}`);
    this.name = 'UnsupportedInFirefox';
  }
}

class TimeoutError extends Error {
  constructor(message) {
    super(message);
    this.name = 'TimeoutError';
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Playwright's glob: `**` any characters, `*` any but "/", `{a,b}` either; the rest literal. */
export function globToRegExp(glob) {
  let re = '^';
  let inGroup = false;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        re += '.*';
        i++;
      } else re += '[^/]*';
    } else if (c === '{') {
      inGroup = true;
      re += '(';
    } else if (c === '}' && inGroup) {
      inGroup = false;
      re += ')';
    } else if (c === ',' && inGroup) re += '|';
    else if (c === '\\' && i + 1 < glob.length) re += `\\${glob[++i]}`;
    else re += /[.+?^$()[\]|/\\]/.test(c) ? `\\${c}` : c;
  }
  return new RegExp(`${re}$`);
}

function urlMatches(pattern, url) {
  if (typeof pattern === 'string') return globToRegExp(pattern).test(url);
  if (pattern instanceof RegExp) {
    pattern.lastIndex = 0;
    return pattern.test(url);
  }
  if (typeof pattern === 'function') return Boolean(pattern(new URL(url)));
  throw new TypeError(`unknown URL pattern ${pattern}`);
}

/** An error from a document that went away under an evaluation (a navigation): the wait goes on in the next one. */
const isNavigationError = (err) =>
  /no such frame|no such realm|context was destroyed|realm.*(destroyed|discarded)|discarded|navigat|detached|Execution context|unloaded|NS_ERROR_/i.test(
    String(err?.message),
  );

// ── In the page ────────────────────────────────────────────────────────────
// Self-contained: it is sent as source text and run in the page's own world.

function pageLib() {
  const queryAll = (root, selector) => {
    const found = [...root.querySelectorAll(selector)];
    // Playwright's CSS engine pierces open shadow roots.
    const walk = (node) => {
      for (const el of node.querySelectorAll('*')) {
        if (el.shadowRoot) {
          found.push(...el.shadowRoot.querySelectorAll(selector));
          walk(el.shadowRoot);
        }
      }
    };
    walk(root);
    return [...new Set(found)];
  };
  const resolveAll = (target) => {
    let scopes = [document];
    for (const step of target.chain) {
      const next = [];
      for (const scope of scopes) {
        const all = queryAll(scope, step.selector);
        if (step.index === 'strict' || step.index === 'all') next.push(...all);
        else {
          const el = step.index < 0 ? all.at(step.index) : all[step.index];
          if (el) next.push(el);
        }
      }
      scopes = [...new Set(next)];
    }
    return scopes;
  };
  const describe = (target) =>
    target.chain
      .map((s) => `locator('${s.selector}')${typeof s.index === 'number' ? `.nth(${s.index})` : ''}`)
      .join('.');
  const resolve = (target) => {
    const all = resolveAll(target);
    const last = target.chain.at(-1);
    if (last.index === 'strict' && all.length > 1)
      throw new Error(`strict mode violation: ${describe(target)} resolved to ${all.length} elements`);
    return all[0] ?? null;
  };
  const isVisible = (el) => {
    if (!el?.isConnected) return false;
    const style = getComputedStyle(el);
    if (style.display === 'contents') {
      for (const child of el.childNodes) {
        if (child.nodeType === 1 && isVisible(child)) return true;
        if (child.nodeType === 3) {
          const range = document.createRange();
          range.selectNodeContents(child);
          const r = range.getBoundingClientRect();
          if (r.width > 0 && r.height > 0) return true;
        }
      }
      return false;
    }
    if (typeof el.checkVisibility === 'function' && !el.checkVisibility()) return false;
    if (style.visibility !== 'visible') return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const isDisabled = (el) => {
    if (['BUTTON', 'INPUT', 'SELECT', 'TEXTAREA', 'OPTION', 'OPTGROUP'].includes(el.tagName) && el.matches(':disabled'))
      return true;
    for (let e = el; e; e = e.parentElement) if (e.getAttribute('aria-disabled') === 'true') return true;
    return false;
  };
  const isEditable = (el) => {
    if (isDisabled(el)) return false;
    if (['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName)) return !el.hasAttribute('readonly');
    if (el.isContentEditable) return true;
    throw new Error('Element is not an <input>, <textarea>, <select> or [contenteditable]');
  };
  const isChecked = (el) => {
    if (el.tagName === 'INPUT' && ['checkbox', 'radio'].includes(el.type)) return el.checked;
    const aria = el.getAttribute('aria-checked');
    if (aria === 'true' || aria === 'false' || aria === 'mixed') return aria === 'true';
    throw new Error('Not a checkbox or radio button');
  };
  const state = (el, want) => {
    switch (want) {
      case 'attached':
        return Boolean(el);
      case 'detached':
        return !el;
      case 'visible':
        return isVisible(el);
      case 'hidden':
        return !isVisible(el);
      case 'enabled':
        return Boolean(el) && !isDisabled(el);
      case 'actionable':
        return isVisible(el) && !isDisabled(el);
      case 'editable':
        return isVisible(el) && isEditable(el);
      default:
        throw new Error(`unknown state ${want}`);
    }
  };
  return { queryAll, resolveAll, resolve, isVisible, isDisabled, isEditable, isChecked, state, describe };
}

// Operations on one resolved element (or null), run in the page: (el, arg, lib) => value.
const OPS = {
  getAttribute: (el, name) => el.getAttribute(name),
  textContent: (el) => el.textContent,
  // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText is the rendered text
  innerText: (el) => el.innerText,
  innerHTML: (el) => el.innerHTML,
  inputValue: (el) => {
    if (!['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName))
      throw new Error('Error: Node is not an <input>, <textarea> or <select> element');
    return el.value;
  },
  isVisible: (el, _arg, lib) => lib.isVisible(el),
  isEnabled: (el, _arg, lib) => !lib.isDisabled(el),
  isDisabled: (el, _arg, lib) => lib.isDisabled(el),
  isEditable: (el, _arg, lib) => lib.isEditable(el),
  isChecked: (el, _arg, lib) => lib.isChecked(el),
  focus: (el) => {
    el.focus();
  },
  blur: (el) => {
    el.blur();
  },
  fill: (el, value) => {
    const special = ['color', 'date', 'time', 'datetime-local', 'month', 'range', 'week'];
    if (el.tagName === 'INPUT' && special.includes(el.type)) {
      el.focus();
      el.value = value;
      if (el.value !== value) throw new Error(`Malformed value "${value}" for input type ${el.type}`);
      el.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
      return;
    }
    el.focus();
    if (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA') el.select();
    else {
      const range = document.createRange();
      range.selectNodeContents(el);
      const sel = getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
    }
    // One input event with the whole text, as Playwright's insertText gives.
    if (value) document.execCommand('insertText', false, value);
    else document.execCommand('delete', false);
  },
  selectOption: (el, wanted) => {
    if (el.tagName !== 'SELECT') throw new Error('Element is not a <select> element');
    const options = [...el.options];
    const picked = [];
    for (const w of wanted) {
      const o = options.find((opt) =>
        typeof w === 'string'
          ? opt.value === w || opt.label === w
          : (w.value === undefined || opt.value === w.value) &&
            (w.label === undefined || opt.label === w.label) &&
            (w.index === undefined || opt.index === w.index),
      );
      if (!o) return { missing: true };
      picked.push(o);
      if (!el.multiple) break;
    }
    for (const opt of options) opt.selected = picked.includes(opt);
    el.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    el.dispatchEvent(new Event('change', { bubbles: true }));
    return { values: picked.map((o) => o.value) };
  },
  dispatchEvent: (el, { type, init }) => {
    const Ctor =
      {
        click: MouseEvent,
        dblclick: MouseEvent,
        mousedown: MouseEvent,
        mouseup: MouseEvent,
        keydown: KeyboardEvent,
        keyup: KeyboardEvent,
        focus: FocusEvent,
        blur: FocusEvent,
        pointerdown: PointerEvent,
        pointerup: PointerEvent,
        pointermove: PointerEvent,
      }[type] ?? Event;
    el.dispatchEvent(new Ctor(type, { bubbles: true, cancelable: true, composed: true, ...init }));
  },
  scrollIntoViewIfNeeded: async (el) => {
    const ratio = await new Promise((resolve) => {
      const io = new IntersectionObserver((entries) => {
        resolve(entries[0].intersectionRatio);
        io.disconnect();
      });
      io.observe(el);
    });
    if (ratio < 1) el.scrollIntoView({ block: 'center', inline: 'center', behavior: 'instant' });
  },
};

// ── Node side ───────────────────────────────────────────────────────────────

const LIB_SRC = pageLib.toString();

/** A JSON literal for page source (undefined becomes null, as Playwright would drop it). */
const literal = (value) => (value === undefined ? 'undefined' : JSON.stringify(value));

/** Source of a function (or expression string) as a callable taking one argument. */
function callableSource(fn) {
  if (typeof fn === 'function') return fn.toString();
  const text = String(fn).trim();
  // Playwright: a string that looks like a function is called, otherwise it is an expression.
  return `(arg) => { const v = (${text}); return typeof v === 'function' ? v(arg) : v; }`;
}

class FxJSHandle {
  #value;
  constructor(value) {
    this.#value = value;
  }
  async jsonValue() {
    return this.#value;
  }
  async dispose() {}
}

/** Keyboard with Playwright's "Shift+ArrowRight" chords. */
class FxKeyboard {
  #kb;
  constructor(kb) {
    this.#kb = kb;
  }
  static #split(key) {
    if (key === '+') return ['+'];
    const parts = key.endsWith('++') ? [...key.slice(0, -2).split('+'), '+'] : key.split('+');
    return parts.map((p) => (p === 'ControlOrMeta' ? (process.platform === 'darwin' ? 'Meta' : 'Control') : p));
  }
  async press(key, { delay = 0 } = {}) {
    const parts = FxKeyboard.#split(key);
    const last = parts.pop();
    for (const mod of parts) await this.#kb.down(mod);
    await this.#kb.press(last, { delay });
    for (const mod of parts.reverse()) await this.#kb.up(mod);
  }
  async down(key) {
    await this.#kb.down(key);
  }
  async up(key) {
    await this.#kb.up(key);
  }
  async type(text, { delay = 0 } = {}) {
    await this.#kb.type(text, { delay });
  }
  async insertText(text) {
    for (const ch of text) await this.#kb.sendCharacter(ch);
  }
}

class FxMouse {
  #mouse;
  constructor(mouse) {
    this.#mouse = mouse;
  }
  async move(x, y, { steps = 1 } = {}) {
    await this.#mouse.move(x, y, { steps });
  }
  async down({ button = 'left', clickCount = 1 } = {}) {
    await this.#mouse.down({ button, clickCount });
  }
  async up({ button = 'left', clickCount = 1 } = {}) {
    await this.#mouse.up({ button, clickCount });
  }
  async click(x, y, { button = 'left', clickCount = 1, delay = 0 } = {}) {
    await this.#mouse.click(x, y, { button, count: clickCount, delay });
  }
  async dblclick(x, y, { button = 'left', delay = 0 } = {}) {
    await this.#mouse.click(x, y, { button, count: 2, delay });
  }
  async wheel(deltaX, deltaY) {
    await this.#mouse.wheel({ deltaX, deltaY });
  }
}

/** Touch, in a context made with hasTouch (Playwright refuses it otherwise, and so does this). */
class FxTouchscreen {
  #page;
  #touch;
  constructor(page, touch) {
    this.#page = page;
    this.#touch = touch;
  }
  async tap(x, y) {
    this.#page._needTouch();
    await this.#touch.tap(x, y);
  }
}

/** A locator: a chain of (selector, which match) resolved in the page each time it is used. */
class FxLocator {
  constructor(frame, chain) {
    this._frame = frame;
    this._chain = chain;
  }
  #target() {
    return { chain: this._chain };
  }
  #with(index) {
    return new FxLocator(this._frame, [...this._chain.slice(0, -1), { ...this._chain.at(-1), index }]);
  }
  toString() {
    return this._chain.map((s) => `locator('${s.selector}')`).join('.');
  }
  first() {
    return this.#with(0);
  }
  last() {
    return this.#with(-1);
  }
  nth(i) {
    return this.#with(i);
  }
  locator(selector) {
    return new FxLocator(this._frame, [...this._chain, { selector, index: 'strict' }]);
  }
  async count() {
    return this._frame._evalAll(this.#target(), (els) => els.length);
  }
  async all() {
    const n = await this.count();
    return Array.from({ length: n }, (_, i) => this.nth(i));
  }
  async evaluate(fn, arg, { timeout } = {}) {
    return this._frame._withElement(this.#target(), fn, arg, timeout);
  }
  async evaluateAll(fn, arg) {
    return this._frame._evalAll(this.#target(), fn, arg);
  }
  async elementHandle({ timeout } = {}) {
    return this._frame._handle(this.#target(), 'attached', timeout, 'locator.elementHandle');
  }
  waitFor({ state = 'visible', timeout } = {}) {
    return this._frame._waitForState(this.#target(), state, timeout, 'locator.waitFor');
  }
  isVisible() {
    return this._frame._op(this.#target(), 'isVisible', undefined, { wait: false });
  }
  async isHidden() {
    return !(await this.isVisible());
  }
  isEnabled(o) {
    return this._frame._op(this.#target(), 'isEnabled', undefined, o);
  }
  isDisabled(o) {
    return this._frame._op(this.#target(), 'isDisabled', undefined, o);
  }
  isEditable(o) {
    return this._frame._op(this.#target(), 'isEditable', undefined, o);
  }
  isChecked(o) {
    return this._frame._op(this.#target(), 'isChecked', undefined, o);
  }
  getAttribute(name, o) {
    return this._frame._op(this.#target(), 'getAttribute', name, o);
  }
  textContent(o) {
    return this._frame._op(this.#target(), 'textContent', undefined, o);
  }
  innerText(o) {
    return this._frame._op(this.#target(), 'innerText', undefined, o);
  }
  innerHTML(o) {
    return this._frame._op(this.#target(), 'innerHTML', undefined, o);
  }
  inputValue(o) {
    return this._frame._op(this.#target(), 'inputValue', undefined, o);
  }
  focus(o) {
    return this._frame._op(this.#target(), 'focus', undefined, o);
  }
  blur(o) {
    return this._frame._op(this.#target(), 'blur', undefined, o);
  }
  click(o) {
    return this._frame._click(this.#target(), o);
  }
  dblclick(o) {
    return this._frame._click(this.#target(), { ...o, clickCount: 2 });
  }
  tap(o) {
    return this._frame._tap(this.#target(), o);
  }
  hover(o) {
    return this._frame._hover(this.#target(), o);
  }
  fill(value, o) {
    return this._frame._fill(this.#target(), value, o);
  }
  press(key, o) {
    return this._frame._press(this.#target(), key, o);
  }
  pressSequentially(text, o) {
    return this._frame._type(this.#target(), text, o);
  }
  type(text, o) {
    return this._frame._type(this.#target(), text, o);
  }
  check(o) {
    return this._frame._setChecked(this.#target(), true, o);
  }
  uncheck(o) {
    return this._frame._setChecked(this.#target(), false, o);
  }
  setChecked(checked, o) {
    return this._frame._setChecked(this.#target(), checked, o);
  }
  selectOption(values, o) {
    return this._frame._selectOption(this.#target(), values, o);
  }
  setInputFiles(files, o) {
    return this._frame._setInputFiles(this.#target(), files, o);
  }
  dispatchEvent(type, init, o) {
    return this._frame._op(this.#target(), 'dispatchEvent', { type, init }, o);
  }
  async boundingBox({ timeout } = {}) {
    const handle = await this._frame._handle(this.#target(), 'attached', timeout, 'locator.boundingBox');
    try {
      return await handle.boundingBox();
    } finally {
      await handle.dispose();
    }
  }
  scrollIntoViewIfNeeded(o) {
    return this._frame._op(this.#target(), 'scrollIntoViewIfNeeded', undefined, { ...o, state: 'visible' });
  }
}

/** A frame with Playwright's selector methods (the page's main frame included). */
class FxFrame {
  constructor(page, frame) {
    this._page = page;
    this._pp = frame;
  }
  get #timeout() {
    return this._page._timeout;
  }
  page() {
    return this._page;
  }
  url() {
    return this._pp.url();
  }
  name() {
    return this._pp.name?.() ?? '';
  }
  parentFrame() {
    const parent = this._pp.parentFrame();
    return parent ? this._page._frame(parent) : null;
  }
  childFrames() {
    return this._pp.childFrames().map((f) => this._page._frame(f));
  }
  isDetached() {
    return this._pp.detached;
  }

  /** Evaluates source in the frame, retrying across a navigation until `deadline`. */
  async _evaluateSource(source, deadline) {
    for (;;) {
      try {
        return await this._pp.evaluate(source);
      } catch (err) {
        if (!isNavigationError(err) || Date.now() > deadline) throw err;
        await sleep(50);
      }
    }
  }

  /**
   * Polls `predicateSource` (called as (arg, lib) in the page) on every animation frame until it
   * returns something truthy, and returns that; a timeout rejects with Playwright's words.
   */
  async _poll(predicateSource, arg, timeout, what) {
    const ms = timeout ?? this.#timeout;
    const deadline = Date.now() + (ms || 1e9);
    const source = `(async () => {
      const lib = (${LIB_SRC})();
      const predicate = (${predicateSource});
      const arg = ${literal(arg)};
      const end = performance.now() + ${ms || 1e9};
      for (;;) {
        const v = await predicate(arg, lib);
        if (v) {
          if (typeof v !== 'object') return { value: v };
          try { return { value: JSON.parse(JSON.stringify(v)) }; } catch { return { value: true }; }
        }
        if (performance.now() >= end) return { timedOut: true };
        await new Promise((r) => { requestAnimationFrame(() => r()); setTimeout(r, 100); });
      }
    })()`;
    let timer;
    const guard = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new TimeoutError(`${what}: Timeout ${ms}ms exceeded.`)), (ms || 1e9) + 5_000);
    });
    try {
      for (;;) {
        const result = await Promise.race([this._evaluateSource(source, deadline), guard]);
        if (result?.timedOut || result === undefined) {
          if (Date.now() < deadline - 50) continue; // the document changed under the poll: poll the new one
          throw new TimeoutError(`${what}: Timeout ${ms}ms exceeded.`);
        }
        return result.value;
      }
    } finally {
      clearTimeout(timer);
    }
  }

  _waitForState(target, state, timeout, what = 'waitForSelector') {
    const predicate = `(t, lib) => lib.state(lib.resolve(t), ${literal(state)})`;
    return this._poll(predicate, target, timeout, `${what}: waiting for ${describeTarget(target)} to be ${state}`);
  }

  /** An element handle for the target once it is in `state`. */
  async _handle(target, state, timeout, what) {
    await this._waitForState(target, state, timeout, what);
    const handle = await this._pp.evaluateHandle(`(() => (${LIB_SRC})().resolve(${JSON.stringify(target)}))()`);
    const el = handle.asElement();
    if (!el) {
      await handle.dispose();
      return this._handle(target, state, timeout, what); // it went away in between: wait again
    }
    return el;
  }

  /** Runs OPS[name] on the target (waiting until it is attached, or `state`, unless wait: false). */
  async _op(target, name, arg, { timeout, wait = true, state = 'attached' } = {}) {
    const op = OPS[name].toString();
    if (!wait) {
      const source = `(async () => { const lib = (${LIB_SRC})(); const el = lib.resolve(${JSON.stringify(target)});
        return el ? (${op})(el, ${literal(arg)}, lib) : ${name === 'isVisible' ? 'false' : 'null'}; })()`;
      return this._evaluateSource(source, Date.now() + (timeout ?? this.#timeout));
    }
    const predicate = `async (t, lib) => { const el = lib.resolve(t);
      if (!lib.state(el, ${literal(state)})) return null;
      return { r: await (${op})(el, ${literal(arg)}, lib) }; }`;
    const result = await this._poll(predicate, target, timeout, `${name}: waiting for ${describeTarget(target)}`);
    return result.r === undefined ? undefined : result.r;
  }

  async _withElement(target, fn, arg, timeout) {
    const handle = await this._handle(target, 'attached', timeout, 'evaluate');
    try {
      return await handle.evaluate(fn, arg);
    } finally {
      await handle.dispose();
    }
  }

  async _evalAll(target, fn, arg) {
    const handle = await this._pp.evaluateHandle(
      `(() => (${LIB_SRC})().resolveAll({ chain: ${JSON.stringify(target.chain.slice(0, -1))}.concat([{ ...${JSON.stringify(target.chain.at(-1))}, index: 'all' }]) }))()`,
    );
    try {
      return await handle.evaluate(fn, arg);
    } finally {
      await handle.dispose();
    }
  }

  async _click(target, { timeout, button = 'left', clickCount = 1, delay = 0, position, force = false } = {}) {
    const handle = await this._handle(target, force ? 'attached' : 'actionable', timeout, 'click');
    try {
      await handle.click({ button, count: clickCount, delay, ...(position ? { offset: position } : {}) });
    } finally {
      await handle.dispose();
    }
  }

  async _tap(target, { timeout, position } = {}) {
    this._page._needTouch();
    const handle = await this._handle(target, 'actionable', timeout, 'tap');
    try {
      await handle.scrollIntoView();
      const box = await handle.boundingBox();
      const { x, y } = position ?? { x: box.width / 2, y: box.height / 2 };
      await this._page.touchscreen.tap(box.x + x, box.y + y);
    } finally {
      await handle.dispose();
    }
  }

  async _hover(target, { timeout } = {}) {
    const handle = await this._handle(target, 'visible', timeout, 'hover');
    try {
      await handle.hover();
    } finally {
      await handle.dispose();
    }
  }

  async _fill(target, value, { timeout } = {}) {
    await this._op(target, 'fill', String(value), { timeout, state: 'editable' });
  }

  async _press(target, key, { timeout, delay } = {}) {
    await this._op(target, 'focus', undefined, { timeout });
    await this._page.keyboard.press(key, { delay });
  }

  async _type(target, text, { timeout, delay } = {}) {
    await this._op(target, 'focus', undefined, { timeout });
    await this._page.keyboard.type(text, { delay });
  }

  async _setChecked(target, checked, o = {}) {
    if ((await this._op(target, 'isChecked', undefined, o)) === checked) return;
    await this._click(target, o);
    if ((await this._op(target, 'isChecked', undefined, o)) !== checked)
      throw new Error(`clicking ${describeTarget(target)} did not change its state`);
  }

  async _selectOption(target, values, { timeout } = {}) {
    // Each wanted option: a value or label (string), or { value, label, index }.
    const wanted = Array.isArray(values) ? values : [values];
    const predicate = `(t, lib) => { const el = lib.resolve(t); if (!el) return null;
      const r = (${OPS.selectOption})(el, ${literal(wanted)}, lib); return r.missing ? null : r; }`;
    const result = await this._poll(predicate, target, timeout, `selectOption: waiting for ${describeTarget(target)}`);
    return result.values;
  }

  async _setInputFiles(target, files, { timeout } = {}) {
    const list = Array.isArray(files) ? files : [files];
    const paths = [];
    for (const f of list) {
      if (typeof f === 'string') paths.push(f);
      else {
        const dir = await mkdtemp(join(this._page._context._tmp(), 'upload-'));
        const path = join(dir, basename(f.name));
        await writeFile(path, f.buffer);
        paths.push(path);
      }
    }
    const handle = await this._handle(target, 'attached', timeout, 'setInputFiles');
    try {
      await handle.uploadFile(...paths);
    } finally {
      await handle.dispose();
    }
  }

  // The public frame API.

  async evaluate(fn, arg) {
    if (typeof fn === 'string') return this._pp.evaluate(`(${callableSource(fn)})(undefined)`);
    return arg === undefined ? this._pp.evaluate(fn) : this._pp.evaluate(fn, arg);
  }
  async evaluateHandle(fn, arg) {
    return arg === undefined ? this._pp.evaluateHandle(fn) : this._pp.evaluateHandle(fn, arg);
  }
  async waitForFunction(fn, arg, { timeout } = {}) {
    const value = await this._poll(`(arg) => (${callableSource(fn)})(arg)`, arg, timeout, 'page.waitForFunction');
    return new FxJSHandle(value);
  }
  async waitForSelector(selector, { state = 'visible', timeout, strict = false } = {}) {
    const target = targetOf(selector, strict);
    await this._waitForState(target, state, timeout);
    if (state === 'detached' || state === 'hidden') return null;
    return this._pp
      .evaluateHandle(`(() => (${LIB_SRC})().resolve(${JSON.stringify(target)}))()`)
      .then((h) => h.asElement());
  }
  async waitForTimeout(ms) {
    await sleep(ms);
  }
  async $(selector) {
    const handle = await this._pp.evaluateHandle(
      `(() => (${LIB_SRC})().resolve(${JSON.stringify(targetOf(selector, false))}))()`,
    );
    const el = handle.asElement();
    if (!el) await handle.dispose();
    return el;
  }
  $$(selector) {
    return this._pp.$$(selector);
  }
  async $eval(selector, fn, arg) {
    const target = targetOf(selector, false);
    const handle = await this._pp.evaluateHandle(`(() => (${LIB_SRC})().resolve(${JSON.stringify(target)}))()`);
    const el = handle.asElement();
    if (!el) {
      await handle.dispose();
      throw new Error(`page.$eval: Failed to find element matching selector "${selector}"`);
    }
    try {
      return await el.evaluate(fn, arg);
    } finally {
      await el.dispose();
    }
  }
  $$eval(selector, fn, arg) {
    return this._evalAll({ chain: [{ selector, index: 'all' }] }, fn, arg);
  }
  locator(selector) {
    return new FxLocator(this, [{ selector, index: 'strict' }]);
  }
  click(selector, o = {}) {
    return this._click(targetOf(selector, o.strict), o);
  }
  dblclick(selector, o = {}) {
    return this._click(targetOf(selector, o.strict), { ...o, clickCount: 2 });
  }
  tap(selector, o = {}) {
    return this._tap(targetOf(selector, o.strict), o);
  }
  hover(selector, o = {}) {
    return this._hover(targetOf(selector, o.strict), o);
  }
  focus(selector, o = {}) {
    return this._op(targetOf(selector, o.strict), 'focus', undefined, o);
  }
  fill(selector, value, o = {}) {
    return this._fill(targetOf(selector, o.strict), value, o);
  }
  press(selector, key, o = {}) {
    return this._press(targetOf(selector, o.strict), key, o);
  }
  type(selector, text, o = {}) {
    return this._type(targetOf(selector, o.strict), text, o);
  }
  check(selector, o = {}) {
    return this._setChecked(targetOf(selector, o.strict), true, o);
  }
  uncheck(selector, o = {}) {
    return this._setChecked(targetOf(selector, o.strict), false, o);
  }
  setChecked(selector, checked, o = {}) {
    return this._setChecked(targetOf(selector, o.strict), checked, o);
  }
  selectOption(selector, values, o = {}) {
    return this._selectOption(targetOf(selector, o.strict), values, o);
  }
  setInputFiles(selector, files, o = {}) {
    return this._setInputFiles(targetOf(selector, o.strict), files, o);
  }
  dispatchEvent(selector, type, init, o = {}) {
    return this._op(targetOf(selector, o.strict), 'dispatchEvent', { type, init }, o);
  }
  getAttribute(selector, name, o = {}) {
    return this._op(targetOf(selector, o.strict), 'getAttribute', name, o);
  }
  textContent(selector, o = {}) {
    return this._op(targetOf(selector, o.strict), 'textContent', undefined, o);
  }
  innerText(selector, o = {}) {
    return this._op(targetOf(selector, o.strict), 'innerText', undefined, o);
  }
  innerHTML(selector, o = {}) {
    return this._op(targetOf(selector, o.strict), 'innerHTML', undefined, o);
  }
  inputValue(selector, o = {}) {
    return this._op(targetOf(selector, o.strict), 'inputValue', undefined, o);
  }
  isVisible(selector, o = {}) {
    return this._op(targetOf(selector, o.strict), 'isVisible', undefined, { wait: false });
  }
  async isHidden(selector, o = {}) {
    return !(await this.isVisible(selector, o));
  }
  isEnabled(selector, o = {}) {
    return this._op(targetOf(selector, o.strict), 'isEnabled', undefined, o);
  }
  isDisabled(selector, o = {}) {
    return this._op(targetOf(selector, o.strict), 'isDisabled', undefined, o);
  }
  isEditable(selector, o = {}) {
    return this._op(targetOf(selector, o.strict), 'isEditable', undefined, o);
  }
  isChecked(selector, o = {}) {
    return this._op(targetOf(selector, o.strict), 'isChecked', undefined, o);
  }
  content() {
    return this._pp.content();
  }
  title() {
    return this._pp.title();
  }
}

function targetOf(selector, strict = false) {
  return { chain: [{ selector, index: strict ? 'strict' : 0 }] };
}

function describeTarget(target) {
  return target.chain.map((s) => `locator('${s.selector}')`).join('.');
}

/** Playwright's Request over a puppeteer HTTPRequest. */
class FxRequest {
  constructor(context, req) {
    this._context = context;
    this._req = req;
  }
  url() {
    return this._req.url();
  }
  method() {
    return this._req.method();
  }
  headers() {
    return this._req.headers();
  }
  isNavigationRequest() {
    return this._req.isNavigationRequest();
  }
  frame() {
    const f = this._req.frame();
    const page = f && this._context._pageOf(f);
    return page ? page._frame(f) : null;
  }
  async response() {
    const r = this._req.response();
    return r ? this._context._response(r) : null;
  }
  failure() {
    const f = this._req.failure();
    return f ? { errorText: f.errorText } : null;
  }
  /** Sizes as BiDi reported them when the response completed (bodySize is as received). */
  async sizes() {
    const browser = this._context._browser;
    for (let i = 0; i < 40; i++) {
      const done = browser._completed.get(this._req.id);
      if (done) {
        return {
          requestBodySize: 0,
          requestHeadersSize: -1,
          responseBodySize: done.bodySize ?? 0,
          responseHeadersSize: done.headersSize ?? 0,
        };
      }
      await sleep(25);
    }
    throw new Error(`no completed response for ${this.url()}`);
  }
}

class FxResponse {
  constructor(context, res) {
    this._context = context;
    this._res = res;
  }
  url() {
    return this._res.url();
  }
  status() {
    return this._res.status();
  }
  statusText() {
    return this._res.statusText();
  }
  ok() {
    return this._res.ok();
  }
  headers() {
    return this._res.headers();
  }
  request() {
    return this._context._request(this._res.request());
  }
  frame() {
    return this.request().frame();
  }
  body() {
    return this._res.buffer();
  }
  async text() {
    return (await this.body()).toString('utf8');
  }
  async json() {
    return JSON.parse(await this.text());
  }
}

class FxRoute {
  #req;
  #request;
  constructor(req, request) {
    this.#req = req;
    this.#request = request;
  }
  request() {
    return this.#request;
  }
  async fulfill({ status = 200, headers = {}, contentType, body = '', json } = {}) {
    const data = json !== undefined ? JSON.stringify(json) : body;
    await this.#req.respond({
      status,
      headers,
      contentType: contentType ?? (json !== undefined ? 'application/json' : undefined),
      body: data,
    });
  }
  async abort(errorCode = 'failed') {
    await this.#req.abort(errorCode);
  }
  async continue() {
    await this.#req.continue();
  }
  async fallback() {
    await this.#req.continue();
  }
}

class FxDownload {
  #info;
  #end;
  #page;
  constructor(page, info, end) {
    this.#page = page;
    this.#info = info;
    this.#end = end;
  }
  page() {
    return this.#page;
  }
  url() {
    return this.#info.url;
  }
  suggestedFilename() {
    return this.#info.suggestedFilename;
  }
  async path() {
    const end = await this.#end;
    if (end.status !== 'complete') throw new Error(`download ${end.status}`);
    return end.filepath;
  }
  async failure() {
    const end = await this.#end;
    return end.status === 'complete' ? null : end.status;
  }
  async saveAs(path) {
    await copyFile(await this.path(), path);
  }
}

class FxConsoleMessage {
  #msg;
  constructor(msg) {
    this.#msg = msg;
  }
  type() {
    const t = this.#msg.type();
    return t === 'warn' ? 'warning' : t;
  }
  text() {
    return this.#msg.text();
  }
  location() {
    return this.#msg.location();
  }
  args() {
    return this.#msg.args();
  }
}

class FxWorker {
  #w;
  constructor(w) {
    this.#w = w;
  }
  url() {
    return this.#w.url();
  }
  evaluate(fn, arg) {
    return arg === undefined ? this.#w.evaluate(fn) : this.#w.evaluate(fn, arg);
  }
}

/** Waits for `event` on an emitter: Playwright's waitForEvent(event, predicate | { predicate, timeout }). */
function waitForEventOn(emitter, event, optionsOrPredicate, fallbackTimeout) {
  const o = typeof optionsOrPredicate === 'function' ? { predicate: optionsOrPredicate } : optionsOrPredicate || {};
  const ms = o.timeout ?? fallbackTimeout;
  return new Promise((resolve, reject) => {
    let timer;
    const listener = async (value) => {
      try {
        if (o.predicate && !(await o.predicate(value))) return;
      } catch (err) {
        reject(err);
      }
      clearTimeout(timer);
      emitter.off(event, listener);
      resolve(value);
    };
    emitter.on(event, listener);
    if (ms)
      timer = setTimeout(() => {
        emitter.off(event, listener);
        reject(new TimeoutError(`waitForEvent('${event}'): Timeout ${ms}ms exceeded.`));
      }, ms);
  });
}

class FxPage extends EventEmitter {
  constructor(context, page, options) {
    super();
    this._context = context;
    this._pp = page;
    this._timeout = DEFAULT_TIMEOUT;
    this._frames = new WeakMap();
    this._options = options;
    this._viewport = options.viewport;
    this._routes = [];
    this._downloads = new Map();
    this._closed = false;
    this.keyboard = new FxKeyboard(page.keyboard);
    this.mouse = new FxMouse(page.mouse);
    this.touchscreen = new FxTouchscreen(this, page.touchscreen);
    this._main = this._frame(page.mainFrame());
    const workers = new WeakMap();
    const worker = (w) => {
      if (!workers.has(w)) workers.set(w, new FxWorker(w));
      return workers.get(w);
    };
    this._worker = worker;
    page.on('console', (m) => this.emit('console', new FxConsoleMessage(m)));
    page.on('pageerror', (e) => this.emit('pageerror', e));
    page.on('dialog', (d) => this.emit('dialog', d));
    page.on('workercreated', (w) => this.emit('worker', worker(w)));
    page.on('load', () => this.emit('load', this));
    page.on('domcontentloaded', () => this.emit('domcontentloaded', this));
    page.on('framenavigated', (f) => this.emit('framenavigated', this._frame(f)));
    page.on('frameattached', (f) => this.emit('frameattached', this._frame(f)));
    page.on('framedetached', (f) => this.emit('framedetached', this._frame(f)));
    page.on('close', () => {
      this._closed = true;
      this.emit('close', this);
    });
    // Playwright reports no network events for data: URLs; Firefox's BiDi does.
    const network = (url) => !url.startsWith('data:');
    for (const event of ['request', 'requestfinished', 'requestfailed']) {
      page.on(event, (r) => network(r.url()) && this.emit(event, context._request(r)));
    }
    page.on('response', (r) => network(r.url()) && this.emit('response', context._response(r)));
  }

  _needTouch() {
    if (!this._options.hasTouch)
      throw new Error('The page does not support tap. Use hasTouch context option to enable touch support.');
  }

  _frame(pf) {
    if (!this._frames.has(pf)) this._frames.set(pf, new FxFrame(this, pf));
    return this._frames.get(pf);
  }

  /** Whether a BiDi browsing context id is this page's or one of its frames'. */
  _owns(contextId) {
    return this._pp.frames().some((f) => f._id === contextId || f.browsingContext?.id === contextId);
  }

  _onDownloadBegin(event) {
    let settle;
    const end = new Promise((resolve) => {
      settle = resolve;
    });
    this._downloads.set(event.navigation, settle);
    this.emit('download', new FxDownload(this, event, end));
  }

  _onDownloadEnd(event) {
    const settle = this._downloads.get(event.navigation);
    if (settle) {
      this._downloads.delete(event.navigation);
      settle(event);
    }
  }

  async _interception() {
    const wanted = this._routes.length > 0 || this._context._routes.length > 0;
    if (wanted && !this._intercepting) {
      this._intercepting = true;
      await this._pp.setRequestInterception(true);
      this._pp.on('request', (req) => this.#route(req));
    }
  }

  async #route(req) {
    const request = this._context._request(req);
    const url = req.url();
    const routes = [...this._routes].reverse().concat([...this._context._routes].reverse());
    const hit = routes.find((r) => urlMatches(r.pattern, url));
    try {
      if (hit) await hit.handler(new FxRoute(req, request), request);
      else await req.continue();
    } catch (err) {
      // A request the page cancelled (or that was not blocked) cannot be answered: nothing to do.
      if (!/already handled|not enabled|no such request|invalid argument/i.test(String(err?.message)))
        this.emit('pageerror', err);
    }
  }

  // Navigation and frames.
  async goto(url, { timeout, waitUntil = 'load' } = {}) {
    const resolved = this._options.baseURL ? new URL(url, this._options.baseURL).href : url;
    const response = await this._pp.goto(resolved, {
      timeout: timeout ?? this._timeout,
      waitUntil: waitUntil === 'commit' ? 'domcontentloaded' : waitUntil,
    });
    return response ? this._context._response(response) : null;
  }
  async reload({ timeout, waitUntil = 'load' } = {}) {
    const response = await this._pp.reload({ timeout: timeout ?? this._timeout, waitUntil });
    return response ? this._context._response(response) : null;
  }
  async goBack({ timeout } = {}) {
    const response = await this._pp.goBack({ timeout: timeout ?? this._timeout });
    return response ? this._context._response(response) : null;
  }
  async goForward({ timeout } = {}) {
    const response = await this._pp.goForward({ timeout: timeout ?? this._timeout });
    return response ? this._context._response(response) : null;
  }
  url() {
    return this._pp.url();
  }
  frames() {
    return this._pp.frames().map((f) => this._frame(f));
  }
  mainFrame() {
    return this._main;
  }
  frame(nameOrOptions) {
    const o = typeof nameOrOptions === 'string' ? { name: nameOrOptions } : nameOrOptions;
    return (
      this.frames().find(
        (f) => (o.name === undefined || f.name() === o.name) && (o.url === undefined || urlMatches(o.url, f.url())),
      ) ?? null
    );
  }
  workers() {
    return this._pp.workers().map((w) => this._worker(w));
  }
  context() {
    return this._context;
  }
  isClosed() {
    return this._closed || this._pp.isClosed();
  }
  async close() {
    await this._pp.close();
  }
  waitForEvent(event, o) {
    return waitForEventOn(this, event, o, this._timeout);
  }
  setDefaultTimeout(ms) {
    this._timeout = ms;
  }
  async addInitScript(script, arg) {
    if (typeof script === 'function') await this._pp.evaluateOnNewDocument(script, arg);
    else if (typeof script === 'string') await this._pp.evaluateOnNewDocument(script);
    else if (script?.content) await this._pp.evaluateOnNewDocument(script.content);
    else if (script?.path) {
      const { readFile } = await import('node:fs/promises');
      await this._pp.evaluateOnNewDocument(await readFile(script.path, 'utf8'));
    } else throw new TypeError('addInitScript: a function, a string or { path | content }');
  }
  async route(pattern, handler) {
    this._routes.push({ pattern, handler });
    await this._interception();
  }
  async unroute(pattern, handler) {
    this._routes = this._routes.filter((r) => r.pattern !== pattern || (handler && r.handler !== handler));
  }
  async setViewportSize({ width, height }) {
    this._viewport = { width, height };
    await this._context._send('browsingContext.setViewport', {
      context: this._pp.mainFrame()._id,
      viewport: { width, height },
      devicePixelRatio: this._options.deviceScaleFactor ?? 1,
    });
  }
  viewportSize() {
    return this._viewport;
  }
  async emulateMedia({ media, colorScheme, reducedMotion, forcedColors } = {}) {
    const o = this._options;
    const differs = (want, have) => want !== undefined && want !== null && want !== have;
    if (differs(media, 'screen')) throw new UnsupportedInFirefox(`emulateMedia({ media: '${media}' })`);
    if (differs(colorScheme, o.colorScheme ?? 'light') || differs(reducedMotion, o.reducedMotion ?? 'no-preference'))
      throw new UnsupportedInFirefox(
        'changing colorScheme or reducedMotion of an open page (give them to newContext instead)',
      );
    if (differs(forcedColors, 'none')) throw new UnsupportedInFirefox('forcedColors');
  }
  async screenshot({ path, fullPage = false, type = 'png' } = {}) {
    return this._pp.screenshot({ path, fullPage, type });
  }
  async bringToFront() {
    await this._pp.bringToFront();
  }
}

// The main frame's methods, on the page.
for (const name of Object.getOwnPropertyNames(FxFrame.prototype)) {
  if (name === 'constructor' || name.startsWith('_') || name in FxPage.prototype) continue;
  if (['page', 'name', 'parentFrame', 'childFrames', 'isDetached'].includes(name)) continue;
  Object.defineProperty(FxPage.prototype, name, {
    value(...args) {
      return this._main[name](...args);
    },
    writable: true,
    configurable: true,
  });
}

class FxContext extends EventEmitter {
  constructor(browser, pctx, options, send) {
    super();
    this._browser = browser;
    this._send = send;
    this._ctx = pctx;
    this._options = options;
    this._routes = [];
    this._initScripts = [];
    this._granted = []; // [permission, origin] set with permissions.setPermission
    this._pages = [];
    this._requests = new WeakMap();
    this._responses = new WeakMap();
    this._dir = null;
  }

  _tmp() {
    return this._dir;
  }

  async _init() {
    this._dir = await mkdtemp(join(tmpdir(), 'e2e-firefox-'));
    if (this._options.acceptDownloads !== false) {
      await mkdir(join(this._dir, 'downloads'));
      await this._send('browser.setDownloadBehavior', {
        downloadBehavior: { type: 'allowed', destinationFolder: join(this._dir, 'downloads') },
        userContexts: [this._ctx.id],
      });
    }
  }

  _request(req) {
    if (!this._requests.has(req)) this._requests.set(req, new FxRequest(this, req));
    return this._requests.get(req);
  }
  _response(res) {
    if (!this._responses.has(res)) this._responses.set(res, new FxResponse(this, res));
    return this._responses.get(res);
  }
  _pageOf(puppeteerFrame) {
    return this._pages.find((p) => p._pp === puppeteerFrame.page()) ?? null;
  }

  async newPage() {
    const o = this._options;
    const pp = await this._ctx.newPage();
    const page = new FxPage(this, pp, o);
    this._pages.push(page);
    page.on('close', () => {
      this._pages = this._pages.filter((p) => p !== page);
    });
    if (o.viewport !== null) await page.setViewportSize(o.viewport ?? DEFAULT_VIEWPORT);
    if (o.userAgent) await pp.setUserAgent(o.userAgent);
    if (o.locale) await pp.emulateLocale(o.locale);
    for (const [script, arg] of this._initScripts) await page.addInitScript(script, arg);
    await page._interception();
    for (const event of ['request', 'response', 'requestfinished', 'requestfailed', 'console'])
      page.on(event, (value) => this.emit(event, value));
    this.emit('page', page);
    return page;
  }
  pages() {
    return [...this._pages];
  }
  browser() {
    return this._browser;
  }
  async route(pattern, handler) {
    this._routes.push({ pattern, handler });
    for (const page of this._pages) await page._interception();
  }
  async unroute(pattern, handler) {
    this._routes = this._routes.filter((r) => r.pattern !== pattern || (handler && r.handler !== handler));
  }
  async addInitScript(script, arg) {
    this._initScripts.push([script, arg]);
    for (const page of this._pages) await page.addInitScript(script, arg);
  }
  waitForEvent(event, o) {
    return waitForEventOn(this, event, o, DEFAULT_TIMEOUT);
  }
  setDefaultTimeout(ms) {
    for (const page of this._pages) page.setDefaultTimeout(ms);
  }
  /**
   * Playwright's grantPermissions. Firefox has no clipboard-read/-write permissions (a page may
   * write after a user gesture and read back what it wrote without a prompt): nothing to grant.
   * Others go to BiDi's permissions.setPermission for `origin` (or each open page's origin).
   */
  async grantPermissions(permissions, { origin } = {}) {
    const origins = origin
      ? [new URL(origin).origin]
      : [...new Set(this._pages.map((p) => new URL(p.url()).origin).filter((o) => o !== 'null'))];
    for (const name of permissions) {
      if (name === 'clipboard-read' || name === 'clipboard-write') continue;
      if (!origins.length) throw new UnsupportedInFirefox(`grantPermissions(['${name}']) without an origin or a page`);
      for (const o of origins) {
        await this._send('permissions.setPermission', {
          descriptor: { name },
          state: 'granted',
          origin: o,
          userContext: this._ctx.id,
        });
        this._granted.push([name, o]);
      }
    }
  }
  async clearPermissions() {
    for (const [name, o] of this._granted.splice(0)) {
      await this._send('permissions.setPermission', {
        descriptor: { name },
        state: 'prompt',
        origin: o,
        userContext: this._ctx.id,
      });
    }
  }
  async close() {
    this._browser._contexts.delete(this);
    try {
      await this._ctx.close();
    } catch {
      // already closed with its browser
    }
    this.emit('close', this);
    if (this._dir) await rm(this._dir, { recursive: true, force: true });
  }
}

class FxBrowser {
  constructor(options) {
    this._launchOptions = options;
    this._instances = new Map(); // media key -> Promise<puppeteer Browser>
    this._contexts = new Set();
    this._completed = new Map(); // BiDi request id -> response data at network.responseCompleted
  }

  static #mediaKey({ colorScheme, reducedMotion, hasTouch }) {
    return [colorScheme ?? 'light', reducedMotion ?? 'no-preference', Boolean(hasTouch)].join('|');
  }

  /** The Firefox for these media preferences (and touch or not), launched on first use. */
  _instance(options) {
    const key = FxBrowser.#mediaKey(options);
    if (!this._instances.has(key)) this._instances.set(key, this.#launch(options));
    return this._instances.get(key);
  }

  async #launch({ colorScheme = 'light', reducedMotion = 'no-preference', hasTouch = false }) {
    if (!['light', 'dark', 'no-preference', null].includes(colorScheme))
      throw new UnsupportedInFirefox(`colorScheme '${colorScheme}'`);
    const dark = colorScheme === 'dark';
    const browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: this._launchOptions.executablePath,
      headless: true,
      defaultViewport: null,
      protocolTimeout: 120_000,
      extraPrefsFirefox: {
        // prefers-color-scheme: 0 dark, 1 light (content), and the system theme to match.
        'layout.css.prefers-color-scheme.content-override': dark ? 0 : 1,
        'ui.systemUsesDarkTheme': dark ? 1 : 0,
        'ui.prefersReducedMotion': reducedMotion === 'reduce' ? 1 : 0,
        // A touch screen: touch events and a coarse pointer without hover (Playwright's hasTouch).
        ...(hasTouch
          ? {
              'dom.w3c_touch_events.enabled': 1,
              'dom.w3c_touch_events.legacy_apis.enabled': true,
              'dom.maxtouchpoints.testing.value': 1,
              'ui.primaryPointerCapabilities': 1,
              'ui.allPointerCapabilities': 1,
            }
          : {}),
        // Overlay scrollbars, as headless Chromium has none: the layout width is the viewport's.
        'ui.useOverlayScrollbars': 1,
        'widget.gtk.overlay-scrollbars.enabled': true,
        // No updates, telemetry, first-run pages or remote settings in the tests.
        'app.update.enabled': false,
        'browser.shell.checkDefaultBrowser': false,
        'datareporting.policy.dataSubmissionEnabled': false,
        'toolkit.telemetry.enabled': false,
        'browser.download.useDownloadDir': true,
        'browser.download.always_ask_before_handling_new_types': false,
        ...this._launchOptions.prefs,
      },
    });
    // The BiDi events this adapter reads itself (puppeteer's session is subscribed to them).
    const bidi = browser.connection;
    bidi.on('network.responseCompleted', (e) => {
      this._completed.set(e.request.request, e.response);
    });
    bidi.on('browsingContext.downloadWillBegin', (e) => {
      for (const page of this.#pages()) if (page._owns(e.context)) page._onDownloadBegin(e);
    });
    bidi.on('browsingContext.downloadEnd', (e) => {
      for (const page of this.#pages()) page._onDownloadEnd(e);
    });
    return { browser, send: (method, params) => bidi.send(method, params) };
  }

  #pages() {
    return [...this._contexts].flatMap((ctx) => ctx._pages);
  }

  async newContext(options = {}) {
    // (dom.meta-viewport.enabled would honour the meta viewport, but BiDi's setViewport then hangs.)
    if (options.isMobile) throw new UnsupportedInFirefox('isMobile (meta viewport and mobile emulation)');
    const instance = await this._instance(options);
    const pctx = await instance.browser.createBrowserContext();
    // BiDi commands of this context go to the Firefox that holds it.
    const context = new FxContext(this, pctx, options, instance.send);
    this._contexts.add(context);
    await context._init();
    return context;
  }

  async newPage(options) {
    const context = await this.newContext(options);
    const page = await context.newPage();
    page.on('close', () => context.close());
    return page;
  }

  contexts() {
    return [...this._contexts];
  }

  async version() {
    const { browser } = await this._instance({});
    return browser.version();
  }

  async close() {
    for (const ctx of [...this._contexts]) await ctx.close().catch(() => {});
    const instances = await Promise.allSettled([...this._instances.values()]);
    await Promise.all(instances.filter((r) => r.status === 'fulfilled').map((r) => r.value.browser.close()));
  }
}

/** Launches the default Firefox (light, no reduced motion) and returns a Playwright-like browser. */
export async function launchFirefox({ executablePath = '/usr/bin/firefox-esr', prefs = {} } = {}) {
  const browser = new FxBrowser({ executablePath, prefs });
  await browser._instance({});
  return browser;
}

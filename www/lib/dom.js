// A tiny element builder. Text always goes in as textContent, never as HTML,
// so nothing from a URL or an error message can become markup.

/**
 * h('p', { class: 'hint', id: 'x' }, 'text', child, ...) -> HTMLElement.
 * Attributes: `class`, `dataset` (object), `on` (object of event listeners),
 * boolean true sets an empty attribute, false/null/undefined skips it.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value == null) continue;
    if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'on') for (const [type, fn] of Object.entries(value)) el.addEventListener(type, fn);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Reads a CSS custom property from the root element. */
export function cssVar(name, el = document.documentElement) {
  return getComputedStyle(el).getPropertyValue(name).trim();
}

/**
 * Resolves in a task of its own: work after `await nextTask()` lets the
 * browser handle input and paint in between (one long task becomes two).
 */
export function nextTask() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Resolves just after the browser paints its next frame, so work that can wait
 * (the training engine's download, a chart's first drawing) does not hold back
 * what the reader sees first. A hidden tab paints no frames: then after `maxWait` ms.
 */
export function afterPaint(maxWait = 100) {
  return new Promise((resolve) => {
    const done = setTimeout(resolve, maxWait);
    requestAnimationFrame(() =>
      setTimeout(() => {
        clearTimeout(done);
        resolve();
      }, 0),
    );
  });
}

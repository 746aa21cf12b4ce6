// The model tools in the side panel: Save the trained model (a .safetensors
// file named with the lesson and step), Load one (the worker reads it with
// Trainer.load; a bad file leaves the current model alone), the loss history
// as CSV, any card's pictures (digit grids, charts) as a PNG, and Show code
// (the settings as a PyTorch script, app/code-dialog.js).

import { h, cssVar } from '../lib/dom.js';
import { modelFileName, historyFileName, pictureFileName, historyCsv } from '../state/model-file.js';
import { refusal } from './model-load.js';
import { createCodeDialog } from './code-dialog.js';

/** Largest file Load reads: the engine's own limit (src/checkpoint.rs MAX_BYTES). */
const MAX_FILE_BYTES = 100 * 1024 * 1024;

/** Offers `blob` as a download named `name`. */
export function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The lesson's cards that hold pictures, with their titles: [{ card, title }]. */
export function pictureCards(root) {
  return [...root.querySelectorAll('#lesson-root .card')]
    .filter((card) => [...card.querySelectorAll('canvas')].some((c) => c.width > 0 && c.getClientRects().length))
    .map((card, i) => ({ card, title: card.querySelector('h3')?.textContent.trim() || `Picture ${i + 1}` }));
}

/**
 * One card's canvases drawn as they sit on the page (at device resolution,
 * digits kept crisp), on the card's colour, with its title: a PNG Blob.
 */
export function cardPicture(card, title) {
  const scale = Math.min(4, Math.max(1, window.devicePixelRatio || 1) * 2);
  const box = card.getBoundingClientRect();
  const out = document.createElement('canvas');
  out.width = Math.max(1, Math.round(box.width * scale));
  out.height = Math.max(1, Math.round(box.height * scale));
  const ctx = out.getContext('2d');
  ctx.fillStyle = cssVar('--surface') || '#fff';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.imageSmoothingEnabled = false;
  const heading = card.querySelector('h3');
  if (heading) {
    const r = heading.getBoundingClientRect();
    const style = getComputedStyle(heading);
    ctx.fillStyle = style.color;
    ctx.font = `${style.fontWeight} ${parseFloat(style.fontSize) * scale}px ${style.fontFamily}`;
    ctx.textBaseline = 'top';
    ctx.fillText(title, (r.left - box.left) * scale, (r.top - box.top) * scale);
  }
  for (const c of card.querySelectorAll('canvas')) {
    const r = c.getBoundingClientRect();
    if (!c.width || !c.height || !r.width || !r.height) continue;
    ctx.drawImage(c, (r.left - box.left) * scale, (r.top - box.top) * scale, r.width * scale, r.height * scale);
  }
  return new Promise((resolve, reject) => {
    out.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the picture could not be encoded'))), 'image/png');
  });
}

/**
 * @param {{
 *   root: Document, lessonId: () => string, step: () => number, client: () => object,
 *   loadModel: (bytes: Uint8Array, name: string) => Promise<void>,
 *   report: (kind: string, title: string, text: string) => void,
 *   settings?: () => ({ config: object, lesson: { id, title } } | null),  the main trainer's config, once a lesson is mounted
 * }} app
 * @returns {{ update: ({ ready, running }) => void }}
 */
export function bindModelTools({ root, lessonId, step, client, loadModel, report, settings = () => null }) {
  const $ = (id) => root.getElementById(id);
  const save = $('save-model');
  const load = $('load-model');
  const file = $('load-file');
  const csv = $('export-csv');
  const pictureSelect = $('picture-select');
  const png = $('export-png');
  const showCode = $('show-code');
  if (!save) return { update() {} };
  let busy = false;

  async function guarded(what, fn) {
    if (busy) return;
    busy = true;
    try {
      await fn();
    } catch (err) {
      report('load-error', `${what} did not work`, err.message);
    } finally {
      busy = false;
    }
  }

  save.addEventListener('click', () =>
    guarded('Saving the model', async () => {
      const n = step();
      const { main } = await client().saveAll();
      download(new Blob([main], { type: 'application/octet-stream' }), modelFileName(lessonId(), n));
    }),
  );

  load.addEventListener('click', () => file.click());
  file.addEventListener('change', () => {
    const f = file.files?.[0];
    file.value = ''; // choosing the same file again still loads it
    if (!f) return;
    guarded('Loading the model', async () => {
      if (f.size > MAX_FILE_BYTES) {
        const mb = Math.ceil(f.size / 2 ** 20);
        report(
          'load-error',
          `${f.name} could not be loaded`,
          refusal(`The file is ${mb} MB; a model file of the playground is at most 100 MB`),
        );
        return;
      }
      await loadModel(new Uint8Array(await f.arrayBuffer()), f.name);
    });
  });

  csv.addEventListener('click', () =>
    guarded('Exporting the loss history', async () => {
      const history = await client().call('history');
      download(new Blob([historyCsv(history)], { type: 'text/csv' }), historyFileName(lessonId(), step()));
    }),
  );

  // The list of pictures follows the lesson: it is filled each time it is opened.
  function listPictures() {
    const cards = pictureCards(root);
    const keep = pictureSelect.value;
    pictureSelect.replaceChildren(...cards.map(({ title }, i) => h('option', { value: String(i) }, title)));
    if (keep && Number(keep) < cards.length) pictureSelect.value = keep;
    return cards;
  }
  pictureSelect.addEventListener('pointerdown', listPictures);
  pictureSelect.addEventListener('focus', listPictures);
  png.addEventListener('click', () =>
    guarded('Exporting the picture', async () => {
      const cards = listPictures();
      const chosen = cards[Number(pictureSelect.value) || 0];
      if (!chosen) throw new Error('This lesson shows no pictures yet.');
      download(await cardPicture(chosen.card, chosen.title), pictureFileName(lessonId(), chosen.title));
    }),
  );

  const codeDialog = createCodeDialog({ download });
  showCode?.addEventListener('click', () => {
    const current = settings();
    if (!current) return;
    const link = new URL(location.href);
    link.search = ''; // view flags (debug, present) are not settings
    codeDialog.open({ ...current, link: link.href });
  });

  return {
    update({ ready, running }) {
      if (showCode) showCode.disabled = !settings();
      save.disabled = !ready;
      csv.disabled = !ready;
      load.disabled = false;
      png.disabled = false;
      save.title = running ? 'Saves the model as it is now; training goes on' : '';
    },
  };
}

// The Your data lesson's data card: what the run trains on, and the person's
// own files (a CSV or TSV table; images as files, a folder or a .zip), read in
// this tab and handed to the worker (worker/data-source.js). Nothing is
// uploaded and nothing goes into the link. A file that is refused leaves the
// data and the model as they were, with a sentence saying why.

import { h } from '../../lib/dom.js';
import { fmtInt } from '../kit/format.js';
import { card } from '../kit/cards.js';
import { paintPicture } from './row-chart.js';
import { droppedFiles } from '../../ingest/dropped.js';
import { ownData } from '../../state/own-data.js';
import { lessonsFor } from '../index.js';

let nextId = 1;

/** Files larger than this are refused before they are read (src/table.rs and www/ingest/images.js state the same). */
const MAX_FILE_BYTES = 50 * 1024 * 1024;
const PREVIEW_IMAGES = 24;
const LIST_LIMIT = 8;

const isTable = (name) => /\.(csv|tsv|txt)$/i.test(name);

/** A list of sentences, at most LIST_LIMIT, then a count. */
function shortList(items, text) {
  const shown = items.slice(0, LIST_LIMIT).map((x) => h('li', {}, text(x)));
  if (items.length > LIST_LIMIT) shown.push(h('li', {}, `…and ${fmtInt(items.length - LIST_LIMIT)} more.`));
  return h('ul', { class: 'compact' }, ...shown);
}

/** The preview of a table: its columns with their mean and deviation, what was left out, missing cells. */
function tablePreview(info) {
  const rows = info.columnNames.map((name, j) =>
    h(
      'tr',
      {},
      h('th', { scope: 'row' }, name),
      h('td', {}, info.mean[j].toPrecision(4)),
      h('td', {}, info.deviation[j].toPrecision(4)),
      h('td', {}, info.constant.includes(name) ? 'constant: kept, it teaches nothing' : ''),
    ),
  );
  return [
    h(
      'p',
      {},
      `${fmtInt(info.rows)} rows × ${fmtInt(info.width)} numeric columns, standardised with the training rows' mean and deviation.` +
        (info.missing
          ? ` ${fmtInt(info.missing)} cells are missing: the network sees the column's mean there, and the error leaves them out.`
          : ''),
    ),
    h(
      'div',
      { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Columns used' },
      h(
        'table',
        { class: 'data-table', id: 'data-columns' },
        h(
          'thead',
          {},
          h('tr', {}, ...['column', 'mean', 'deviation', 'note'].map((t) => h('th', { scope: 'col' }, t))),
        ),
        h('tbody', {}, ...rows),
      ),
    ),
    info.leftOut.length
      ? h(
          'div',
          { id: 'data-left-out' },
          h('p', {}, 'Left out of training:'),
          shortList(info.leftOut, (c) => `${c.column}: ${c.reason}`),
        )
      : null,
    info.labelColumn
      ? h(
          'p',
          { id: 'data-classes' },
          `Label column "${info.labelColumn}": ${info.labelNames.length} classes (${info.labelNames.slice(0, 6).join(', ')}${info.labelNames.length > 6 ? ', …' : ''}).`,
        )
      : null,
  ];
}

/** The preview of images: the first few, how many, their sizes, what was skipped and why. */
function imagesPreview(read) {
  const size = read.channels * read.height * read.width;
  const grid = h('div', { class: 'picture-grid', id: 'data-pictures' });
  for (let i = 0; i < Math.min(PREVIEW_IMAGES, read.count); i++) {
    const c = h('canvas', { class: 'data-picture', role: 'img', 'aria-label': `${read.names[i]}` });
    paintPicture(c, read.values.subarray(i * size, (i + 1) * size), read);
    grid.append(c);
  }
  const sizes = Object.entries(read.sizes ?? {})
    .map(([s, n]) => `${s}: ${fmtInt(n)}`)
    .join(', ');
  return [
    h(
      'p',
      { id: 'data-image-counts' },
      `${fmtInt(read.count)} images read as ${read.channels === 3 ? 'colour' : 'grayscale'} ${read.width}×${read.height}` +
        (read.labels
          ? `, ${read.labelNames.length} labels from the folders (${read.labelNames.slice(0, 6).join(', ')})`
          : ', no labels') +
        (read.resized ? `; ${fmtInt(read.resized)} were resized (sizes found: ${sizes})` : '') +
        '.',
    ),
    grid,
    read.skipped.length
      ? h(
          'div',
          { id: 'data-skipped' },
          h('p', {}, `${fmtInt(read.skipped.length)} ${read.skipped.length === 1 ? 'file' : 'files'} skipped:`),
          shortList(read.skipped, (s) => `${s.file}: ${s.why}`),
        )
      : null,
  ];
}

/**
 * The data card. `use()` makes the own data the run's (a rebuild); `client` is
 * the worker's; `relink()` writes the menu's links again (they carry the data
 * while "Use … in every lesson" is on). -> { el, show(info) } show: the run's data changed.
 */
export function sourceCard({ client, use, relink }) {
  let shown = null; // the run's data (its info): the button below offers it to the other lessons
  const about = h('p', { id: 'data-about' });
  const how = h('p', { class: 'hint', id: 'data-how' });
  const message = h('p', { id: 'data-message', role: 'status', 'aria-live': 'polite' });
  const preview = h('div', { id: 'data-preview' });

  const tableInput = h('input', {
    type: 'file',
    id: 'table-file',
    accept: '.csv,.tsv,.txt,text/csv,text/tab-separated-values',
    on: { change: () => tableInput.files[0] && openTable(tableInput.files[0]) },
  });
  const labelSelect = h('select', { id: 'table-label', on: { change: () => relabel() } });
  const labelField = h('label', { class: 'field', hidden: true }, 'Label column (kept out of training) ', labelSelect);

  const mode = h(
    'select',
    { id: 'image-mode' },
    h('option', { value: 'mnist' }, 'Like the digits: gray, centred, 28×28'),
    h('option', { value: 'pictures' }, 'As small pictures'),
  );
  const size = h(
    'select',
    { id: 'image-size' },
    ...[16, 28, 32].map((s) => h('option', { value: String(s), selected: s === 28 }, `${s}×${s}`)),
  );
  const colour = h('input', { type: 'checkbox', id: 'image-colour' });
  const imageInput = h('input', {
    type: 'file',
    id: 'image-files',
    multiple: true,
    accept: 'image/png,image/jpeg,image/webp,image/gif,image/bmp,.zip',
    on: { change: () => openImages([...imageInput.files]) },
  });
  const folderInput = h('input', {
    type: 'file',
    id: 'image-folder',
    webkitdirectory: true,
    on: { change: () => openImages([...folderInput.files]) },
  });

  const inLessons = h('button', {
    type: 'button',
    class: 'button small',
    id: 'data-in-lessons',
    'aria-pressed': 'false',
    hidden: true,
    on: {
      click: () => {
        ownData.inLessons = !ownData.inLessons;
        relink(); // the menu's links carry the data, or stop carrying it
        showInLessons();
      },
    },
  });
  const inLessonsNote = h('span', { class: 'hint', id: 'data-in-lessons-note' });
  function showInLessons() {
    const info = shown;
    inLessons.hidden = !info;
    inLessonsNote.hidden = !info;
    if (!info) return;
    inLessons.setAttribute('aria-pressed', String(ownData.inLessons));
    inLessons.textContent = info.generated
      ? `Use ${info.title} in every lesson`
      : info.view === 'image'
        ? 'Use these images in every lesson'
        : 'Use this table in every lesson';
    const what = info.generated ? info.title : 'your data';
    inLessonsNote.textContent = ownData.inLessons
      ? ` On: the lessons that can use it (${lessonsFor(info)}) train on ${what} instead of the digits; open one in the menu.`
      : ` The other lessons can train on it too: ${lessonsFor(info)}.`;
  }

  const say = (text, { error = false } = {}) => {
    message.textContent = text;
    message.classList.toggle('error-text', error);
    message.dataset.kind = error ? 'error' : 'info';
  };

  async function put(spec, after) {
    const id = `own-${nextId++}`;
    try {
      const info = await client.putData({ ...spec, id });
      ownData.id = id;
      ownData.info = info;
      after?.(info);
      use();
      return info;
    } catch (err) {
      say(`${spec.name} was not used: ${err.message} The data and the model stay as they were.`, { error: true });
      return null;
    }
  }

  async function openTable(file, label = null) {
    if (file.size > MAX_FILE_BYTES) {
      say(
        `${file.name} was not used: it is ${fmtInt(Math.round(file.size / 1048576))} MB, and a table may be at most 50 MB. The data and the model stay as they were.`,
        { error: true },
      );
      return;
    }
    say(`Reading ${file.name}…`);
    const bytes = new Uint8Array(await file.arrayBuffer());
    const info = await put({ kind: 'table', bytes, label, name: file.name });
    if (!info) return;
    ownData.table = { bytes, name: file.name };
    showLabelChoices(info);
    say(`${file.name}: ${fmtInt(info.rows)} rows read. Training on it now.`);
    preview.replaceChildren(...tablePreview(info).filter(Boolean));
  }

  /** The table's columns as label choices (every header column; the current label first). */
  function showLabelChoices(info) {
    const choices = [...info.columnNames, ...info.leftOut.map((c) => c.column)];
    if (info.labelColumn) choices.unshift(info.labelColumn);
    labelSelect.replaceChildren(
      h('option', { value: '' }, 'none'),
      ...[...new Set(choices)].map((c) => h('option', { value: c, selected: c === info.labelColumn }, c)),
    );
    labelField.hidden = false;
  }

  async function relabel() {
    const t = ownData.table;
    if (!t) return;
    const label = labelSelect.value || null;
    say(`Reading ${t.name} with ${label ? `"${label}" as the label` : 'no label'}…`);
    const info = await put({ kind: 'table', bytes: t.bytes, label, name: t.name });
    if (info) {
      say(`${t.name}: ${fmtInt(info.rows)} rows read. Training on it now.`);
      preview.replaceChildren(...tablePreview(info).filter(Boolean));
    }
  }

  /** files: File objects, or { file, path } pairs from a dropped folder (ingest/dropped.js). */
  async function openImages(files) {
    if (!files.length) return;
    const first = files[0].file ?? files[0];
    if (files.length === 1 && isTable(first.name)) return openTable(first);
    const name = files.length === 1 ? first.name : `${fmtInt(files.length)} files`;
    say(`Reading ${name}…`);
    let read;
    try {
      const { readImages } = await import('../../ingest/images.js');
      read = await readImages(files, {
        mode: mode.value,
        size: Number(size.value),
        colour: colour.checked,
        onProgress: (done, total) => say(`Reading images: ${fmtInt(done)} of ${fmtInt(total)}…`),
      });
    } catch (err) {
      say(`${name} was not used: ${err.message} The data and the model stay as they were.`, { error: true });
      return;
    }
    const info = await put({
      kind: 'images',
      values: read.values,
      labels: read.labels,
      labelNames: read.labelNames,
      channels: read.channels,
      height: read.height,
      width: read.width,
      name,
    });
    if (!info) return;
    ownData.table = null;
    labelField.hidden = true;
    say(`${name}: ${fmtInt(read.count)} images read. Training on them now.`);
    preview.replaceChildren(...imagesPreview(read).filter(Boolean));
  }

  const el = card(
    { id: 'data-title', title: 'Data', className: 'data-card' },
    about,
    how,
    h(
      'p',
      { class: 'hint', id: 'data-private' },
      'Files you open are read here, in this browser tab: nothing is uploaded, and your data is not put in the link (a link cannot carry it).',
    ),
    h(
      'fieldset',
      { class: 'data-open' },
      h('legend', {}, 'Your table'),
      h('label', { class: 'field' }, 'CSV or TSV file with a header row ', tableInput),
      labelField,
    ),
    h(
      'fieldset',
      { class: 'data-open' },
      h('legend', {}, 'Your images'),
      h('label', { class: 'field' }, 'Read them ', mode),
      h('label', { class: 'field' }, 'Picture size ', size),
      h('label', { class: 'field' }, colour, ' in colour'),
      h('label', { class: 'field' }, 'Files or a .zip ', imageInput),
      h('label', { class: 'field' }, 'A folder (sub-folders are labels) ', folderInput),
    ),
    h(
      'p',
      { class: 'hint' },
      'You can also drop a table, images or a .zip on this card. Up to 20,000 images, 50 MB a file, 2,000 columns.',
    ),
    message,
    h('p', {}, inLessons, inLessonsNote),
    preview,
  );
  // Back in the lesson with a table opened before: it can still be read with another label column.
  if (ownData.table && ownData.info?.kind === 'table') showLabelChoices(ownData.info);
  el.addEventListener('dragover', (e) => e.preventDefault());
  el.addEventListener('drop', (e) => {
    e.preventDefault();
    // A dropped folder's entries must be taken while the event is handled; they are read after.
    droppedFiles(e.dataTransfer).then((files) => files.length && openImages(files));
  });

  return {
    el,
    /** The run's data (its info from the worker). */
    show(info) {
      about.textContent =
        `Training on ${info.title}: ${fmtInt(info.rows)} ${info.view === 'image' ? 'images' : 'rows'} of ${fmtInt(info.width)} values` +
        (info.kind === 'table' || info.kind === 'images' ? ' (your own data, in this tab only).' : '.');
      about.dataset.kind = info.kind;
      how.textContent = info.how ?? '';
      how.hidden = !info.how;
      if (info.generated) preview.replaceChildren();
      shown = info;
      showInLessons();
    },
  };
}

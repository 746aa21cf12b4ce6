// The lessons, in the order a reader meets them. Each entry loads its module on
// demand; a lesson module default-exports { id, title, mount(root, ctx) }.
// To add one (denoise, latent, generate, ...): write www/lessons/<id>.js and list it here.

export const LESSONS = [
  { id: 'reconstruct', title: 'Reconstruct', load: () => import('./reconstruct.js') },
];

export const LESSON_IDS = LESSONS.map((l) => l.id);

/** The registry entry for an id (the first lesson when the id is unknown). */
export function findLesson(id) {
  return LESSONS.find((l) => l.id === id) ?? LESSONS[0];
}

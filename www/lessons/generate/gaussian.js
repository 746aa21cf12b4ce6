// The VAE's Gaussian for the drawing, on the Generate lesson's map of the
// code space: the encoder's mean μ as a point, its spread σ as the 1σ and 2σ
// ellipses (axis-aligned: the VAE's covariance is diagonal), and a few codes
// z = μ + σ·ε from it, numbered as their decoded digits are. The geometry is
// pure (node tests it); `gaussianOverlay` paints it on a canvas over the map.

import { CanvasChart } from '../../charts/canvas-chart.js';

/**
 * Fixed draws ε ~ N(0, I) (6 pairs): the same ε for every drawing and step, so
 * the samples move smoothly with μ and σ instead of jumping at each refresh.
 */
export const EPSILONS = Float32Array.of(0.52, -1.21, -1.38, 0.33, 1.46, 0.87, -0.41, 1.64, 0.96, -0.16, -0.75, -0.68);
export const SAMPLE_COUNT = EPSILONS.length / 2;

/** σ = exp(log σ² / 2) per code number. */
export const sigmaOf = (logVar) => Array.from(logVar, (v) => Math.exp(0.5 * v));

/**
 * The codes z = μ + σ·ε for each pair of `eps`: the reparameterisation the VAE
 * trains with, here with fixed ε. -> Float32Array (eps.length / 2) × 2
 */
export function gaussianSamples(mu, logVar, eps = EPSILONS) {
  const sigma = sigmaOf(logVar);
  const z = new Float32Array(eps.length);
  for (let i = 0; i < eps.length; i += 2) {
    z[i] = mu[0] + sigma[0] * eps[i];
    z[i + 1] = mu[1] + sigma[1] * eps[i + 1];
  }
  return z;
}

/**
 * Where code (z₁, z₂) sits on the decoded map of a grid×grid codes from −range
 * to range, as fractions of the map's width and height from its top left: tile
 * c is centred on code −range + 2·range·c/(grid − 1), and z₂ grows upward.
 */
export function mapPosition(z1, z2, { grid, range }) {
  const at = (z) => ((z + range) * (grid - 1)) / (2 * range) + 0.5;
  return { x: at(z1) / grid, y: 1 - at(z2) / grid };
}

/** One code unit as a fraction of the map's side. */
export const mapUnit = ({ grid, range }) => (grid - 1) / (2 * range * grid);

/**
 * The ellipse of k standard deviations around μ, in fractions of the map:
 * centre and the two semi-axes (along z₁ and z₂). -> { x, y, rx, ry }
 */
export function ellipseOnMap(mu, logVar, k, map) {
  const [s1, s2] = sigmaOf(logVar);
  const { x, y } = mapPosition(mu[0], mu[1], map);
  const u = mapUnit(map);
  return { x, y, rx: k * s1 * u, ry: k * s2 * u };
}

/**
 * A canvas over the map that draws the Gaussian: 2σ and 1σ ellipses, μ, and the samples numbered 1…n.
 * In the theme's colours, repainted on resize and theme changes.
 * @param {HTMLCanvasElement} canvas  laid over the map, sized by CSS
 * @param {{ grid: number, range: number }} map
 * -> { show({ mu, logVar, samples } | null), destroy() }
 */
export function gaussianOverlay(canvas, map) {
  let shown = null;
  const chart = new CanvasChart(canvas, ({ ctx, w, h, dpr, colours }) => {
    if (!shown) return;
    const { mu, logVar, samples } = shown;
    const ink = colours.colour('--heat', '#c2410c');
    const halo = colours.surface;
    const ellipse = (k, dash) => {
      const e = ellipseOnMap(mu, logVar, k, map);
      for (const [colour, width] of [
        [halo, 4.5],
        [ink, 2],
      ]) {
        ctx.strokeStyle = colour;
        ctx.lineWidth = width * dpr;
        ctx.setLineDash(colour === ink ? dash.map((d) => d * dpr) : []);
        ctx.beginPath();
        ctx.ellipse(e.x * w, e.y * h, Math.max(e.rx * w, dpr), Math.max(e.ry * h, dpr), 0, 0, 2 * Math.PI);
        ctx.stroke();
      }
    };
    ellipse(2, [6, 4]);
    ellipse(1, []);
    ctx.setLineDash([]);
    const dot = (z1, z2, r, fill) => {
      const p = mapPosition(z1, z2, map);
      ctx.beginPath();
      ctx.arc(p.x * w, p.y * h, r * dpr, 0, 2 * Math.PI);
      ctx.fillStyle = fill;
      ctx.fill();
      ctx.lineWidth = 1.5 * dpr;
      ctx.strokeStyle = halo;
      ctx.stroke();
      return p;
    };
    ctx.font = `700 ${11 * dpr}px ${colours.font}`;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'bottom';
    ctx.lineJoin = 'round';
    for (let i = 0; i < samples.length; i += 2) {
      const p = dot(samples[i], samples[i + 1], 3, ink);
      const label = String(i / 2 + 1);
      ctx.lineWidth = 3 * dpr;
      ctx.strokeStyle = halo;
      ctx.strokeText(label, p.x * w + 4 * dpr, p.y * h - 2 * dpr);
      ctx.fillStyle = ink;
      ctx.fillText(label, p.x * w + 4 * dpr, p.y * h - 2 * dpr);
    }
    dot(mu[0], mu[1], 5, colours.text);
  });

  return {
    /** The drawing's Gaussian (mu, logVar: 2 numbers each; samples: flat z pairs), or null to show nothing. */
    show(g) {
      shown = g;
      canvas.dataset.painted = String(Boolean(g));
      if (g) {
        canvas.dataset.mu = `${g.mu[0]},${g.mu[1]}`;
        canvas.dataset.sigma = sigmaOf(g.logVar).join(',');
      } else {
        delete canvas.dataset.mu;
        delete canvas.dataset.sigma;
      }
      chart.schedule();
    },
    destroy: () => chart.destroy(),
  };
}

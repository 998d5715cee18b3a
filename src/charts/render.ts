import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { TopLevelSpec } from 'vega-lite';

/** The family name of the font Tandem ships (assets/fonts, SIL Open Font License). */
export const chartFontFamily = 'Noto Sans';

// assets/ sits at the package root: two folders up from src/charts, three from dist/src/charts.
const shipped = ['../../assets/fonts/NotoSans-Regular.ttf', '../../../assets/fonts/NotoSans-Regular.ttf'].map((p) =>
  fileURLToPath(new URL(p, import.meta.url)),
);

/** The path of the font Tandem ships for chart text. */
export function shippedChartFont(): string {
  const found = shipped.find((p) => existsSync(p));
  if (!found) throw new Error('the chart font is missing (assets/fonts/NotoSans-Regular.ttf beside dist/ or src/)');
  return found;
}

/** TrueType, OpenType or a collection of them, by the file's first four bytes. */
async function assertFont(path: string): Promise<void> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(4);
    await file.read(head, 0, 4, 0);
    const tag = head.toString('latin1');
    if (!(head.readUInt32BE(0) === 0x00010000 || tag === 'OTTO' || tag === 'true' || tag === 'ttcf'))
      throw new Error(`not a TrueType or OpenType font: ${path}`);
  } finally {
    await file.close();
  }
}

/**
 * A vega-lite spec as a PNG: vega-lite compiles it, vega draws it as SVG headless (no canvas), resvg
 * rasterises the SVG with the fonts given and no system font, so the same spec gives the same picture
 * on every machine. vega, vega-lite and resvg load on the first render, not at start-up.
 * `extraFonts` (TANDEM's CHART_FONT) cover scripts the shipped font lacks; resvg falls back to them.
 */
export async function renderPng(
  spec: TopLevelSpec,
  options: { extraFonts?: readonly string[]; scale?: number } = {},
): Promise<Buffer> {
  const fonts = [shippedChartFont(), ...(options.extraFonts ?? [])];
  for (const f of fonts) await assertFont(f);
  const [vega, vegaLite, resvg] = await Promise.all([import('vega'), import('vega-lite'), import('@resvg/resvg-js')]);
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  let svg: string;
  try {
    svg = await view.toSVG();
  } finally {
    view.finalize();
  }
  const image = await resvg.renderAsync(svg, {
    font: { loadSystemFonts: false, fontFiles: fonts, defaultFontFamily: chartFontFamily, sansSerifFamily: chartFontFamily },
    fitTo: { mode: 'zoom', value: options.scale ?? 2 },
    background: 'white',
    logLevel: 'off',
  });
  return image.asPng();
}

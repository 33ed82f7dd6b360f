import pdfmake from 'pdfmake';

/**
 * PDF documents drawn on the server with pdfmake (tables, page breaks, headers and footers, and
 * the same SVG charts the pages show). Only PDF's built-in Helvetica is used, so no font files
 * ship; pdfmake may fetch nothing from the network and read no file but those fonts' metrics.
 */

const HELVETICA = ['Helvetica', 'Helvetica-Bold', 'Helvetica-Oblique', 'Helvetica-BoldOblique'];
pdfmake.setFonts({
  Helvetica: { normal: HELVETICA[0], bold: HELVETICA[1], italics: HELVETICA[2], bolditalics: HELVETICA[3] },
});
pdfmake.setUrlAccessPolicy(() => false);
pdfmake.setLocalAccessPolicy((path) => HELVETICA.includes(path));

/** A pdfmake document definition (https://pdfmake.github.io/docs/0.3/document-definition-object/). */
export type PdfDocument = Record<string, unknown> & { content: unknown[] };

export type PdfContent = unknown;

/** GOV.UK's text colour and a grey for the lines of tables. */
export const PDF_STYLES = {
  title: { fontSize: 26, bold: true, margin: [0, 0, 0, 12] },
  subtitle: { fontSize: 16, margin: [0, 0, 0, 8] },
  h2: { fontSize: 16, bold: true, margin: [0, 14, 0, 6] },
  h3: { fontSize: 12, bold: true, margin: [0, 10, 0, 4] },
  body: { fontSize: 10, margin: [0, 0, 0, 6], lineHeight: 1.2 },
  small: { fontSize: 8, color: '#484949' },
  th: { bold: true, fontSize: 9 },
  td: { fontSize: 9 },
  warning: { bold: true, fontSize: 11, color: '#0b0c0c', background: '#ffdd00' },
};

/** Renders a document to PDF bytes. */
export async function renderPdf(doc: PdfDocument): Promise<Buffer> {
  return pdfmake
    .createPdf({
      pageSize: 'A4',
      pageMargins: [40, 50, 40, 50],
      defaultStyle: { font: 'Helvetica', fontSize: 10, color: '#0b0c0c' },
      styles: PDF_STYLES,
      ...doc,
    })
    .getBuffer();
}

/** A table of text cells: a header row and body rows, numbers right-aligned. */
export function pdfTable(
  header: string[],
  rows: (string | number)[][],
  opts: { widths?: (string | number)[] } = {},
) {
  const cell = (v: string | number, style: string) => ({
    text: String(v),
    style,
    alignment: typeof v === 'number' || /^(c|–|[\d.,%\s()–-]+)$/.test(String(v)) ? 'right' : 'left',
  });
  return {
    table: {
      headerRows: 1,
      widths: opts.widths ?? header.map((_, i) => (i === 0 ? '*' : 'auto')),
      body: [header.map((h) => cell(h, 'th')), ...rows.map((r) => r.map((v) => cell(v, 'td')))],
    },
    layout: {
      hLineWidth: (i: number) => (i === 1 ? 1 : 0.5),
      vLineWidth: () => 0,
      hLineColor: () => '#b1b4b6',
      paddingTop: () => 3,
      paddingBottom: () => 3,
    },
    margin: [0, 0, 0, 10],
  };
}

/** An SVG chart (as the pages draw it) scaled to the page's width. */
export function pdfSvg(svg: string, width = 500) {
  // pdfmake draws the SVG element itself: strip anything before or after it.
  const start = svg.indexOf('<svg');
  const end = svg.lastIndexOf('</svg>');
  return { svg: svg.slice(start, end + 6), width, margin: [0, 4, 0, 10] };
}

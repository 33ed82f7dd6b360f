import type { PdfDocument } from '../../platform/pdf/index.ts';
import { formatDate } from '../../platform/web.ts';
import type { PhilomenaService } from './philomena.ts';

type Pack = Awaited<ReturnType<PhilomenaService['grabPack']>>;

const TIME = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'long',
  timeStyle: 'short',
  timeZone: 'Europe/London',
});

/** What each row of the pack says, once, for the page and the PDF alike. */
export function grabPackRows(pack: Pack): { part1: [string, string][]; part2: [string, string][] | null } {
  const plan = pack.plan as NonNullable<Pack['plan']>;
  const part1: [string, string][] = [
    ['Name', pack.child.name],
    ['Date of birth', pack.child.dateOfBirth ? formatDate(pack.child.dateOfBirth) : 'Not known'],
    ['Gender', pack.child.genderName],
    ['Ethnicity', pack.child.ethnicityName],
    ['Police reference', pack.child.policeRef ?? 'Not recorded'],
    [
      'Placement',
      pack.placement
        ? `${pack.placement.kindName}: ${pack.placement.provider} (${pack.placement.localAuthority})`
        : 'Not placed',
    ],
    ['Physical description', plan.physicalDescription],
    [
      'Friends and associates',
      [...pack.associates.map((a) => a.name), plan.associatesNote].filter(Boolean).join('; ') ||
        'None recorded',
    ],
    ['Places they go', plan.places ?? 'None recorded'],
    ['Phone numbers', plan.phones ?? 'None recorded'],
    ['Social media', plan.socialMedia ?? 'None recorded'],
    ['Health needs and medication', plan.healthNeeds ?? 'None recorded'],
    ['Known triggers', plan.triggers ?? 'None recorded'],
    ['What to do first', plan.firstActions],
    ['Missing episodes in the last 12 months', String(pack.episodesInYear)],
    [
      'Agreed by',
      pack.agreements
        .map(
          (a) =>
            `${a.partyName}: ${a.agreement ? `${a.agreement.agreedByName}, ${TIME.format(a.agreement.agreedAt)}` : 'not yet agreed'}`,
        )
        .join('\n'),
    ],
  ];
  const part2: [string, string][] | null = pack.open
    ? [
        [
          'Last seen',
          `${TIME.format(pack.open.lastSeenAt)}${pack.open.lastSeenPlace ? `, ${pack.open.lastSeenPlace}` : ''}`,
        ],
        ['Clothing', pack.open.clothing ?? 'Not recorded'],
        ['Circumstances', pack.open.circumstances ?? 'Not recorded'],
        ['Police risk grading', pack.open.gradingName],
      ]
    : null;
  return { part1, part2 };
}

/** The one-page grab pack as a PDF for the police. */
export function grabPackPdf(pack: Pack): PdfDocument {
  const { part1, part2 } = grabPackRows(pack);
  const table = (rows: [string, string][]) => ({
    table: {
      widths: [130, '*'],
      body: rows.map(([k, v]) => [
        { text: k, bold: true, fontSize: 9 },
        { text: v, fontSize: 9 },
      ]),
    },
    layout: {
      hLineWidth: () => 0.5,
      vLineWidth: () => 0,
      hLineColor: () => '#b1b4b6',
      paddingTop: () => 2,
      paddingBottom: () => 2,
    },
    margin: [0, 0, 0, 8],
  });
  return {
    pageMargins: [36, 36, 36, 36],
    info: { title: `Grab pack: ${pack.child.name}` },
    content: [
      { text: 'OFFICIAL-SENSITIVE: Philomena Protocol grab pack', style: 'small', margin: [0, 0, 0, 4] },
      {
        columns: [
          {
            stack: [
              { text: pack.child.name, fontSize: 20, bold: true },
              {
                text: pack.agreed ? 'Plan agreed by all three' : 'Plan NOT yet agreed by all three',
                style: 'warning',
              },
            ],
            width: '*',
          },
          ...(pack.photo ? [{ image: pack.photo, fit: [110, 130], width: 110 }] : []),
        ],
        margin: [0, 0, 0, 8],
      },
      { text: 'Part 1: the plan', style: 'h3' },
      table(part1),
      { text: 'Part 2: this episode', style: 'h3' },
      part2
        ? table(part2)
        : {
            text: 'Not missing now. Add the clothing, circumstances and last sighting when reporting.',
            style: 'body',
          },
      {
        text: `Printed ${TIME.format(pack.printedAt)} by ${pack.printedBy}. Review due ${formatDate(pack.plan?.reviewDue ?? null)}.`,
        style: 'small',
      },
    ],
  };
}

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const WARDS_FILE = path.join(ROOT, 'data/geo/bradford-wards-2013.geojson');

/** Under-18 populations the seed reports publish (seed 002, Appendix D); the rest are drawn in that range. */
export const PUBLISHED_UNDER18: Record<string, number> = {
  Queensbury: 3911,
  Royds: 4686,
  Wibsey: 3850,
  Wyke: 3319,
  'Great Horton': 3928,
  Tong: 6805,
};

/**
 * Bradford's five area committees and their wards (public: the council's committee pages). Ward
 * reports and committee packs are made for one of these, or the whole district.
 */
export const AREA_COMMITTEES: Record<string, readonly string[]> = {
  'Bradford East': [
    'Bolton and Undercliffe',
    'Bowling and Barkerend',
    'Bradford Moor',
    'Eccleshill',
    'Idle and Thackley',
    'Little Horton',
  ],
  'Bradford South': ['Great Horton', 'Queensbury', 'Royds', 'Tong', 'Wibsey', 'Wyke'],
  'Bradford West': [
    'City',
    'Clayton and Fairweather Green',
    'Heaton',
    'Manningham',
    'Thornton and Allerton',
    'Toller',
  ],
  Keighley: ['Craven', 'Ilkley', 'Keighley Central', 'Keighley East', 'Keighley West', 'Worth Valley'],
  Shipley: ['Baildon', 'Bingley', 'Bingley Rural', 'Shipley', 'Wharfedale', 'Windhill and Wrose'],
};

/** The area committee a ward belongs to. */
export const areaCommitteeOf = (wardName: string): string | undefined =>
  Object.keys(AREA_COMMITTEES).find((name) => AREA_COMMITTEES[name].includes(wardName));

/**
 * What seed 002 (Appendix D) published for Bradford South in 2020: the average number of children
 * flagged and the rate per 10,000 under-18s. The demo's history is built so that its 2020 report
 * gives these again.
 */
export const PUBLISHED_2020: Record<string, { average: number; rate: number }> = {
  'Great Horton': { average: 12.04, rate: 30.65 },
  Queensbury: { average: 5.0, rate: 12.78 },
  Royds: { average: 7.58, rate: 16.18 },
  Tong: { average: 16.58, rate: 24.37 },
  Wibsey: { average: 7.72, rate: 20.04 },
  Wyke: { average: 6.55, rate: 19.73 },
};

/** The district's children flagged in a month, as seed 002 reported them for 2020 ("fluctuated between 283 in January peaking in May at 389 and being at 311 in August"). */
export const PUBLISHED_DISTRICT_MONTHS: Record<string, number> = {
  '2020-01': 283,
  '2020-05': 389,
  '2020-08': 311,
};

/** Plausible postcode districts for each ward (synthetic gazetteer: real districts, made-up units). */
export const WARD_DISTRICTS: Record<string, string[]> = {
  Baildon: ['BD17'],
  Bingley: ['BD16'],
  'Bingley Rural': ['BD16', 'BD13'],
  'Bolton and Undercliffe': ['BD2'],
  'Bowling and Barkerend': ['BD3', 'BD4'],
  'Bradford Moor': ['BD3'],
  City: ['BD1', 'BD5'],
  'Clayton and Fairweather Green': ['BD14', 'BD8'],
  Craven: ['BD20'],
  Eccleshill: ['BD2', 'BD10'],
  'Great Horton': ['BD7'],
  Heaton: ['BD9'],
  'Idle and Thackley': ['BD10'],
  Ilkley: ['LS29'],
  'Keighley Central': ['BD21'],
  'Keighley East': ['BD21', 'BD20'],
  'Keighley West': ['BD22'],
  'Little Horton': ['BD5', 'BD7'],
  Manningham: ['BD8'],
  Queensbury: ['BD13'],
  Royds: ['BD6'],
  Shipley: ['BD18'],
  'Thornton and Allerton': ['BD13', 'BD15'],
  Toller: ['BD8', 'BD9'],
  Tong: ['BD4'],
  Wharfedale: ['LS21', 'LS29'],
  Wibsey: ['BD6'],
  'Windhill and Wrose': ['BD18', 'BD2'],
  'Worth Valley': ['BD22'],
  Wyke: ['BD12'],
};

export const TOWN_OF_DISTRICT = (district: string) =>
  ['BD20', 'BD21', 'BD22'].includes(district)
    ? 'Keighley'
    : district === 'BD16'
      ? 'Bingley'
      : ['BD17', 'BD18'].includes(district)
        ? 'Shipley'
        : district === 'LS29'
          ? 'Ilkley'
          : district === 'LS21'
            ? 'Otley'
            : 'Bradford';

export const DEMO_AGENCIES = [
  { code: 'csc', name: "Children's Social Care", kind: 'childrens_social_care' },
  { code: 'asc', name: 'Adult Social Care', kind: 'adult_social_care' },
  { code: 'police', name: 'District Police', kind: 'police' },
  { code: 'health', name: 'District NHS Foundation Trust', kind: 'health' },
  { code: 'education', name: 'Education Safeguarding Team', kind: 'education' },
  { code: 'youth', name: 'Youth Service', kind: 'youth_service' },
  { code: 'trp', name: 'Trusted Relationships Project', kind: 'commissioned_charity' },
  { code: 'bu', name: 'Safeguarding Partnership Business Unit', kind: 'business_unit' },
] as const;

export interface Ward {
  code: string;
  name: string;
  geometry: GeoJSON.Polygon;
}

export function loadWards(): Ward[] {
  const geo = JSON.parse(readFileSync(WARDS_FILE, 'utf8')) as GeoJSON.FeatureCollection<GeoJSON.Polygon>;
  return geo.features.map((f) => ({
    code: String(f.properties?.WD13CD),
    name: String(f.properties?.WD13NM),
    geometry: f.geometry,
  }));
}

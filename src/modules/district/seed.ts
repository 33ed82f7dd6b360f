import bbox from '@turf/bbox';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import type { SeedContext } from '../../platform/module.ts';
import {
  DEMO_AGENCIES,
  loadWards,
  PUBLISHED_UNDER18,
  TOWN_OF_DISTRICT,
  WARD_DISTRICTS,
  type Ward,
} from './reference.ts';
import * as repo from './repository.ts';

/** A postcode of the synthetic gazetteer, inside its ward. */
export interface GazetteerPostcode {
  postcode: string;
  ward: Ward;
  town: string;
}

/**
 * The district's reference data: its 30 wards with boundaries and the under-18 populations the seed
 * reports publish, a synthetic postcode gazetteer (real districts, made-up units, each point inside
 * its ward), and the partnership's agencies. Later seeds read `made.postcodes` and `made.agencyIds`.
 */
export async function seedDistrict(ctx: SeedContext): Promise<void> {
  const faker = ctx.random;
  const wards = loadWards();
  const withPopulations = wards.map((w) => ({
    code: w.code,
    name: w.name,
    population: PUBLISHED_UNDER18[w.name] ?? faker.number.int({ min: 3300, max: 7800 }),
    boundary: w.geometry,
  }));
  await repo.insertWards(ctx.client, ctx.partnershipId, withPopulations);
  const postcodes: GazetteerPostcode[] = [];
  const rows: { postcode: string; ward: string; latitude: number; longitude: number }[] = [];
  const taken = new Set<string>();
  for (const ward of wards) {
    const [minX, minY, maxX, maxY] = bbox(ward.geometry);
    const districts = WARD_DISTRICTS[ward.name] ?? ['BD1'];
    for (let i = 0; i < 40; i++) {
      let point: [number, number];
      do {
        point = [faker.number.float({ min: minX, max: maxX }), faker.number.float({ min: minY, max: maxY })];
      } while (!booleanPointInPolygon(point, ward.geometry));
      let postcode: string;
      const district = faker.helpers.arrayElement(districts);
      do {
        postcode = `${district} ${faker.number.int({ min: 1, max: 9 })}${faker.string.fromCharacters('ABDEFGHJLNPQRSTUWXYZ', 2)}`;
      } while (taken.has(postcode));
      taken.add(postcode);
      postcodes.push({ postcode, ward, town: TOWN_OF_DISTRICT(district) });
      rows.push({ postcode, ward: ward.code, latitude: point[1], longitude: point[0] });
    }
  }
  await repo.insertPostcodes(ctx.client, ctx.partnershipId, rows);
  const agencyIds: Record<string, string> = {};
  const agencies = DEMO_AGENCIES.map((a) => {
    const id = faker.string.uuid();
    agencyIds[a.code] = id;
    return { id, code: a.code, name: a.name, kind: a.kind };
  });
  await repo.insertAgencies(ctx.client, ctx.partnershipId, agencies);
  ctx.made.wards = withPopulations;
  ctx.made.postcodes = postcodes;
  ctx.made.agencyIds = agencyIds;
}

import { defineModule } from '../../platform/module.ts';
import { seedDistrict } from './seed.ts';

export {
  AREA_COMMITTEES,
  areaCommitteeOf,
  DEMO_AGENCIES,
  loadWards,
  PUBLISHED_2020,
  PUBLISHED_DISTRICT_MONTHS,
  PUBLISHED_UNDER18,
  WARDS_FILE,
  type Ward,
} from './reference.ts';
export { agencyIdByCode, agencyIds, insertPartnership, isEmpty } from './repository.ts';
export type { GazetteerPostcode } from './seed.ts';

/**
 * The partnership's district: wards, the postcode gazetteer and the agencies. Reference data that
 * other modules read; in the demo, the first part of the district to be seeded.
 */
export const districtModule = defineModule({
  name: 'district',
  seed: seedDistrict,
});

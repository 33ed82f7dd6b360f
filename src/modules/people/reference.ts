/** ONS 2021 Census ethnic group categories (England and Wales), with "not stated". */
export const ETHNICITY_GROUPS: { group: string; items: { code: string; name: string }[] }[] = [
  {
    group: 'Asian, Asian British or Asian Welsh',
    items: [
      { code: 'asian_bangladeshi', name: 'Bangladeshi' },
      { code: 'asian_chinese', name: 'Chinese' },
      { code: 'asian_indian', name: 'Indian' },
      { code: 'asian_pakistani', name: 'Pakistani' },
      { code: 'asian_other', name: 'Any other Asian background' },
    ],
  },
  {
    group: 'Black, Black British, Black Welsh, Caribbean or African',
    items: [
      { code: 'black_african', name: 'African' },
      { code: 'black_caribbean', name: 'Caribbean' },
      { code: 'black_other', name: 'Any other Black, Black British, or Caribbean background' },
    ],
  },
  {
    group: 'Mixed or Multiple ethnic groups',
    items: [
      { code: 'mixed_white_asian', name: 'White and Asian' },
      { code: 'mixed_white_black_african', name: 'White and Black African' },
      { code: 'mixed_white_black_caribbean', name: 'White and Black Caribbean' },
      { code: 'mixed_other', name: 'Any other Mixed or Multiple ethnic background' },
    ],
  },
  {
    group: 'White',
    items: [
      { code: 'white_british', name: 'English, Welsh, Scottish, Northern Irish or British' },
      { code: 'white_irish', name: 'Irish' },
      { code: 'white_gypsy_traveller', name: 'Gypsy or Irish Traveller' },
      { code: 'white_roma', name: 'Roma' },
      { code: 'white_other', name: 'Any other White background' },
    ],
  },
  {
    group: 'Other ethnic group',
    items: [
      { code: 'other_arab', name: 'Arab' },
      { code: 'other_any', name: 'Any other ethnic group' },
    ],
  },
  { group: 'Not stated', items: [{ code: 'not_stated', name: 'Not stated' }] },
];

export const ETHNICITY_CODES = ETHNICITY_GROUPS.flatMap((g) => g.items.map((i) => i.code));

export const ETHNICITY_NAMES: Record<string, string> = Object.fromEntries(
  ETHNICITY_GROUPS.flatMap((g) =>
    g.items.map((i) => [i.code, g.group === 'Not stated' ? i.name : `${g.group}: ${i.name}`]),
  ),
);

export const GENDERS = ['female', 'male', 'other', 'not_known'] as const;
export type Gender = (typeof GENDERS)[number];
export const GENDER_NAMES: Record<Gender, string> = {
  female: 'Female',
  male: 'Male',
  other: 'Other',
  not_known: 'Not known',
};

/** Whether a person has a disability or special educational needs (equality monitoring). */
export const DISABILITIES = ['yes', 'no', 'not_known'] as const;
export type Disability = (typeof DISABILITIES)[number];
export const DISABILITY_NAMES: Record<Disability, string> = {
  yes: 'Yes',
  no: 'No',
  not_known: 'Not known',
};

export const DOB_PRECISIONS = ['exact', 'approximate', 'unknown'] as const;
export type DobPrecision = (typeof DOB_PRECISIONS)[number];

/** How an agency's record came to point at a person: matched to one already known, or a new one. */
export const LINKED_HOW = ['matched', 'new_person'] as const;
export type LinkedHow = (typeof LINKED_HOW)[number];

export const ALIAS_KINDS = ['alias', 'previous_name', 'nickname', 'street_name'] as const;
export type AliasKind = (typeof ALIAS_KINDS)[number];

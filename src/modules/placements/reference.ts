export const PLACEMENT_KINDS = [
  'foster',
  'kinship',
  'childrens_home',
  'semi_independent',
  'secure',
  'other',
] as const;
export type PlacementKind = (typeof PLACEMENT_KINDS)[number];

export const PLACEMENT_KIND_NAMES: Record<PlacementKind, string> = {
  foster: 'Foster care',
  kinship: 'Kinship care (family or friends)',
  childrens_home: "Children's home (residential)",
  semi_independent: 'Semi-independent accommodation',
  secure: 'Secure children’s home',
  other: 'Other',
};

/** Placements where the Philomena Protocol applies: residential care. */
export const RESIDENTIAL: readonly PlacementKind[] = ['childrens_home', 'semi_independent', 'secure'];

/** Moves in twelve months from which the number is highlighted (the thematic review's "many moves"). */
export const MANY_MOVES = 3;

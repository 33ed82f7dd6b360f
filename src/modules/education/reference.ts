export const EDUCATION_KINDS = [
  'school_place',
  'attendance_concern',
  'suspension',
  'permanent_exclusion',
  'part_time_timetable',
  'alternative_provision',
  'missing_education',
  'home_education',
] as const;
export type EducationKind = (typeof EDUCATION_KINDS)[number];

export const EDUCATION_KIND_NAMES: Record<EducationKind, string> = {
  school_place: 'School place',
  attendance_concern: 'Attendance concern',
  suspension: 'Suspension',
  permanent_exclusion: 'Permanent exclusion',
  part_time_timetable: 'Part-time timetable',
  alternative_provision: 'Alternative provision',
  missing_education: 'Referred as missing education',
  home_education: 'Elective home education registered',
};

/** Disruption that may change the risk to a child (a risk review when flagged or being assessed). */
export const CHANGES_RISK: readonly EducationKind[] = [
  'suspension',
  'permanent_exclusion',
  'missing_education',
];

export const WHEREABOUTS = ['found_in_school', 'moved_out_of_district', 'not_found'] as const;
export type Whereabouts = (typeof WHEREABOUTS)[number];
export const WHEREABOUTS_NAMES: Record<Whereabouts, string> = {
  found_in_school: 'Found in school',
  moved_out_of_district: 'Moved out of the district',
  not_found: 'Not found',
};

import { asList, Checker } from '../../platform/validation.ts';
import { isRealDate, normalisePostcode } from '../people/index.ts';
import {
  CATEGORIES,
  type Category,
  OUTCOMES,
  type Outcome,
  PLACE_KINDS,
  type PlaceKind,
  SOURCE_KINDS,
  type SourceKind,
  URGENCIES,
  type Urgency,
} from './reference.ts';

export interface PlaceInput {
  description: string;
  kind: PlaceKind;
  postcode: string | null;
}

/** A contact as entered, the one shape pages and the API validate into. */
export interface ContactInput {
  sourceKind: SourceKind;
  sourceAgencyId: string | null;
  sourceName: string | null;
  sourceContactDetails: string | null;
  anonymous: boolean;
  occurredOn: string | null;
  occurredTime: string | null;
  location: string | null;
  categories: Category[];
  narrative: string;
  places: PlaceInput[];
}

/**
 * Reads a contact. A draft only has to be well-formed; a submitted contact must say who it came
 * from, what the concern is and what happened.
 */
export function readContactInput(
  raw: Record<string, unknown>,
  agencyIds: string[],
  submitting: boolean,
): ContactInput {
  const check = new Checker();
  const sourceKind =
    check.oneOf(raw.sourceKind, 'sourceKind', SOURCE_KINDS, {
      label: 'Who the concern came from',
      required: submitting,
      requiredMessage: 'Select who the concern came from',
    }) ?? 'agency';
  let sourceAgencyId: string | null = null;
  if (sourceKind === 'agency') {
    sourceAgencyId =
      check.oneOf(raw.sourceAgencyId, 'sourceAgencyId', agencyIds, {
        label: 'Agency',
        required: submitting,
        requiredMessage: 'Select the agency the concern came from',
      }) ?? null;
  }
  const anonymous = raw.anonymous === true || raw.anonymous === 'true' || raw.anonymous === 'yes';
  const sourceName = anonymous
    ? null
    : (check.text(raw.sourceName, 'sourceName', { label: 'Name of the person reporting', max: 200 }) ?? null);
  const sourceContactDetails = anonymous
    ? null
    : (check.text(raw.sourceContactDetails, 'sourceContactDetails', { label: 'Contact details', max: 300 }) ??
      null);
  if (submitting && sourceKind !== 'agency' && !anonymous && !sourceName) {
    check.add('sourceName', 'Enter the name of the person reporting, or select that they are anonymous');
  }
  const occurredOn = check.text(raw.occurredOn, 'occurredOn', { label: 'Date it happened', max: 10 }) ?? null;
  if (occurredOn && !isRealDate(occurredOn)) check.add('occurredOn', 'Date it happened must be a real date');
  else if (occurredOn && occurredOn > new Date().toISOString().slice(0, 10))
    check.add('occurredOn', 'Date it happened must be today or in the past');
  const occurredTime =
    check.text(raw.occurredTime, 'occurredTime', { label: 'Time it happened', max: 40 }) ?? null;
  const location = check.text(raw.location, 'location', { label: 'Where it happened', max: 500 }) ?? null;
  const categories = [...new Set(asList(raw.categories))];
  if (categories.some((c) => !(CATEGORIES as readonly string[]).includes(c)))
    check.add('categories', 'Select concerns from the list');
  if (submitting && categories.length === 0) check.add('categories', 'Select at least one kind of concern');
  const narrative =
    check.text(raw.narrative, 'narrative', {
      label: 'What happened',
      required: submitting,
      max: 50_000,
      requiredMessage: 'Describe what happened and what the concern is',
    }) ?? '';
  const places = readPlaces(check, raw);
  check.throwIfAny();
  return {
    sourceKind,
    sourceAgencyId,
    sourceName,
    sourceContactDetails,
    anonymous,
    occurredOn,
    occurredTime,
    location,
    categories: categories as Category[],
    narrative,
    places,
  };
}

function readPlaces(check: Checker, raw: Record<string, unknown>): PlaceInput[] {
  // JSON: places: [{description, kind, postcode}]; form: placesText, one place per line.
  const list: Record<string, unknown>[] = Array.isArray(raw.places)
    ? (raw.places as Record<string, unknown>[])
    : String(raw.placesText ?? '')
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter(Boolean)
        .map((line) => {
          // A postcode at the end of a line is taken as the place's postcode.
          const match = /([A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2})$/i.exec(line);
          return { description: line, kind: 'other', postcode: match ? match[1] : null };
        });
  if (list.length > 20) check.add('places', 'Enter 20 places or fewer');
  return list.slice(0, 20).map((p, i) => {
    const description =
      check.text(p.description, `places.${i}.description`, { label: 'Place', required: true, max: 300 }) ??
      '';
    const kind =
      check.oneOf(p.kind ?? 'other', `places.${i}.kind`, PLACE_KINDS, { label: 'Kind of place' }) ?? 'other';
    const rawPostcode = check.text(p.postcode, `places.${i}.postcode`, { label: 'Postcode', max: 10 });
    const postcode = rawPostcode ? (normalisePostcode(rawPostcode) ?? null) : null;
    if (rawPostcode && !postcode)
      check.add(`places.${i}.postcode`, 'Enter a real postcode for the place, like BD7 1AB');
    return { description, kind, postcode };
  });
}

export interface DecisionInput {
  outcome: Outcome;
  urgency: Urgency;
  rationale: string;
}

export function readDecisionInput(raw: Record<string, unknown>): DecisionInput {
  const check = new Checker();
  const outcome = check.oneOf(raw.outcome, 'outcome', OUTCOMES, {
    label: 'Decision',
    required: true,
    requiredMessage: 'Select the decision',
  });
  const urgency = check.oneOf(raw.urgency, 'urgency', URGENCIES, {
    label: 'Urgency',
    required: true,
    requiredMessage: 'Select how urgent it is',
  });
  const rationale = check.text(raw.rationale, 'rationale', {
    label: 'Rationale',
    required: true,
    max: 20_000,
    requiredMessage: 'Explain the reasons for the decision',
  });
  check.throwIfAny();
  return { outcome: outcome as Outcome, urgency: urgency as Urgency, rationale: rationale as string };
}

/**
 * Every domain event and what it carries. Kept in the platform, not in the module that publishes
 * it, so a subscriber never imports a module above it (dependency direction: platform → core →
 * workflow modules). Payloads are plain data: ids, codes and dates, never a service's records.
 */
export interface DomainEvents {
  'contact.submitted': {
    contactId: string;
    reference: string;
    categories: string[];
    people: { personId: string; part: string }[];
    receivedAt: Date;
  };
  'contact.decided': { contactId: string; outcome: string; urgency: string; needsSignoff: boolean };
  'assessment.completed': { assessmentId: string; personId: string; level: string; flagTypes: string[] };
  'flag.set': { personId: string; flagType: string; from: string | null; to: string };
  'flag.ended': { personId: string; flagType: string; was: string };
  'person.created': { personId: string };
  'person.merged': { mergeId: string; survivorId: string; absorbedId: string };
  'person.unmerged': { mergeId: string; survivorId: string; absorbedId: string };
  'placement.started': {
    placementId: string;
    personId: string;
    kind: string;
    outOfArea: boolean;
    move: boolean;
  };
  'education.recorded': { educationEventId: string; personId: string; kind: string };
  'missing.reported': { episodeId: string; personId: string; riskGrading: string; reportedBy: string };
  'missing.regraded': { episodeId: string; personId: string; from: string; to: string };
  'missing.returned': { episodeId: string; personId: string; returnedAt: Date };
  'return_interview.recorded': {
    interviewId: string;
    episodeId: string;
    personId: string;
    outcome: string;
    indicators: string[];
  };
}

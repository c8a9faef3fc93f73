import type { CaseRecord } from './types.js';

/** A likely duplicate of a new report, with why it was suggested. */
export interface DuplicateSuggestion {
  caseId: string;
  title: string | undefined;
  state: string;
  /** Metres between the two locations, when both have one. */
  distanceMeters: number | null;
  /** Hours between the existing case's creation and the new report. */
  ageHours: number;
  /** 0–1: closer and newer is higher. */
  score: number;
}

export interface DuplicateCriteria {
  category: string;
  location?: { lng: number; lat: number };
  at: number;
  /** Default 300 m. */
  radiusMeters?: number;
  /** Default 7 days. */
  withinHours?: number;
}

const EARTH_RADIUS_M = 6_371_008.8;
const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance in metres between two WGS 84 points (haversine). */
export function distanceMeters(a: { lng: number; lat: number }, b: { lng: number; lat: number }): number {
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Picks, among candidate cases, those likely to be the same matter as a new report: same category, open,
 * recent, and nearby when locations are known. Best first.
 *
 * @example
 * // `signed`: a noise report filed at 09:00 on Monday 2 March 2026 and signed by the grid 30 minutes later
 * const near = { category: 'noise', location: { lng: 118.3005, lat: 33.9601 }, at: signed.record.createdAt + 3_600_000 };
 * suggestDuplicates([signed.record], near); // [{ title: '夜间施工噪声', distanceMeters: 47, ageHours: 1, … }]
 */
export function suggestDuplicates(
  candidates: readonly CaseRecord[],
  criteria: DuplicateCriteria,
): DuplicateSuggestion[] {
  const radius = criteria.radiusMeters ?? 300;
  const window = criteria.withinHours ?? 7 * 24;
  const out: DuplicateSuggestion[] = [];
  for (const c of candidates) {
    if (!c.summary.open || c.summary.category !== criteria.category) continue;
    const ageHours = (criteria.at - c.createdAt) / 3_600_000;
    if (ageHours < 0 || ageHours > window) continue;
    const distance =
      criteria.location && c.summary.location ? distanceMeters(criteria.location, c.summary.location) : null;
    if (distance !== null && distance > radius) continue;
    if (distance === null && criteria.location) continue;
    const near = distance === null ? 0.5 : 1 - distance / radius;
    const recent = 1 - ageHours / window;
    out.push({
      caseId: c.id,
      title: c.summary.title,
      state: c.state,
      distanceMeters: distance === null ? null : Math.round(distance),
      ageHours: Math.round(ageHours * 10) / 10,
      score: Math.round((0.6 * near + 0.4 * recent) * 1000) / 1000,
    });
  }
  return out.sort((a, b) => b.score - a.score || a.caseId.localeCompare(b.caseId));
}

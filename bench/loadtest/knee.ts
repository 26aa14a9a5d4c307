/**
 * Where a rate sweep stops keeping up: the first stage that delivers less than 95% of what it offered,
 * or whose p99 latency is more than three times the previous stage's. Pure, for the report and its test.
 */
export interface StagePoint {
  offeredRate: number;
  achievedRate: number;
  p99Us: number;
}

export interface Knee {
  /** Index of the first stage past the knee. */
  stage: number;
  offeredRate: number;
  reason: string;
}

export const minAchievedFraction = 0.95;
export const maxP99Jump = 3;

export function findKnee(stages: StagePoint[]): Knee | null {
  for (let i = 0; i < stages.length; i++) {
    const s = stages[i];
    if (s.achievedRate < minAchievedFraction * s.offeredRate) {
      const pct = ((100 * s.achievedRate) / s.offeredRate).toFixed(1);
      return { stage: i, offeredRate: s.offeredRate, reason: `achieved ${Math.round(s.achievedRate)} msg/s, ${pct}% of offered` };
    }
    const previous = stages[i - 1];
    if (previous !== undefined && previous.p99Us > 0 && s.p99Us > maxP99Jump * previous.p99Us) {
      const jump = (s.p99Us / previous.p99Us).toFixed(1);
      return { stage: i, offeredRate: s.offeredRate, reason: `p99 ${jump}× the previous stage's` };
    }
  }
  return null;
}

/**
 * Whether the load generator, rather than the server, may have set a run's pace: then deliveries/s is a
 * lower bound of the server's, and deliveries per server CPU-second the fairer figure.
 */

/** A shard whose event loop is busier than this may be the limit. */
export const saturatedElu = 0.9;

/**
 * On a CPU-bound box the generator is the limit when it burns at least this many times the server's CPU:
 * the server then waits for input. A server at its own limit (naive: 0.96 cores beside the generator's
 * 1.01; NATS: 1.13 beside 0.76) is not marked.
 */
export const generatorShareOfServer = 2;

export interface SaturationFigures {
  cores: number;
  generatorCores: number;
  /** 0 when the server's CPU was not sampled (no --server-pid). */
  serverCores: number;
  shardElus: readonly number[];
}

/** Why the run counts as generator-saturated; empty when it does not. */
export function saturationReasons({ cores, generatorCores, serverCores, shardElus }: SaturationFigures): string[] {
  const reasons = shardElus.flatMap((elu, shard) =>
    elu > saturatedElu ? [`shard ${shard} event loop ${(elu * 100).toFixed(0)} % busy`] : [],
  );
  if (generatorCores > saturatedElu * cores) reasons.push(`generator uses ${generatorCores.toFixed(2)} of ${cores} cores`);
  else if (generatorCores + serverCores > saturatedElu * cores && generatorCores >= generatorShareOfServer * serverCores) {
    reasons.push(
      `CPU-bound box, generator ${generatorCores.toFixed(2)} cores ≥ ${generatorShareOfServer}× the server's ${serverCores.toFixed(2)}`,
    );
  }
  return reasons;
}

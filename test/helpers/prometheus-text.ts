// Reading the Prometheus text exposition format in tests: every sample with its labels, and each
// family's declared type, so assertions name a series the way a PromQL selector would.
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  samples: Sample[];
  /** `# TYPE` of each family: counter, gauge, histogram, ... */
  types: Map<string, string>;
}

const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/;
const labelPair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parsePrometheusText(text: string): Exposition {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ')) continue;
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type !== null) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    const match = sampleLine.exec(line);
    if (match === null) throw new Error(`not a Prometheus sample line: ${JSON.stringify(line)}`);
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(labelPair)].map(([, key, value]) => [key!, value!]));
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return { samples, types };
}

/** The samples of `name` whose labels include `labels`. */
export function series(exposition: Exposition, name: string, labels: Record<string, string> = {}): Sample[] {
  return exposition.samples.filter(
    (sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
}

/** The one sample of `name` with exactly these labels; throws when there is none. */
export function sampleValue(exposition: Exposition, name: string, labels: Record<string, string> = {}): number {
  const found = series(exposition, name, labels).find((sample) => Object.keys(sample.labels).length === Object.keys(labels).length);
  if (found === undefined) throw new Error(`no sample ${name}${JSON.stringify(labels)}`);
  return found.value;
}

/** GETs `path` from a metrics endpoint. */
export async function fetchMetrics(address: { address: string; port: number }, path = '/metrics', method = 'GET'): Promise<Response> {
  return fetch(`http://${address.address}:${address.port}${path}`, { method });
}

/** Scrapes /metrics and parses it; fails on anything but 200. */
export async function scrape(address: { address: string; port: number }): Promise<Exposition> {
  const response = await fetchMetrics(address);
  const text = await response.text();
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}: ${text}`);
  return parsePrometheusText(text);
}

/** Scrapes until `condition` holds; the error names `what`. */
export async function scrapeUntil(
  address: { address: string; port: number },
  condition: (exposition: Exposition) => boolean,
  timeoutMs: number,
  what: string,
): Promise<Exposition> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const exposition = await scrape(address);
    if (condition(exposition)) return exposition;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

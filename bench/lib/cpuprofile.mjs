/**
 * Reads a V8 .cpuprofile (from `node --cpu-prof`) into two rankings: functions by self time,
 * and code areas (a dist/ file or an npm package) by inclusive time, which is what points at
 * a hot path.
 */
import { readFileSync } from 'node:fs';

/** Where a call frame's code lives: `dist/...`, a package name, `node:...`, or V8's own label. */
function areaOf(callFrame) {
  const url = callFrame.url;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1];
  const dist = /\/dist\/(.+)$/.exec(url);
  if (dist) return `dist/${dist[1]}`;
  if (url.startsWith('node:')) return url;
  return url || `(${callFrame.functionName || 'native'})`;
}

/**
 * @returns {{ totalMs: number, self: [string, number][], inclusive: [string, number][] }}
 *   shares in percent of all samples, largest first
 */
export function summariseCpuProfile(path) {
  const profile = JSON.parse(readFileSync(path, 'utf8'));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const timeByNode = new Map();
  profile.samples.forEach((id, i) => timeByNode.set(id, (timeByNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

  let total = 0;
  const self = new Map();
  const inclusive = new Map();
  for (const [id, micros] of timeByNode) {
    total += micros;
    const { callFrame } = nodes.get(id);
    const name = `${callFrame.functionName || '(anonymous)'} ${areaOf(callFrame)}:${callFrame.lineNumber + 1}`;
    self.set(name, (self.get(name) ?? 0) + micros);
    // Each area counts once per sample, however deep it recurses.
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const area = areaOf(nodes.get(at).callFrame);
      if (seen.has(area)) continue;
      seen.add(area);
      inclusive.set(area, (inclusive.get(area) ?? 0) + micros);
    }
  }
  const ranked = (map) => [...map].sort((a, b) => b[1] - a[1]).map(([key, micros]) => [key, (100 * micros) / total]);
  return { totalMs: total / 1000, self: ranked(self), inclusive: ranked(inclusive).filter(([area]) => area !== '((root))') };
}

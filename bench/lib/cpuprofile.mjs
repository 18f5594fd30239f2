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
 * @returns {{ totalMs: number, self: [string, number][], inclusive: [string, number][], inclusiveByFunction: [string, number][] }}
 *   shares in percent of all samples, largest first
 */
export function summariseCpuProfile(path, { lastSeconds } = {}) {
  const profile = JSON.parse(readFileSync(path, 'utf8'));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  // Only the samples of the last `lastSeconds` (the measured run), so start-up (module loading)
  // and the warm-up do not dilute the request path.
  const from = lastSeconds === undefined ? -Infinity : profile.endTime - lastSeconds * 1e6;
  const timeByNode = new Map();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at >= from) timeByNode.set(id, (timeByNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });

  let total = 0;
  const self = new Map();
  const inclusive = new Map();
  const inclusiveByFunction = new Map();
  for (const [id, micros] of timeByNode) {
    total += micros;
    const { callFrame } = nodes.get(id);
    const name = `${callFrame.functionName || '(anonymous)'} ${areaOf(callFrame)}:${callFrame.lineNumber + 1}`;
    self.set(name, (self.get(name) ?? 0) + micros);
    // Each area counts once per sample, however deep it recurses.
    const seenFunctions = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const frame = nodes.get(at).callFrame;
      const fn = `${frame.functionName || '(anonymous)'} ${areaOf(frame)}:${frame.lineNumber + 1}`;
      if (seenFunctions.has(fn)) continue;
      seenFunctions.add(fn);
      inclusiveByFunction.set(fn, (inclusiveByFunction.get(fn) ?? 0) + micros);
    }
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const area = areaOf(nodes.get(at).callFrame);
      if (seen.has(area)) continue;
      seen.add(area);
      inclusive.set(area, (inclusive.get(area) ?? 0) + micros);
    }
  }
  const ranked = (map) => [...map].sort((a, b) => b[1] - a[1]).map(([key, micros]) => [key, (100 * micros) / total]);
  return {
    totalMs: total / 1000,
    self: ranked(self),
    inclusive: ranked(inclusive).filter(([area]) => area !== '((root))'),
    inclusiveByFunction: ranked(inclusiveByFunction).filter(([name]) => !name.startsWith('(root)')),
  };
}

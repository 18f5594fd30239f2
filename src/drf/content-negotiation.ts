/**
 * DRF's content negotiation (`DefaultContentNegotiation`) over its two renderers, JSON then the
 * browsable API's HTML: the first `Accept` entry that either renderer can serve, by precedence
 * group (with parameters, exact type, `type/*`, `*\/*`; DRF ignores `q` within a group), JSON
 * first within a group. Nothing servable is DRF's 406. `application/json; indent=N` asks for
 * indented JSON (N clamped to 0..8, 0 meaning compact), as DRF's JSONRenderer does.
 */

export type Negotiated = { readonly renderer: 'json'; readonly indent: number } | { readonly renderer: 'html' } | undefined;

interface MediaRange {
  readonly type: string;
  readonly subtype: string;
  readonly params: ReadonlyMap<string, string>;
}

const RENDERERS = [
  { name: 'json', type: 'application', subtype: 'json' },
  { name: 'html', type: 'text', subtype: 'html' },
] as const;

/** The fast common cases: no header, `*\/*`, or plain `application/json`. */
const JSON_COMPACT: Negotiated = { renderer: 'json', indent: 0 };

function parseRange(text: string): MediaRange | undefined {
  const [mediaType = '', ...parameters] = text.split(';');
  const [type, subtype, extra] = mediaType.trim().toLowerCase().split('/');
  if (type === undefined || subtype === undefined || extra !== undefined || type === '' || subtype === '') return undefined;
  const params = new Map<string, string>();
  for (const parameter of parameters) {
    const at = parameter.indexOf('=');
    if (at > 0) params.set(parameter.slice(0, at).trim().toLowerCase(), parameter.slice(at + 1).trim());
  }
  return { type, subtype, params };
}

/** DRF's `_MediaType.precedence`, as a sort key (lower first). */
function precedence(range: MediaRange): number {
  if (range.type === '*') return 3;
  if (range.subtype === '*') return 2;
  for (const key of range.params.keys()) if (key !== 'q') return 0;
  return 1;
}

/** How DRF's JSONRenderer reads `indent`: an integer clamped to 0..8 (0: compact). */
function indentOf(range: MediaRange): number {
  const indent = Number.parseInt(range.params.get('indent') ?? '', 10);
  return Number.isNaN(indent) ? 0 : Math.max(0, Math.min(indent, 8));
}

export function negotiate(accept: string | undefined): Negotiated {
  if (accept === undefined || accept === '' || accept === '*/*' || accept === 'application/json') return JSON_COMPACT;
  const ranges = accept.split(',').flatMap((text) => parseRange(text) ?? []);
  if (ranges.length === 0) return JSON_COMPACT;
  for (let group = 0; group <= 3; group++) {
    const inGroup = ranges.filter((range) => precedence(range) === group);
    for (const renderer of RENDERERS) {
      const match = inGroup.find(
        (range) => range.type === '*' || (range.type === renderer.type && (range.subtype === '*' || range.subtype === renderer.subtype)),
      );
      if (match === undefined) continue;
      return renderer.name === 'json' ? { renderer: 'json', indent: indentOf(match) } : { renderer: 'html' };
    }
  }
  return undefined;
}

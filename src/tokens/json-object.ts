/**
 * JOSE headers and JWT claim sets are JSON objects whose member names must be unique
 * (RFC 7515 §5.2, RFC 7519 §4). `JSON.parse` keeps the last duplicate, so a verifier and a
 * downstream reader could see different values for one claim: refuse duplicates instead.
 */
export type JsonObject = Record<string, unknown>;

/** Parses a JSON object with unique top-level member names, or returns `undefined`. */
export function parseJsonObject(text: string): JsonObject | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return hasDuplicateTopLevelKey(text) ? undefined : (value as JsonObject);
}

/**
 * Scans already-valid JSON for a repeated member name in the outermost object. Names are
 * compared after unescaping, so `"a"` and `"\u0061"` are the same name.
 */
function hasDuplicateTopLevelKey(text: string): boolean {
  const seen = new Set<string>();
  let depth = 0;
  let expectKey = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === '"') {
      const end = endOfString(text, index);
      if (depth === 1 && expectKey) {
        const name = JSON.parse(text.slice(index, end + 1)) as string;
        if (seen.has(name)) return true;
        seen.add(name);
        expectKey = false;
      }
      index = end;
    } else if (char === '{' || char === '[') {
      depth++;
      expectKey = depth === 1 && char === '{';
    } else if (char === '}' || char === ']') {
      depth--;
    } else if (char === ',' && depth === 1) {
      expectKey = true;
    }
  }
  return false;
}

/** Index of the closing quote of the string literal opening at `start`. */
function endOfString(text: string, start: number): number {
  for (let index = start + 1; index < text.length; index++) {
    if (text[index] === '\\') index++;
    else if (text[index] === '"') return index;
  }
  return text.length;
}

/**
 * What a reader takes from a document to write an app: the complete app it marks with
 * ```` ```ts title="server.ts" ````, the packages its `npm install` lines name, the flags of its
 * `npx tsc ... server.ts` line, and the refusal it shows in its ```` ```http ```` block.
 */
import ts from 'typescript';

/** The fenced blocks of a Markdown text: their info string and their content. */
function fencedBlocks(markdown: string): { info: string; code: string }[] {
  const blocks: { info: string; code: string }[] = [];
  for (const match of markdown.matchAll(/^```([^\n]*)\n([\s\S]*?)^```[ \t]*$/gm)) blocks.push({ info: match[1]!.trim(), code: match[2]! });
  return blocks;
}

/** The one block marked as the complete app; throws when there is none or more than one. */
export function appSnippet(markdown: string, document: string): string {
  const marked = fencedBlocks(markdown).filter((block) => /^ts\s+title="server\.ts"$/.test(block.info));
  if (marked.length !== 1) throw new Error(`${document}: ${marked.length} blocks marked \`\`\`ts title="server.ts" (one expected)`);
  return marked[0]!.code;
}

/**
 * The packages the reader installs: the `npm install` commands of the "Install" section, or of
 * the app itself when the document has no such section (the README names them in a comment).
 */
export function installedPackages(markdown: string, document: string): string[] {
  const section = /^## Install\n([\s\S]*?)(?=^## )/m.exec(markdown)?.[1] ?? appSnippet(markdown, document);
  const packages = [...section.matchAll(/npm install ([^\n#&]*)/g)].flatMap((match) =>
    match[1]!.split(/\s+/).filter((word) => word !== '' && !word.startsWith('-')),
  );
  if (!packages.includes('tessera')) throw new Error(`${document}: no \`npm install tessera ...\` line`);
  return [...new Set(packages)];
}

/** The packages an app imports (bare specifiers, without `node:` built-ins or subpaths). */
export function importedPackages(app: string): string[] {
  const names = [...app.matchAll(/^import .* from '([^'.][^']*)';$/gm)].map((match) => {
    const parts = match[1]!.split('/');
    return match[1]!.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  });
  return [...new Set(names.filter((name) => !name.startsWith('node:')))];
}

/** The compiler flags of the document's `npx tsc <flags> server.ts` line. */
export function compilerFlags(markdown: string, document: string): string[] {
  const line = /npx tsc ((?:[^\s#&]+ +)*)server\.ts/.exec(markdown);
  if (line === null) throw new Error(`${document}: no \`npx tsc ... server.ts\` line`);
  return line[1]!.trim().split(/\s+/);
}

/** The answer the document shows for a request without a token: status, headers, body. */
export function documentedRefusal(markdown: string, document: string): { status: number; headers: Record<string, string>; body: string } {
  const block = fencedBlocks(markdown).find((candidate) => candidate.info === 'http');
  if (block === undefined) throw new Error(`${document}: no \`\`\`http block`);
  const [head = '', body = ''] = block.code.split(/\n\n/);
  const [statusLine = '', ...headerLines] = head.split('\n');
  const headers = Object.fromEntries(
    headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
  );
  return { status: Number(/^HTTP\/1\.1 (\d{3}) /.exec(statusLine)?.[1]), headers, body: body.trim() };
}

/**
 * What a reader should never need: type assertions (`x as T`, `<T>x`, but `as const` is fine),
 * non-null assertions (`x!`) and comments that silence the compiler. Each one found, as written.
 */
export function casts(code: string): string[] {
  const source = ts.createSourceFile('server.ts', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    const asConst = ts.isAsExpression(node) && ts.isTypeReferenceNode(node.type) && node.type.typeName.getText(source) === 'const';
    if ((ts.isAsExpression(node) && !asConst) || ts.isTypeAssertionExpression(node) || ts.isNonNullExpression(node))
      found.push(node.getText(source));
    ts.forEachChild(node, visit);
  };
  visit(source);
  for (const match of code.matchAll(/@ts-(?:ignore|expect-error|nocheck)/g)) found.push(match[0]);
  return found;
}

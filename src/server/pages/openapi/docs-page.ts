/**
 * `/api/docs/`: the OpenAPI document rendered as one readable page, on the server, from the
 * document itself (so the page can never disagree with `/api/schema/`). No script needed.
 */
import type { Json } from '../../../errors.js';
import { describe, operationAnchor } from '../browsable/endpoint-page.js';
import { html, type SafeHtml } from '../html.js';
import { renderPage } from '../layout.js';
import type { JsonObject } from './openapi-document.js';

function asObject(value: Json | undefined): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
}

function asString(value: Json | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function asArray(value: Json | undefined): Json[] {
  return Array.isArray(value) ? value : [];
}

/** Follows a local `$ref` (`#/components/...`) once. */
function resolve(document: JsonObject, value: Json | undefined): JsonObject | undefined {
  const object = asObject(value);
  const ref = asString(object?.$ref);
  if (ref === undefined || !ref.startsWith('#/')) return object;
  let target: Json | undefined = document;
  for (const key of ref.slice(2).split('/')) target = asObject(target)?.[key];
  return asObject(target);
}

/** A schema in a few words: `string, email, 1–150 characters`. */
function typeSummary(document: JsonObject, schemaValue: Json | undefined): string {
  const schema = resolve(document, schemaValue);
  if (schema === undefined) return 'any';
  const alternatives = asArray(schema.oneOf);
  if (alternatives.length > 0)
    return alternatives.map((alternative) => schemaName(alternative) ?? typeSummary(document, alternative)).join(' or ');
  const type = asString(schema.type) ?? 'any JSON';
  const parts = [type];
  const format = asString(schema.format);
  if (format !== undefined) parts.push(format);
  if (typeof schema.minLength === 'number' && typeof schema.maxLength === 'number')
    parts.push(`${schema.minLength}–${schema.maxLength} characters`);
  else if (typeof schema.minLength === 'number' && schema.minLength > 0) parts.push('not blank');
  if (type === 'object' && schema.maxProperties === 0) return 'empty object';
  return parts.join(', ');
}

function schemaName(value: Json | undefined): string | undefined {
  const ref = asString(asObject(value)?.$ref);
  return ref?.split('/').pop();
}

function propertiesTable(document: JsonObject, schemaValue: Json | undefined, caption: string): SafeHtml {
  const schema = resolve(document, schemaValue);
  const properties = asObject(schema?.properties);
  if (schema === undefined) return html``;
  if (properties === undefined || Object.keys(properties).length === 0) {
    const additional = asObject(schema.additionalProperties);
    if (additional !== undefined)
      return html`<p>An object: each key maps to ${typeSummary(document, additional)} of ${typeSummary(document, additional.items)}.</p>`;
    return html`<p>${typeSummary(document, schema)}.</p>`;
  }
  const required = new Set(asArray(schema.required).map(String));
  return html`<div class="table-wrap"><table>
<caption>${caption}</caption>
<thead><tr><th scope="col">Field</th><th scope="col">Type</th><th scope="col">Required</th><th scope="col">Notes</th></tr></thead>
<tbody>${Object.entries(properties).map(([name, property]) => {
    const details = asObject(property);
    return html`<tr><td class="mono">${name}</td><td>${typeSummary(document, property)}</td><td>${required.has(name) ? 'yes' : 'no'}</td><td>${asString(details?.description) ?? ''}</td></tr>`;
  })}</tbody>
</table></div>`;
}

function responsesTable(document: JsonObject, responses: JsonObject | undefined): SafeHtml {
  if (responses === undefined) return html``;
  return html`<div class="table-wrap"><table>
<caption>Responses</caption>
<thead><tr><th scope="col">Status</th><th scope="col">Meaning</th><th scope="col">Body</th></tr></thead>
<tbody>${Object.entries(responses).map(([status, value]) => {
    const response = resolve(document, value);
    const schema = asObject(asObject(asObject(response?.content)?.['application/json'])?.schema);
    const body = schema === undefined ? 'none' : (schemaName(schema) ?? typeSummary(document, schema));
    return html`<tr><td class="mono">${status}</td><td>${asString(response?.description) ?? ''}</td><td>${body}</td></tr>`;
  })}</tbody>
</table></div>`;
}

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly operation: JsonObject;
}

function operationsOf(document: JsonObject): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(asObject(document.paths) ?? {})) {
    for (const [method, operation] of Object.entries(asObject(item) ?? {})) {
      const found = asObject(operation);
      if (found !== undefined) operations.push({ method: method.toUpperCase(), path, operation: found });
    }
  }
  return operations;
}

function renderOperation(document: JsonObject, { method, path, operation }: Operation): SafeHtml {
  const anchor = operationAnchor(method, path);
  const secured = asArray(operation.security).length > 0;
  const body = resolve(document, operation.requestBody);
  const bodySchema = asObject(asObject(asObject(body?.content)?.['application/json'])?.schema);
  return html`<section class="op" id="${anchor}" aria-labelledby="${anchor}-title">
<h3 id="${anchor}-title"><span class="method ${method.toLowerCase()}">${method}</span> <code>${path}</code> <span>${asString(operation.summary) ?? ''}</span></h3>
${asString(operation.description) === undefined ? '' : describe(asString(operation.description) ?? '')}
<p>${secured ? html`<span class="badge lock">Needs an access token</span>` : html`<span class="badge no">No token needed</span>`}
 <a href="${path}">Try it in the browsable API</a></p>
${bodySchema === undefined ? (method === 'POST' ? html`<p>No request fields.</p>` : '') : html`${propertiesTable(document, bodySchema, 'Request fields (JSON, form or multipart body)')}`}
${responsesTable(document, asObject(operation.responses))}
</section>`;
}

function renderSchemas(document: JsonObject): SafeHtml {
  const schemas = asObject(asObject(document.components)?.schemas) ?? {};
  return html`${Object.entries(schemas).map(
    ([name, schema]) => html`<section class="op" id="schema-${name}" aria-labelledby="schema-${name}-title">
<h3 id="schema-${name}-title">${name}</h3>
${asString(asObject(schema)?.description) === undefined ? '' : describe(asString(asObject(schema)?.description) ?? '')}
${propertiesTable(document, schema, `Fields of ${name}`)}
</section>`,
  )}`;
}

/** The reference page for `document`. */
export function renderDocsPage(document: JsonObject): SafeHtml {
  const info = asObject(document.info) ?? {};
  const operations = operationsOf(document);
  const scheme = asObject(asObject(asObject(document.components)?.securitySchemes)?.jwtAuth);
  const sidebar = html`<nav class="sidebar" aria-labelledby="operations-heading">
<h2 id="operations-heading">Operations</h2>
<ul>${operations.map(
    (op) =>
      html`<li><a href="#${operationAnchor(op.method, op.path)}">${asString(op.operation.summary) ?? op.path} <span class="path">${op.method} ${op.path}</span></a></li>`,
  )}</ul>
<h2>Schemas</h2>
<ul>${Object.keys(asObject(asObject(document.components)?.schemas) ?? {}).map((name) => html`<li><a href="#schema-${name}">${name}</a></li>`)}</ul>
</nav>`;
  const main = html`<h1>${asString(info.title) ?? 'API'} reference</h1>
<p class="lede">Version ${asString(info.version) ?? ''} · OpenAPI ${asString(document.openapi) ?? ''} · <a href="/api/schema/">the document as JSON</a></p>
<div class="description">${describe(asString(info.description) ?? '')}</div>
<h2>Authentication</h2>
${describe(asString(scheme?.description) ?? 'Send the access token with each request to a protected operation.')}
<h2>Operations</h2>
${operations.map((operation) => renderOperation(document, operation))}
<h2>Schemas</h2>
${renderSchemas(document)}`;
  return renderPage({ title: 'API reference', section: 'docs', main, sidebar });
}

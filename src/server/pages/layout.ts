/**
 * The shell every page shares: language, title, the one stylesheet and script, a skip link,
 * and the landmarks (banner with the site navigation, main, optional navigation sidebar and
 * complementary aside, contentinfo), so keyboard and screen-reader users can move by region.
 */
import { html, type SafeHtml } from './html.js';
import { ASSET_URLS } from './static/assets.js';

/** The three areas of the site; the header marks the current one. */
export type Section = 'api' | 'docs' | 'admin';

export interface PageOptions {
  /** The page's own title; " · Tessera" is appended. */
  readonly title: string;
  readonly section: Section;
  /** The content of `<main>`. */
  readonly main: SafeHtml;
  /** A navigation landmark before `<main>` (the endpoint list). */
  readonly sidebar?: SafeHtml;
  /** A complementary landmark after `<main>` (the token panel). */
  readonly aside?: SafeHtml;
  /** Extra content at the end of the header (who is signed in to the console). */
  readonly headerEnd?: SafeHtml;
  /** What the frame links to. @default the bundled server's ({@link SERVER_FRAME}) */
  readonly frame?: PageFrame;
}

/**
 * What every page's frame links to: the stylesheet, script and icon, the brand link, and the
 * site's sections. The bundled server has all three sections at fixed paths; an app that mounts
 * some of the pages links to those it mounted, where it mounted them.
 */
export interface PageFrame {
  readonly assets: { readonly css: string; readonly js: string; readonly icon: string };
  readonly home: string;
  readonly sections: readonly { readonly section: Section; readonly href: string; readonly label: string }[];
}

/** The bundled server's frame. */
export const SERVER_FRAME: PageFrame = {
  assets: ASSET_URLS,
  home: '/',
  sections: [
    { section: 'api', href: '/', label: 'Browsable API' },
    { section: 'docs', href: '/api/docs/', label: 'API reference' },
    { section: 'admin', href: '/admin/', label: 'Admin console' },
  ],
};

/** The whole document (without the doctype, which `htmlResponse` adds). */
export function renderPage(options: PageOptions): SafeHtml {
  const frame = options.frame ?? SERVER_FRAME;
  const layout = ['page', options.sidebar ? 'with-sidebar' : '', options.aside ? 'with-aside' : ''].filter(Boolean).join(' ');
  return html`<html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="robots" content="noindex, nofollow" />
      <title>${options.title} · Tessera</title>
      <link rel="icon" href="${frame.assets.icon}" type="image/svg+xml" />
      <link rel="stylesheet" href="${frame.assets.css}" />
      <script src="${frame.assets.js}" defer></script>
    </head>
    <body>
      <a class="skip-link" href="#main">Skip to main content</a>
      <header class="site-header">
        <div class="bar">
          <a class="brand" href="${frame.home}">Tessera</a>
          <nav class="site-nav" aria-label="Site">
            <ul>
              ${frame.sections.map(
                (entry) =>
                  html`<li>
                    <a href="${entry.href}" ${entry.section === options.section ? html` aria-current="true"` : ''}>${entry.label}</a>
                  </li>`,
              )}
            </ul>
          </nav>
          ${options.headerEnd}
        </div>
      </header>
      <div class="${layout}">
        ${options.sidebar}
        <main id="main" tabindex="-1">${options.main}</main>
        ${options.aside}
      </div>
      <footer class="site-footer">
        <p>Tessera: JSON web token authentication, wire-compatible with djangorestframework-simplejwt.</p>
      </footer>
    </body>
  </html>`;
}

/**
 * The web UI's pages, each its own build entry (its own HTML and scripts): the resident's pages and the grid
 * worker's phone app load none of the staff app (no Ant Design shell, no ECharts), so a phone on a slow network gets
 * them quickly. Read by the build (one Vite input per entry) and by the server (which HTML answers which path), so
 * the two cannot disagree.
 */
export interface WebEntry {
  /** Build input name; the HTML file is `<name>.html` beside the staff app's `index.html`. */
  name: 'portal' | 'progress' | 'kiosk' | 'grid' | 'online';
  /** Paths this page answers (client routes included: `/progress/<token>`). */
  paths: RegExp;
}

export const WEB_ENTRIES: readonly WebEntry[] = [
  { name: 'portal', paths: /^\/portal\/?$/ },
  { name: 'progress', paths: /^\/progress(\/[^/]*)?\/?$/ },
  { name: 'kiosk', paths: /^\/kiosk\/[^/]+\/?$/ },
  { name: 'grid', paths: /^\/grid\/?$/ },
  // A party's phone (signing, joining a video session, documents delivered) and the mediator's video room.
  { name: 'online', paths: /^\/online\/(sign|deliver|join|host)\/[^?#]+$/ },
];

/** The HTML file that answers a page path: one of the light entries, else the staff app (which has its own 404 page). */
export function htmlForPath(pathname: string): string {
  return `${WEB_ENTRIES.find((e) => e.paths.test(pathname))?.name ?? 'index'}.html`;
}

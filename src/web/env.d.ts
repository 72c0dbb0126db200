/** The served fallback font's @font-face rules (scripts/web-build/rare-han-font.ts). */
declare module 'virtual:rare-han-font.css';
declare module '*.css';

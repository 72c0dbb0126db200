/**
 * Fonts that documents name (GB 18030-2022: every name must print). A DOCX run cannot list fallbacks, so characters
 * beyond the Basic Multilingual Plane (CJK Extension B and later, e.g. 𠈌) get a run of their own in SimSun-ExtB,
 * Windows' companion to SimSun; the rest stays in SimSun (which carries Extension A, e.g. 㐀). Print pages list the
 * same fonts first, then the Ext-B-capable fonts of macOS and Linux (UOS/Kylin).
 */
export const DOCX_FONT = 'SimSun';
export const DOCX_FONT_EXT_B = 'SimSun-ExtB';

/** The CSS font stack of print pages (人民调解协议书, 信访处理意见书). */
export const PRINT_FONT_STACK = `"SimSun", "SimSun-ExtB", "Songti SC", "STSong", "Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN", "Noto Sans CJK SC", "WenQuanYi Micro Hei", serif`;

/** Splits text into runs of BMP characters and of characters beyond it (surrogate pairs), in order. */
export function splitBeyondBmp(text: string): { text: string; isBeyondBmp: boolean }[] {
  const parts: { text: string; isBeyondBmp: boolean }[] = [];
  for (const ch of text) {
    const isBeyondBmp = ch.codePointAt(0)! > 0xffff;
    const last = parts[parts.length - 1];
    if (last && last.isBeyondBmp === isBeyondBmp) last.text += ch;
    else parts.push({ text: ch, isBeyondBmp });
  }
  return parts;
}

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { enUS } from '../../shared/locales/en-US.js';
import { zhCN, type MessageKey } from '../../shared/locales/zh-CN.js';

export type Lang = 'zh-CN' | 'en-US';
const DICTS: Record<Lang, Record<MessageKey, string>> = { 'zh-CN': zhCN, 'en-US': enUS };
const STORAGE_KEY = 'fq.lang';

interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  /** The message for `key`, with `{name}` placeholders filled. */
  t(key: MessageKey, vars?: Record<string, string | number>): string;
  /** The label of an enum value, e.g. `label('status', 'accepted')` → 已受理. */
  label(group: string, value: string): string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(() => (localStorage.getItem(STORAGE_KEY) === 'en-US' ? 'en-US' : 'zh-CN'));
  const setLang = useCallback((l: Lang) => {
    localStorage.setItem(STORAGE_KEY, l);
    setLangState(l);
  }, []);
  // The page's language as the reader chose it, from the first render on (the HTML files say zh-CN): screen readers
  // pronounce by it (WCAG 3.1.1), and the English test tells labels from data by it.
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const value = useMemo<I18n>(() => {
    const dict = DICTS[lang];
    const t = (key: MessageKey, vars?: Record<string, string | number>) =>
      (dict[key] ?? key).replace(/\{(\w+)\}/g, (_, k: string) => String(vars?.[k] ?? ''));
    return { lang, setLang, t, label: (group, v) => (dict as Record<string, string>)[`${group}.${v}`] ?? v };
  }, [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}

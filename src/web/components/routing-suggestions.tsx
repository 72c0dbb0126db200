import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Space, Tag, Typography } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { CaseKind, Category } from '../../shared/enums.js';
import type { RoutingSuggestBody } from '../../shared/schemas/learning.js';
import { useI18n } from '../app/i18n.js';
import { recordRoutingFeedback, suggestRouting } from './service.js';

/** The value once typing has paused for `ms`: the model is asked then, not on every key press. */
function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export interface AcceptedRouting {
  kind?: CaseKind;
  category?: Category;
  unitId?: string;
}

/**
 * Counts whether staff took a suggestion they were shown (the accepted share on the model page): `accept` when the
 * button is pressed, `finish` when the form is sent — a suggestion shown and passed over counts as not accepted.
 */
export function useRoutingFeedback(context: 'reception' | 'dispatch') {
  const state = useRef<{ version: number | null; isAccepted: boolean }>({ version: null, isAccepted: false });
  const send = (accepted: boolean) => {
    const version = state.current.version;
    if (version === null) return;
    void recordRoutingFeedback({ context, modelVersion: version, accepted }).catch(() => undefined);
  };
  return useMemo(
    () => ({
      shown(version: number | null) {
        if (version !== null && state.current.version === null) state.current = { version, isAccepted: false };
      },
      accept() {
        if (!state.current.isAccepted) send(true);
        state.current.isAccepted = true;
      },
      finish() {
        if (!state.current.isAccepted) send(false);
        state.current = { version: null, isAccepted: false };
      },
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `send` reads only the ref and the fixed context
    [context],
  );
}

const percent = (c: number) => `${Math.round(c * 100)}%`;

/**
 * 智能分流建议: the top three kinds, categories and lead units the district's own cases suggest for what has been typed,
 * with their confidence and the words that decided it (`POST /api/routing/suggest`, which saves nothing). Accepting
 * fills the form's fields; `show` picks which suggestions the place needs (the dispatch dialog only sets the unit).
 */
export function RoutingSuggestions(props: {
  summary?: string;
  narrative?: string;
  show: ('kind' | 'category' | 'unit')[];
  feedback: ReturnType<typeof useRoutingFeedback>;
  onAccept(values: AcceptedRouting): void;
}) {
  const { t, label } = useI18n();
  const settled = useSettled(JSON.stringify({ summary: props.summary ?? '', narrative: props.narrative ?? '' }), 500);
  const hasText = !!(props.summary?.trim() || props.narrative?.trim());
  const [acceptedFor, setAcceptedFor] = useState<string>();
  const suggestion = useQuery({
    queryKey: ['routing-suggest', settled],
    queryFn: () => suggestRouting(JSON.parse(settled) as RoutingSuggestBody),
    enabled: hasText,
    staleTime: 60_000,
    placeholderData: (previous) => previous,
  });
  const s = suggestion.data;
  const hasGuess = !!s && s.ready && s.category.length > 0;
  useEffect(() => {
    if (hasGuess) props.feedback.shown(s.modelVersion);
  }, [hasGuess, s?.modelVersion, props.feedback]);

  const handleAccept = () => {
    if (!s) return;
    props.onAccept({
      ...(props.show.includes('kind') && s.kind[0] ? { kind: s.kind[0].value } : {}),
      ...(props.show.includes('category') && s.category[0] ? { category: s.category[0].value } : {}),
      ...(props.show.includes('unit') && s.unit[0] ? { unitId: s.unit[0].id } : {}),
    });
    props.feedback.accept();
    setAcceptedFor(settled);
  };

  const row = (name: 'kind' | 'category' | 'unit', items: { key: string; text: string; confidence: number }[]) =>
    props.show.includes(name) && items.length > 0 ? (
      <div data-testid={`routing-${name}`}>
        <Typography.Text type="secondary">{t(`routing.${name}`)}：</Typography.Text>
        {items.map((item, i) => (
          <Tag key={item.key} color={i === 0 ? 'blue' : undefined} data-testid={`routing-${name}-${i}`}>
            {item.text} {percent(item.confidence)}
          </Tag>
        ))}
      </div>
    ) : null;

  return (
    <Card size="small" title={t('routing.title')} style={{ marginTop: 16 }} data-testid="routing-panel">
      {!hasText && <Typography.Text type="secondary">{t('routing.hint')}</Typography.Text>}
      {hasText && suggestion.isError && <Alert type="error" title={(suggestion.error as Error).message} />}
      {hasText && suggestion.isLoading && <Typography.Text type="secondary">…</Typography.Text>}
      {hasText && s && !hasGuess && (
        <Typography.Text type="secondary" data-testid="routing-reason">
          {s.reason ?? t('routing.notReady')}
        </Typography.Text>
      )}
      {hasText && s && hasGuess && (
        <Space direction="vertical" size={4} style={{ width: '100%' }}>
          {row(
            'kind',
            s.kind.map((k) => ({ key: k.value, text: label('kind', k.value), confidence: k.confidence })),
          )}
          {row(
            'category',
            s.category.map((c) => ({ key: c.value, text: label('category', c.value), confidence: c.confidence })),
          )}
          {row(
            'unit',
            s.unit.map((u) => ({ key: u.id, text: u.name, confidence: u.confidence })),
          )}
          {s.words.length > 0 && (
            <div data-testid="routing-words">
              <Typography.Text type="secondary">{t('routing.words')}：</Typography.Text>
              {s.words.map((w) => (
                <Tag key={w} color="gold">
                  {w}
                </Tag>
              ))}
            </div>
          )}
          <Space>
            <Button
              size="small"
              type="primary"
              ghost
              onClick={handleAccept}
              disabled={acceptedFor === settled}
              data-testid="routing-accept"
            >
              {acceptedFor === settled ? t('routing.accepted') : t('routing.accept')}
            </Button>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('routing.model', { version: s.modelVersion ?? '' })}
            </Typography.Text>
          </Space>
        </Space>
      )}
    </Card>
  );
}

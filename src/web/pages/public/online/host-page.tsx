import { useEffect, useState } from 'react';
import { api } from '../../../app/api.js';
import { useI18n } from '../../../app/i18n.js';
import { Button, LightPage, Notice } from '../../../light/ui.js';
import { useAction } from '../../../light/use-async.js';
import { openMedia } from './media.js';
import { Room } from './room.js';

interface Started {
  participantId: string;
  participantToken: string;
  links: { name: string; sent: boolean }[];
}

/**
 * The mediator's video room (`/online/host/<case>/<session>`, signed in to the platform): opens the session
 * (startOnlineSession: the parties get their links the first time), the camera, then the room.
 */
export function HostPage({ caseId, sessionId }: { caseId: string; sessionId: string }) {
  const { t } = useI18n();
  const [media, setMedia] = useState<{ stream: MediaStream; audioOnly: boolean } | null>(null);
  const [ended, setEnded] = useState(false);
  const start = useAction(() => api<Started>(`/api/cases/${caseId}/sessions/${sessionId}/online`, { method: 'POST', json: {} }));
  const end = useAction(() => api(`/api/cases/${caseId}/sessions/${sessionId}/online/end`, { method: 'POST' }));
  const [mediaError, setMediaError] = useState<string | null>(null);
  useEffect(() => {
    void (async () => {
      const r = await start.run();
      if (!r.ok) return;
      try {
        setMedia(await openMedia());
      } catch {
        setMediaError(t('online.noMedia'));
      }
    })();
    // Once, when the page opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  useEffect(() => () => media?.stream.getTracks().forEach((track) => track.stop()), [media]);
  const handleEnd = async () => {
    const r = await end.run();
    if (r.ok) setEnded(true);
  };
  const sent = start.data?.links.filter((l) => l.sent).map((l) => l.name) ?? [];
  const unsent = start.data?.links.filter((l) => !l.sent).map((l) => l.name) ?? [];
  return (
    <LightPage title={t('online.hostTitle')} wide>
      {start.error && (
        <Notice kind="error">
          {start.error.message} <a href="/login">{t('login.title')}</a>
        </Notice>
      )}
      {sent.length > 0 && <Notice kind="success">{t('online.linksSent', { names: sent.join('、') })}</Notice>}
      {unsent.length > 0 && <Notice kind="warning">{t('online.linksUnsent', { names: unsent.join('、') })}</Notice>}
      {mediaError && <Notice kind="error">{mediaError}</Notice>}
      {media?.audioOnly && <Notice kind="warning">{t('online.audioOnly')}</Notice>}
      {ended ? (
        <Notice kind="success" data-testid="session-ended">
          {t('online.ended')}
        </Notice>
      ) : (
        start.data &&
        media && (
          <Room sessionId={sessionId} token={start.data.participantToken} local={media.stream} isHost onLeave={() => void handleEnd()} />
        )
      )}
      {!start.data && !start.error && <p className="fq-muted">{t('common.loading')}</p>}
      {end.error && <Notice kind="error">{end.error.message}</Notice>}
      <Button size="small" onClick={() => window.close()}>
        {t('online.closeTab')}
      </Button>
    </LightPage>
  );
}

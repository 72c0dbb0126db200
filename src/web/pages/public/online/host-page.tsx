import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../../../app/i18n.js';
import { Button, LightPage, Notice } from '../../../light/ui.js';
import { useAction } from '../../../light/use-async.js';
import { InvitePanel } from './invite-dialog.js';
import { openMedia } from './media.js';
import { SessionRecorder } from './recorder.js';
import { Room, type RoomHandle } from './room.js';
import { endOnlineSession, startOnlineSession } from './service.js';

/**
 * The mediator's video room (`/online/host/<case>/<session>`, signed in to the platform): opens the session
 * (startOnlineSession: the parties get their links the first time), the camera, then the room.
 */
export function HostPage({ caseId, sessionId }: { caseId: string; sessionId: string }) {
  const { t } = useI18n();
  const [media, setMedia] = useState<{ stream: MediaStream; audioOnly: boolean } | null>(null);
  const [ended, setEnded] = useState(false);
  const start = useAction(() => startOnlineSession(caseId, sessionId, {}));
  const end = useAction(() => endOnlineSession(caseId, sessionId));
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
  const recorder = useRef<SessionRecorder | null>(null);
  const [recording, setRecording] = useState<{ state: 'idle' | 'recording' | 'saving' | 'saved' | 'error'; message?: string }>({
    state: 'idle',
  });
  const base = `/api/cases/${caseId}/sessions/${sessionId}`;
  const startRecording = async () => {
    const r = new SessionRecorder(
      base,
      () => [...document.querySelectorAll<HTMLVideoElement>('[data-testid="local-video"], [data-testid="remote-video"]')],
      (err) => setRecording({ state: 'error', message: err.message }),
    );
    try {
      await r.start();
      recorder.current = r;
      setRecording({ state: 'recording' });
    } catch (err) {
      setRecording({ state: 'error', message: (err as Error).message });
    }
  };
  const stopRecording = async () => {
    const r = recorder.current;
    if (!r) return;
    recorder.current = null;
    setRecording({ state: 'saving' });
    try {
      await r.stop();
      setRecording({ state: 'saved' });
    } catch (err) {
      setRecording({ state: 'error', message: (err as Error).message });
    }
  };
  /** The recording: only when everyone in the room said yes (the server checks it too). */
  const recordingTools = (room: RoomHandle) => {
    const refused = room.participants.filter((p) => !p.recordingConsent);
    return (
      <div data-testid="recording" data-state={recording.state}>
        <h3>{t('online.recordingTitle')}</h3>
        {refused.length > 0 && (
          <Notice kind="warning">{t('online.recordingRefused', { names: refused.map((p) => p.name).join('、') })}</Notice>
        )}
        {recording.state === 'recording' ? (
          <Button onClick={() => void stopRecording()}>{t('online.recordStop')}</Button>
        ) : (
          <Button
            kind="primary"
            disabled={refused.length > 0 || recording.state === 'saving'}
            busy={recording.state === 'saving'}
            onClick={() => void startRecording()}
          >
            {t('online.recordStart')}
          </Button>
        )}
        {recording.state === 'recording' && <p role="status">{t('online.recordingOn')}</p>}
        {recording.state === 'saved' && <Notice kind="success">{t('online.recordingSaved')}</Notice>}
        {recording.state === 'error' && <Notice kind="error">{recording.message}</Notice>}
      </div>
    );
  };
  const handleEnd = async () => {
    await stopRecording();
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
          <Room
            sessionId={sessionId}
            token={start.data.participantToken}
            local={media.stream}
            isHost
            onLeave={() => void handleEnd()}
            hostTools={recordingTools}
          />
        )
      )}
      {start.data && !ended && <InvitePanel caseId={caseId} sessionId={sessionId} />}
      {!start.data && !start.error && <p className="fq-muted">{t('common.loading')}</p>}
      {end.error && <Notice kind="error">{end.error.message}</Notice>}
      <Button size="small" onClick={() => window.close()}>
        {t('online.closeTab')}
      </Button>
    </LightPage>
  );
}

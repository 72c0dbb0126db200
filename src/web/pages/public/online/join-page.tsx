import { useState } from 'react';
import { useI18n } from '../../../app/i18n.js';
import { shanghaiDateTime } from '../../../light/format.js';
import { Choices, LightPage, Notice } from '../../../light/ui.js';
import { CodeStep } from './code-step.js';
import { openMedia } from './media.js';
import { Room } from './room.js';
import { joinOnlineSession, type LinkInfo } from './service.js';

interface Joined {
  participantToken: string;
  expiresAt: string;
}

const KEY = (sessionId: string) => `fq.online.${sessionId}`;
function keptToken(sessionId: string): Joined | null {
  try {
    const v = JSON.parse(sessionStorage.getItem(KEY(sessionId)) ?? 'null') as Joined | null;
    return v && new Date(v.expiresAt) > new Date() ? v : null;
  } catch {
    return null;
  }
}

/**
 * A party joins from the phone (`/online/join/<session>/<token>`): the rights notice (人民调解法 Art.4, 17, 23), the
 * recording question, the SMS code, then the waiting room until the mediator admits. A reload keeps the seat (the
 * participant token stays in this tab).
 */
export function JoinPage({ sessionId, token, info }: { sessionId: string; token: string; info: LinkInfo | null }) {
  const { t } = useI18n();
  const [joined, setJoined] = useState<Joined | null>(() => keptToken(sessionId));
  const [media, setMedia] = useState<{ stream: MediaStream; audioOnly: boolean } | null>(null);
  const [rights, setRights] = useState(false);
  const [recording, setRecording] = useState<'yes' | 'no' | undefined>();
  const [left, setLeft] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const enter = async (verificationId: string, code: string) => {
    if (!rights || !recording) {
      setProblem(t('online.answerFirst'));
      throw new Error(t('online.answerFirst'));
    }
    const j = await joinOnlineSession(sessionId, {
      link: token,
      verificationId,
      code,
      rightsAccepted: true,
      recordingConsent: recording === 'yes',
    });
    sessionStorage.setItem(KEY(sessionId), JSON.stringify(j));
    setJoined(j);
  };
  const start = async () => {
    try {
      setMedia(await openMedia());
    } catch {
      setProblem(t('online.noMedia'));
    }
  };
  if (joined && !media && !problem && !left) void start();
  const leave = () => {
    media?.stream.getTracks().forEach((track) => track.stop());
    sessionStorage.removeItem(KEY(sessionId));
    setLeft(true);
  };
  return (
    <LightPage title={t('online.joinTitle')}>
      {left ? (
        <Notice kind="info">{t('online.left')}</Notice>
      ) : joined && media ? (
        <>
          {media.audioOnly && <Notice kind="warning">{t('online.audioOnly')}</Notice>}
          <Room sessionId={sessionId} token={joined.participantToken} local={media.stream} isHost={false} onLeave={leave} />
        </>
      ) : joined ? (
        problem ? (
          <Notice kind="error">{problem}</Notice>
        ) : (
          <p className="fq-muted">{t('common.loading')}</p>
        )
      ) : !info ? (
        <Notice kind="warning">{t('online.invalid')}</Notice>
      ) : (
        <CodeStep token={token} info={info} submitLabel={t('online.enter')} onCode={enter}>
          {info.session && <p>{t('online.when', { time: shanghaiDateTime(info.session.scheduledAt) })}</p>}
          <section aria-labelledby="rights-title" className="fq-notice fq-notice--info">
            <h2 id="rights-title" style={{ marginTop: 0 }}>
              {t('online.rightsTitle')}
            </h2>
            <ul style={{ paddingLeft: 20, margin: 0 }}>
              <li>{t('online.rights.free')}</li>
              <li>{t('online.rights.refuse')}</li>
              <li>{t('online.rights.mediator')}</li>
              <li>{t(info.session?.isPublic ? 'online.rights.public' : 'online.rights.private')}</li>
            </ul>
          </section>
          <label className="fq-choice" style={{ display: 'flex', gap: 8, margin: '12px 0' }}>
            <input type="checkbox" checked={rights} onChange={(e) => setRights(e.target.checked)} data-testid="rights-accepted" />
            {t('online.rightsAccept')}
          </label>
          <Choices
            legend={t('online.recordingQuestion')}
            name="recording"
            value={recording}
            onChange={setRecording}
            options={[
              { value: 'yes', label: t('online.recordingYes') },
              { value: 'no', label: t('online.recordingNo') },
            ]}
          />
          {problem && <Notice kind="warning">{problem}</Notice>}
        </CodeStep>
      )}
    </LightPage>
  );
}

import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useI18n } from '../../../app/i18n.js';
import { Button, Notice } from '../../../light/ui.js';
import { RoomConnection, type Participant } from './room-connection.js';

/** A video tile: the stream playing, muted when it is this browser's own. */
function Tile({ stream, name, self, testId, note }: { stream: MediaStream; name: string; self?: boolean; testId: string; note?: string }) {
  const video = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (video.current && video.current.srcObject !== stream) video.current.srcObject = stream;
  }, [stream]);
  return (
    <figure style={{ margin: 0, position: 'relative', background: '#111', borderRadius: 8, overflow: 'hidden' }}>
      <video
        ref={video}
        autoPlay
        playsInline
        muted={self}
        data-testid={testId}
        style={{ width: '100%', aspectRatio: '4 / 3', objectFit: 'cover', display: 'block' }}
      />
      <figcaption style={{ position: 'absolute', left: 8, bottom: 6, color: '#fff', fontSize: 14, textShadow: '0 0 3px #000' }}>
        {name}
        {note ? ` · ${note}` : ''}
      </figcaption>
    </figure>
  );
}

export interface RoomHandle {
  connection: RoomConnection;
  participants: Participant[];
  remote: Map<string, MediaStream>;
}

/**
 * The video room, for the mediator (`isHost`: admit from the waiting room, mute, remove, end) and for a party (waits
 * until admitted). `hostTools` renders the mediator's extra controls (the recording) with the room's state.
 */
export function Room({
  sessionId,
  token,
  local,
  isHost,
  onLeave,
  hostTools,
}: {
  sessionId: string;
  token: string;
  local: MediaStream;
  isHost: boolean;
  onLeave: () => void;
  hostTools?: (room: RoomHandle) => ReactNode;
}) {
  const { t } = useI18n();
  const [participants, setParticipants] = useState<Participant[]>([]);
  const [self, setSelf] = useState<{ id: string; state: string } | null>(null);
  const [remote, setRemote] = useState<Map<string, MediaStream>>(new Map());
  const [audioOnlyPeers, setAudioOnlyPeers] = useState<Set<string>>(new Set());
  const [notice, setNotice] = useState<{ kind: 'info' | 'warning'; text: string } | null>(null);
  const [closed, setClosed] = useState<string | null>(null);
  const [micOn, setMicOn] = useState(true);
  const [connection, setConnection] = useState<RoomConnection | null>(null);

  useEffect(() => {
    const c = new RoomConnection(sessionId, token, local, {
      onSelf: setSelf,
      onParticipants: setParticipants,
      onAdmitted: () => setSelf((s) => (s ? { ...s, state: 'admitted' } : s)),
      onRemoteStream: (id, stream) =>
        setRemote((m) => {
          const next = new Map(m);
          if (stream) next.set(id, stream);
          else next.delete(id);
          return next;
        }),
      onPeerMedia: (id, audioOnly) => setAudioOnlyPeers((s) => new Set(audioOnly ? [...s, id] : [...s].filter((x) => x !== id))),
      onMuted: () => {
        setMicOn(false);
        setNotice({ kind: 'info', text: t('online.mutedByMediator') });
      },
      onAudioOnly: () => setNotice({ kind: 'warning', text: t('online.audioOnly') }),
      onClosed: (reason, code) => setClosed(`${t(`online.closed.${reason}`)}${reason === 'refused' ? `（${code}）` : ''}`),
    });
    setConnection(c);
    return () => c.close();
  }, [sessionId, token, local, t]);

  const toggleMic = () => {
    const on = !micOn;
    for (const track of local.getAudioTracks()) track.enabled = on;
    setMicOn(on);
  };
  const nameOf = (id: string) => participants.find((p) => p.id === id)?.name ?? '';
  if (closed)
    return (
      <Notice kind="warning" data-testid="room-closed">
        {closed}
      </Notice>
    );
  const waiting = participants.filter((p) => p.state === 'waiting');
  const isWaiting = self?.state === 'waiting';
  return (
    <div data-testid="room" data-state={self?.state ?? 'connecting'}>
      {isWaiting && (
        <Notice kind="info" data-testid="waiting-room">
          {t('online.waiting')}
        </Notice>
      )}
      {notice && <Notice kind={notice.kind}>{notice.text}</Notice>}
      <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(160px, 1fr))', gap: 8, margin: '12px 0' }}>
        <Tile stream={local} name={t('online.me')} self testId="local-video" />
        {[...remote].map(([id, stream]) => (
          <Tile
            key={id}
            stream={stream}
            name={nameOf(id)}
            testId="remote-video"
            note={audioOnlyPeers.has(id) ? t('online.peerAudioOnly') : undefined}
          />
        ))}
      </div>
      <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap' }}>
        <Button onClick={toggleMic} aria-pressed={!micOn}>
          {micOn ? t('online.muteMe') : t('online.unmuteMe')}
        </Button>
        <Button onClick={onLeave}>{isHost ? t('online.end') : t('online.leave')}</Button>
      </div>
      {isHost && (
        <section className="fq-card" aria-labelledby="people-title" style={{ marginTop: 12 }}>
          <h2 id="people-title">{t('online.people')}</h2>
          {waiting.length > 0 && <p data-testid="waiting-list">{t('online.waitingList', { n: waiting.length })}</p>}
          <ul style={{ listStyle: 'none', padding: 0 }}>
            {participants
              .filter((p) => p.id !== self?.id)
              .map((p) => (
                <li key={p.id} style={{ display: 'flex', gap: 8, alignItems: 'center', marginBottom: 6, flexWrap: 'wrap' }}>
                  <span>
                    {p.name}（{t(`online.state.${p.state}`)}
                    {p.recordingConsent ? '' : `，${t('online.noRecording')}`}）
                  </span>
                  {p.state === 'waiting' && (
                    <Button size="small" kind="primary" onClick={() => connection?.admit(p.id)} data-testid={`admit-${p.id}`}>
                      {t('online.admit')}
                    </Button>
                  )}
                  {p.state === 'admitted' && (
                    <Button size="small" onClick={() => connection?.mute(p.id)}>
                      {t('online.mute')}
                    </Button>
                  )}
                  <Button size="small" onClick={() => connection?.remove(p.id)}>
                    {t('online.remove')}
                  </Button>
                </li>
              ))}
          </ul>
          {connection && hostTools?.({ connection, participants, remote })}
        </section>
      )}
    </div>
  );
}

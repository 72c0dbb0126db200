/**
 * The browser's side of an online session (docs/ONLINE-MEDIATION.md): a WebSocket to the platform for signalling
 * only, and one RTCPeerConnection per other participant (a mesh of at most four) carrying audio and video peer to
 * peer. A participant newly admitted calls everyone already in the room; the others answer.
 */

export interface Participant {
  id: string;
  name: string;
  kind: 'mediator' | 'party';
  state: 'waiting' | 'admitted' | 'removed';
  recordingConsent: boolean;
}

export interface RoomEvents {
  onSelf(self: { id: string; state: string }): void;
  onParticipants(list: Participant[]): void;
  onAdmitted(): void;
  onRemoteStream(peerId: string, stream: MediaStream | null): void;
  onPeerMedia(peerId: string, audioOnly: boolean): void;
  onMuted(): void;
  onAudioOnly(): void;
  /** The room is over for this browser: `ended` by the mediator, `removed`, or `refused` (with the close code). */
  onClosed(reason: 'ended' | 'removed' | 'refused' | 'lost', code: number): void;
}

type Signal = { sdp?: RTCSessionDescriptionInit; candidate?: RTCIceCandidateInit };

/** Below this outgoing bandwidth (bits/s), twice in a row, video is dropped and the call goes on as audio only. */
const AUDIO_ONLY_BELOW = 120_000;

export class RoomConnection {
  private ws: WebSocket;
  private readonly peers = new Map<string, RTCPeerConnection>();
  private iceServers: RTCIceServer[] = [];
  private lowChecks = 0;
  private audioOnly = false;
  private readonly statsTimer: ReturnType<typeof setInterval>;
  private closedByUs = false;

  constructor(
    sessionId: string,
    token: string,
    private readonly local: MediaStream,
    private readonly events: RoomEvents,
  ) {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    this.ws = new WebSocket(
      `${scheme}://${location.host}/api/public/online/sessions/${sessionId}/signal?token=${encodeURIComponent(token)}`,
    );
    this.ws.onmessage = (e) => void this.handle(JSON.parse(String(e.data)));
    this.ws.onclose = (e) => {
      for (const id of [...this.peers.keys()]) this.drop(id);
      if (this.closedByUs) return;
      const reason = e.code === 4000 ? 'ended' : e.code === 4003 ? 'removed' : e.code >= 4400 ? 'refused' : 'lost';
      this.events.onClosed(reason, e.code);
    };
    this.statsTimer = setInterval(() => void this.watchBandwidth(), 5000);
  }

  private send(message: object) {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  admit(participantId: string) {
    this.send({ type: 'admit', participantId });
  }
  mute(participantId: string) {
    this.send({ type: 'mute', participantId });
  }
  remove(participantId: string) {
    this.send({ type: 'remove', participantId });
  }

  close() {
    this.closedByUs = true;
    clearInterval(this.statsTimer);
    for (const id of [...this.peers.keys()]) this.drop(id);
    this.ws.close(1000);
  }

  private peer(id: string): RTCPeerConnection {
    const existing = this.peers.get(id);
    if (existing) return existing;
    const pc = new RTCPeerConnection({ iceServers: this.iceServers });
    for (const track of this.local.getTracks()) pc.addTrack(track, this.local);
    pc.onicecandidate = (e) => {
      if (e.candidate) this.send({ type: 'signal', to: id, data: { candidate: e.candidate.toJSON() } });
    };
    pc.ontrack = (e) => this.events.onRemoteStream(id, e.streams[0] ?? new MediaStream([e.track]));
    this.peers.set(id, pc);
    return pc;
  }

  private drop(id: string) {
    this.peers.get(id)?.close();
    this.peers.delete(id);
    this.events.onRemoteStream(id, null);
  }

  private async call(id: string) {
    const pc = this.peer(id);
    await pc.setLocalDescription(await pc.createOffer());
    this.send({ type: 'signal', to: id, data: { sdp: pc.localDescription!.toJSON() } });
  }

  private async handle(m: { type: string; [k: string]: unknown }) {
    switch (m.type) {
      case 'welcome':
        this.iceServers = (m.iceServers as RTCIceServer[]) ?? [];
        this.events.onSelf(m.self as { id: string; state: string });
        this.events.onParticipants(m.participants as Participant[]);
        return;
      case 'participants':
        return this.events.onParticipants(m.participants as Participant[]);
      case 'admitted':
        return this.events.onAdmitted();
      case 'peers':
        for (const id of m.ids as string[]) await this.call(id);
        return;
      case 'signal':
        return this.signal(m.from as string, m.data as Signal);
      case 'peer-left':
        return this.drop(m.id as string);
      case 'media':
        return this.events.onPeerMedia(m.from as string, !!m.audioOnly);
      case 'mute':
        for (const t of this.local.getAudioTracks()) t.enabled = false;
        return this.events.onMuted();
      default:
        return;
    }
  }

  private async signal(from: string, data: Signal) {
    const pc = this.peer(from);
    if (data.sdp) {
      await pc.setRemoteDescription(data.sdp);
      if (data.sdp.type === 'offer') {
        await pc.setLocalDescription(await pc.createAnswer());
        this.send({ type: 'signal', to: from, data: { sdp: pc.localDescription!.toJSON() } });
      }
    } else if (data.candidate) {
      await pc.addIceCandidate(data.candidate).catch(() => undefined);
    }
  }

  /** A poor connection drops to audio only, and says so (to this page and to the others). */
  private async watchBandwidth() {
    if (this.audioOnly || this.peers.size === 0) return;
    let lowest = Infinity;
    for (const pc of this.peers.values()) {
      const stats = await pc.getStats();
      stats.forEach((s: { type: string; nominated?: boolean; availableOutgoingBitrate?: number }) => {
        if (s.type === 'candidate-pair' && s.nominated && typeof s.availableOutgoingBitrate === 'number')
          lowest = Math.min(lowest, s.availableOutgoingBitrate);
      });
    }
    this.lowChecks = lowest < AUDIO_ONLY_BELOW ? this.lowChecks + 1 : 0;
    if (this.lowChecks < 2) return;
    this.audioOnly = true;
    for (const t of this.local.getVideoTracks()) t.enabled = false;
    this.send({ type: 'media', audioOnly: true });
    this.events.onAudioOnly();
  }
}

import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket } from 'ws';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { iceServersFor, MAX_PARTICIPANTS, participantOfToken, recordPresence, type ParticipantRow } from './online-sessions.js';

/**
 * WebRTC signalling of the online sessions (docs/ONLINE-MEDIATION.md): offers, answers and ICE candidates between the
 * participants of one session, over a WebSocket that answers only to a participant token of that session. No media
 * passes here — the browsers connect to each other (or through TURN).
 *
 * Close codes: 4401 not a participant (unknown or expired token), 4403 a participant of another session or removed,
 * 4409 the room is full, 4410 the session has ended, 4001 the same participant connected again elsewhere, 4000 the
 * mediator ended the session, 4400 a malformed message.
 *
 * One instance holds a session's room: behind a load balancer, route `/api/online/sessions/<id>/signal` by session id
 * (sticky), as docs/ONLINE-MEDIATION.md says.
 */
export const CLOSE = { ended: 4000, replaced: 4001, malformed: 4400, notParticipant: 4401, otherSession: 4403, full: 4409, gone: 4410 };
const MAX_MESSAGE_BYTES = 64 * 1024;

interface Peer {
  participant: ParticipantRow;
  socket: WebSocket;
}

type ClientMessage =
  | { type: 'signal'; to: string; data: unknown }
  | { type: 'admit' | 'mute' | 'remove'; participantId: string }
  | { type: 'media'; audioOnly: boolean }
  | { type: 'ping' };

export class SignallingHub {
  private readonly rooms = new Map<string, Map<string, Peer>>();

  constructor(
    private readonly db: Db,
    private readonly config: Config,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Open rooms and connected participants (the bench reads these). */
  get size() {
    let peers = 0;
    for (const room of this.rooms.values()) peers += room.size;
    return { rooms: this.rooms.size, peers };
  }

  private room(sessionId: string) {
    let room = this.rooms.get(sessionId);
    if (!room) this.rooms.set(sessionId, (room = new Map()));
    return room;
  }

  private send(socket: WebSocket, message: object) {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  }

  private roster(sessionId: string) {
    return [...(this.rooms.get(sessionId)?.values() ?? [])].map(({ participant: p }) => ({
      id: p.id,
      name: p.displayName,
      kind: p.kind,
      state: p.state,
      recordingConsent: p.recordingConsent,
    }));
  }

  private broadcast(sessionId: string, message: object, except?: string) {
    for (const [id, peer] of this.rooms.get(sessionId) ?? []) if (id !== except) this.send(peer.socket, message);
  }

  private announce(sessionId: string) {
    this.broadcast(sessionId, { type: 'participants', participants: this.roster(sessionId) });
  }

  /** Admitted peers of the room other than `id`: the ones a newly admitted participant calls. */
  private livePeers(sessionId: string, id: string) {
    return [...(this.rooms.get(sessionId)?.values() ?? [])]
      .filter((p) => p.participant.id !== id && p.participant.state === 'admitted')
      .map((p) => p.participant.id);
  }

  /** A new WebSocket on `/api/online/sessions/<sessionId>/signal?token=…`. */
  async connect(socket: WebSocket, sessionId: string, token: string | undefined) {
    // Messages that arrive while the token is checked wait for it (the browser may speak first).
    const early: Buffer[] = [];
    const hold = (data: Buffer) => early.push(data);
    socket.on('message', hold);
    const found = token ? await participantOfToken(this.db, token, sessionId).catch(() => null) : null;
    socket.off('message', hold);
    if (!found || !found.ok) {
      const refusal = found && !found.ok ? found : { code: CLOSE.notParticipant, reason: 'not a participant' };
      socket.close(refusal.code, refusal.reason);
      return;
    }
    const { participant } = found;
    const room = this.room(sessionId);
    const previous = room.get(participant.id);
    if (previous) {
      room.delete(participant.id);
      previous.socket.close(CLOSE.replaced, 'connected elsewhere');
    }
    if (room.size >= MAX_PARTICIPANTS) {
      socket.close(CLOSE.full, 'room full');
      return;
    }
    const peer: Peer = { participant, socket };
    room.set(participant.id, peer);
    socket.on('message', (data: Buffer) => void this.receive(peer, sessionId, data));
    socket.on('close', () => void this.leave(peer, sessionId));
    await recordPresence(this.db, participant, 'joined').catch((err) => this.log.error({ err }, 'presence not recorded'));
    this.send(socket, {
      type: 'welcome',
      self: { id: participant.id, name: participant.displayName, kind: participant.kind, state: participant.state },
      iceServers: iceServersFor(this.config, participant.id, participant.tokenExpiresAt),
      participants: this.roster(sessionId),
    });
    this.announce(sessionId);
    if (participant.state === 'admitted') this.send(socket, { type: 'peers', ids: this.livePeers(sessionId, participant.id) });
    for (const data of early) await this.receive(peer, sessionId, data);
  }

  private async receive(peer: Peer, sessionId: string, data: Buffer) {
    let message: ClientMessage;
    try {
      if (data.length > MAX_MESSAGE_BYTES) throw new Error('too large');
      message = JSON.parse(data.toString('utf8')) as ClientMessage;
      if (!message || typeof message !== 'object' || typeof message.type !== 'string') throw new Error('no type');
    } catch {
      peer.socket.close(CLOSE.malformed, 'malformed message');
      return;
    }
    const me = peer.participant;
    const room = this.rooms.get(sessionId);
    if (!room) return;
    switch (message.type) {
      case 'ping':
        return this.send(peer.socket, { type: 'pong' });
      case 'signal': {
        // Only admitted participants talk to each other: the waiting room hears nothing of the session.
        const to = typeof message.to === 'string' ? room.get(message.to) : undefined;
        if (me.state !== 'admitted' || !to || to.participant.state !== 'admitted') return;
        return this.send(to.socket, { type: 'signal', from: me.id, data: message.data });
      }
      case 'media':
        return this.broadcast(sessionId, { type: 'media', from: me.id, audioOnly: !!message.audioOnly }, me.id);
      case 'admit':
      case 'mute':
      case 'remove': {
        // The mediator runs the room (人民调解法 Art.22: the mediator conducts the mediation).
        if (me.kind !== 'mediator') return;
        const target = typeof message.participantId === 'string' ? room.get(message.participantId) : undefined;
        if (!target || target.participant.id === me.id) return;
        if (message.type === 'mute') return this.send(target.socket, { type: 'mute' });
        if (message.type === 'admit') {
          if (target.participant.state !== 'waiting') return;
          target.participant = { ...target.participant, state: 'admitted' };
          await recordPresence(this.db, target.participant, 'admitted').catch((err) => this.log.error({ err }, 'presence not recorded'));
          this.send(target.socket, { type: 'admitted' });
          this.send(target.socket, { type: 'peers', ids: this.livePeers(sessionId, target.participant.id) });
          return this.announce(sessionId);
        }
        target.participant = { ...target.participant, state: 'removed' };
        await recordPresence(this.db, target.participant, 'removed').catch((err) => this.log.error({ err }, 'presence not recorded'));
        this.send(target.socket, { type: 'removed' });
        target.socket.close(CLOSE.otherSession, 'removed by the mediator');
        return;
      }
      default:
        return;
    }
  }

  private async leave(peer: Peer, sessionId: string) {
    const room = this.rooms.get(sessionId);
    if (room?.get(peer.participant.id) !== peer) return; // replaced by a newer connection
    room.delete(peer.participant.id);
    if (room.size === 0) this.rooms.delete(sessionId);
    if (peer.participant.state !== 'removed')
      await recordPresence(this.db, peer.participant, 'left').catch((err) => this.log.error({ err }, 'presence not recorded'));
    this.broadcast(sessionId, { type: 'peer-left', id: peer.participant.id });
    this.announce(sessionId);
  }

  /** The mediator ended the session: everyone still connected is told and disconnected. */
  end(sessionId: string) {
    for (const peer of this.rooms.get(sessionId)?.values() ?? []) {
      this.send(peer.socket, { type: 'ended' });
      peer.socket.close(CLOSE.ended, 'session ended');
    }
  }

  closeAll() {
    for (const room of this.rooms.values()) for (const peer of room.values()) peer.socket.close(1001, 'server shutting down');
    this.rooms.clear();
  }
}

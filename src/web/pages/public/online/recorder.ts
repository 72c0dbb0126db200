/**
 * 调解录像 in the mediator's browser (docs/ONLINE-MEDIATION.md): the room's videos drawn side by side on a canvas and
 * every voice mixed, recorded with MediaRecorder as WebM, and uploaded in chunks of a few seconds as it goes
 * (uploadSessionRecording), one after another, each retried — a closed tab loses at most the last chunk.
 */
export class SessionRecorder {
  private recorder: MediaRecorder | null = null;
  private readonly canvas = document.createElement('canvas');
  private audio: AudioContext | null = null;
  private mixed: MediaStreamAudioDestinationNode | null = null;
  private readonly mixedStreams = new Set<string>();
  private drawTimer: ReturnType<typeof setInterval> | null = null;
  private seq = 0;
  private uploads: Promise<void> = Promise.resolve();
  private failed: Error | null = null;
  private recordingId = '';
  uploadedBytes = 0;

  constructor(
    private readonly base: string,
    private readonly videos: () => HTMLVideoElement[],
    private readonly onError: (err: Error) => void,
  ) {
    this.canvas.width = 640;
    this.canvas.height = 480;
  }

  /** Video 600 kbit/s and voice 32 kbit/s: well under a 2 Mbit/s uplink, so uploading keeps up with recording. */
  async start() {
    const mimeType = ['video/webm;codecs=vp8,opus', 'video/webm'].find((t) => MediaRecorder.isTypeSupported(t)) ?? 'video/webm';
    const res = await fetch(`${this.base}/recordings`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mimeType: mimeType.split(';')[0] }),
    });
    const body = await res.json();
    if (!res.ok) throw new Error(body.message ?? String(res.status));
    this.recordingId = body.recordingId;
    this.audio = new AudioContext();
    this.mixed = this.audio.createMediaStreamDestination();
    this.draw();
    this.drawTimer = setInterval(() => this.draw(), 100);
    const stream = new MediaStream([...this.canvas.captureStream(10).getVideoTracks(), ...this.mixed.stream.getAudioTracks()]);
    this.recorder = new MediaRecorder(stream, { mimeType, videoBitsPerSecond: 600_000, audioBitsPerSecond: 32_000 });
    this.recorder.ondataavailable = (e) => {
      if (e.data.size > 0) this.queue(e.data, false);
    };
    this.recorder.start((body.chunkSeconds ?? 2) * 1000);
  }

  /** Stops recording and waits until the last chunk is up (then the platform has the whole file and its digest). */
  async stop(): Promise<void> {
    const recorder = this.recorder;
    if (!recorder) return;
    this.recorder = null;
    await new Promise<void>((resolve) => {
      recorder.onstop = () => resolve();
      recorder.stop();
    });
    if (this.drawTimer) clearInterval(this.drawTimer);
    await this.audio?.close().catch(() => undefined);
    this.queue(new Blob([]), true);
    await this.uploads;
    if (this.failed) throw this.failed;
  }

  get isRecording() {
    return !!this.recorder;
  }

  /** The room's videos in a grid, and any new voice joined into the mix. */
  private draw() {
    const ctx = this.canvas.getContext('2d')!;
    const videos = this.videos();
    const cols = videos.length > 1 ? 2 : 1;
    const rows = Math.ceil(videos.length / cols) || 1;
    const w = this.canvas.width / cols;
    const h = this.canvas.height / rows;
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    videos.forEach((v, i) => {
      if (v.videoWidth) ctx.drawImage(v, (i % cols) * w, Math.floor(i / cols) * h, w, h);
      const stream = v.srcObject as MediaStream | null;
      if (stream && this.audio && this.mixed && !this.mixedStreams.has(stream.id) && stream.getAudioTracks().length) {
        this.mixedStreams.add(stream.id);
        this.audio.createMediaStreamSource(stream).connect(this.mixed);
      }
    });
  }

  private queue(data: Blob, final: boolean) {
    const seq = this.seq++;
    this.uploads = this.uploads.then(async () => {
      if (this.failed) return;
      for (let attempt = 1; ; attempt++) {
        try {
          const res = await fetch(`${this.base}/recordings/${this.recordingId}/chunks/${seq}?final=${final}`, {
            method: 'PUT',
            credentials: 'same-origin',
            headers: { 'content-type': 'application/octet-stream' },
            body: data,
          });
          if (res.ok) {
            this.uploadedBytes += data.size;
            return;
          }
          const body = await res.json().catch(() => ({}));
          // A refusal (consent withdrawn, session ended) is final; the recorder stops.
          if (res.status < 500) throw Object.assign(new Error(body.message ?? String(res.status)), { final: true });
          throw new Error(String(res.status));
        } catch (err) {
          if ((err as { final?: boolean }).final || attempt >= 4) {
            this.failed = err as Error;
            this.recorder?.stop();
            this.recorder = null;
            this.onError(err as Error);
            return;
          }
          await new Promise((r) => setTimeout(r, 500 * attempt));
        }
      }
    });
  }
}

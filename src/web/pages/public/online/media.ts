/**
 * The camera and microphone, asked for once: video at a phone-friendly size; a phone without a camera (or one that
 * refuses it) joins with its microphone only.
 */
export async function openMedia(): Promise<{ stream: MediaStream; audioOnly: boolean }> {
  try {
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: true },
      video: { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 15, max: 24 } },
    });
    return { stream, audioOnly: false };
  } catch {
    return { stream: await navigator.mediaDevices.getUserMedia({ audio: true }), audioOnly: true };
  }
}

import { useEffect, useRef, useState } from 'react';
import SignaturePad from 'signature_pad';
import { useI18n } from '../../../app/i18n.js';
import { Button, LightPage, Notice } from '../../../light/ui.js';
import { useAction } from '../../../light/use-async.js';
import { shanghaiDateTime } from '../../../light/format.js';
import { CodeStep } from './code-step.js';
import {
  readAgreementByLink,
  signAgreementByLink,
  verifyOnlineLink,
  type AgreementByLink as AgreementText,
  type LinkInfo,
} from './service.js';

/** The signature box: a finger's strokes (npm `signature_pad`), sized to the phone's pixels so the lines stay sharp. */
function SignatureBox({ padRef }: { padRef: React.MutableRefObject<SignaturePad | null> }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const el = canvas.current!;
    const ratio = Math.max(window.devicePixelRatio || 1, 1);
    el.width = el.offsetWidth * ratio;
    el.height = el.offsetHeight * ratio;
    el.getContext('2d')!.scale(ratio, ratio);
    const pad = new SignaturePad(el, { penColor: '#000', minWidth: 1.2, maxWidth: 3 });
    padRef.current = pad;
    return () => pad.off();
  }, [padRef]);
  return (
    <canvas
      ref={canvas}
      data-testid="signature-canvas"
      aria-label="签名框"
      style={{ width: '100%', height: 200, border: '2px dashed #999', borderRadius: 8, touchAction: 'none', background: '#fff' }}
    />
  );
}

/**
 * 手机签署: the SMS code, the agreement's full text (the very words whose SHA-256 the signature binds), a signature
 * drawn with a finger and a consent box. A text changed meanwhile is refused and shown again.
 */
export function SignPage({ token, info }: { token: string; info: LinkInfo }) {
  const { t } = useI18n();
  const [ticket, setTicket] = useState<string | null>(null);
  const [agreement, setAgreement] = useState<AgreementText | null>(null);
  const [consent, setConsent] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const pad = useRef<SignaturePad | null>(null);
  const open = async (verificationId: string, code: string) => {
    const v = await verifyOnlineLink(token, { verificationId, code });
    const a = await readAgreementByLink(token, v.ticket);
    setTicket(v.ticket);
    setAgreement(a);
  };
  const sign = useAction((png: string) =>
    signAgreementByLink(token, ticket ?? '', { signaturePng: png, consent: true, textSha256: agreement!.textSha256 }),
  );
  const handleSign = async () => {
    if (!pad.current || pad.current.isEmpty()) return setProblem(t('online.signEmpty'));
    if (!consent) return setProblem(t('online.signConsentMissing'));
    setProblem(null);
    await sign.run(pad.current.toDataURL('image/png'));
  };
  return (
    <LightPage title={t('online.signTitle')}>
      {sign.data ? (
        <Notice kind="success" data-testid="signed">
          {t('online.signed')} {t('online.signedAt', { time: shanghaiDateTime(sign.data.signedAt) })}
        </Notice>
      ) : !agreement ? (
        <CodeStep token={token} info={info} onCode={open} />
      ) : (
        <>
          <section className="fq-card" aria-labelledby="agreement-title">
            <h2 id="agreement-title">{agreement.title}</h2>
            <p className="fq-muted fq-small">{t('online.readFull')}</p>
            <div data-testid="agreement-text" style={{ whiteSpace: 'pre-wrap', lineHeight: 1.8 }}>
              {agreement.text}
            </div>
            <p className="fq-muted fq-small" style={{ wordBreak: 'break-all' }}>
              {t('online.digest', { hash: agreement.textSha256 })}
            </p>
          </section>
          <section className="fq-card" aria-label={t('online.drawHere')}>
            <p>{t('online.drawHere')}</p>
            <SignatureBox padRef={pad} />
            <Button size="small" onClick={() => pad.current?.clear()}>
              {t('online.clear')}
            </Button>
            <label className="fq-choice" style={{ display: 'flex', gap: 8, marginTop: 12 }}>
              <input type="checkbox" checked={consent} onChange={(e) => setConsent(e.target.checked)} data-testid="consent" />
              {t('online.consent')}
            </label>
            {problem && <Notice kind="warning">{problem}</Notice>}
            {sign.error && <Notice kind="error">{sign.error.message}</Notice>}
            <Button kind="primary" block busy={sign.isPending} onClick={() => void handleSign()} data-testid="sign">
              {t('online.sign')}
            </Button>
          </section>
        </>
      )}
    </LightPage>
  );
}

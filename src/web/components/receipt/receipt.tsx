import { shanghaiDate } from '../../../shared/calendar.js';
import './receipt.css';
import { encode } from 'uqr';
import type { PublicReceipt } from '../../../shared/schemas/receipt.js';
import { useI18n } from '../../app/i18n.js';

/** The progress address as a QR code, drawn here (no service outside the platform): one path of dark modules. */
export function QrCode({ text, title }: { text: string; title: string }) {
  const { data, size } = encode(text, { ecc: 'M', border: 2 });
  let d = '';
  data.forEach((row, y) => row.forEach((dark, x) => dark && (d += `M${x} ${y}h1v1h-1z`)));
  return (
    <svg viewBox={`0 0 ${size} ${size}`} role="img" aria-label={title} shapeRendering="crispEdges" data-testid="receipt-qr">
      <rect width={size} height={size} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}

/** 20 characters read and typed back best in groups of four. */
const grouped = (token: string) => token.match(/.{1,4}/g) ?? [token];

/** The Shanghai calendar date of an instant, as the centre counts days. */
const shanghaiDay = (iso: string) => shanghaiDate(new Date(iso));

/**
 * 受理回执 for the resident: who has the matter and how to reach them, the codes (the tracking code large), the
 * progress address as a QR code, and what happens next by when. Printed at the desk and shown on the portal's
 * last step; nothing on it is meant for the clerk.
 */
export function Receipt({ receipt }: { receipt: PublicReceipt }) {
  const { t, label } = useI18n();
  const within = receipt.acceptWithin
    ? t(receipt.acceptWithin.unit === 'working' ? 'receipt.workingDays' : 'receipt.calendarDays', { n: receipt.acceptWithin.days })
    : '';
  return (
    <section className="fq-receipt" aria-labelledby="fq-receipt-title" data-testid="receipt">
      <h2 id="fq-receipt-title">{t('receipt.title')}</h2>
      <p className="fq-receipt-centre">{receipt.centre.name}</p>
      <p className="fq-receipt-contact">
        {receipt.centre.address && <span>{t('receipt.address', { address: receipt.centre.address })}</span>}
        {receipt.centre.address && receipt.centre.phone && ' · '}
        {receipt.centre.phone && <span>{t('receipt.phone', { phone: receipt.centre.phone })}</span>}
      </p>
      <p className="fq-receipt-token-label" id="fq-receipt-token-label">
        {t('receipt.token')}
      </p>
      <p
        className="fq-receipt-token"
        aria-labelledby="fq-receipt-token-label"
        data-testid="receipt-token"
        data-token={receipt.trackingToken}
      >
        {grouped(receipt.trackingToken).map((g, i) => (
          <span key={i}>{g}</span>
        ))}
      </p>
      <div className="fq-receipt-body">
        <div className="fq-receipt-facts">
          <dl>
            <dt>{t('case.code')}</dt>
            <dd data-testid="receipt-code">{receipt.code}</dd>
            <dt>{t('receipt.registeredOn')}</dt>
            <dd>{shanghaiDay(receipt.registeredAt)}</dd>
            <dt>{t('receipt.matter')}</dt>
            <dd>
              {label('kind', receipt.kind)} · {label('category', receipt.category)}
            </dd>
            <dt>{t('progress.handlingUnit')}</dt>
            <dd data-testid="receipt-unit">{receipt.handlingUnit ?? '—'}</dd>
          </dl>
        </div>
        <figure>
          <QrCode text={receipt.progressUrl} title={t('receipt.qr')} />
          <figcaption>
            {t('receipt.qr')}
            <br />
            <span data-testid="receipt-url">{receipt.progressUrl}</span>
          </figcaption>
        </figure>
      </div>
      <div className="fq-receipt-next">
        <h3>{t('receipt.next')}</h3>
        <ol data-testid="receipt-next">
          {receipt.status === 'registered' && receipt.acceptBy && <li>{t('receipt.next.accept', { date: receipt.acceptBy, within })}</li>}
          {receipt.handleBy && <li>{t('receipt.next.handle', { date: receipt.handleBy })}</li>}
          <li>{t('receipt.next.follow')}</li>
          <li>{t('receipt.next.rate')}</li>
        </ol>
      </div>
    </section>
  );
}

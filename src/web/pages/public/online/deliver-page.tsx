import { useState } from 'react';
import type { PublicReceipt } from '../../../../shared/schemas/receipt.js';
import { useI18n } from '../../../app/i18n.js';
import { getPublicReceipt } from '../../../app/services/public.js';
import { Receipt } from '../../../components/receipt/receipt.js';
import { LightPage, Notice } from '../../../light/ui.js';
import { CodeStep } from './code-step.js';
import { openDeliveredDocument, verifyOnlineLink, type DeliveredDocument as Delivered, type LinkInfo } from './service.js';

/**
 * 线上送达 on the phone (`/online/deliver/<token>`): the SMS code, then the document — the agreement's text, the
 * petition opinion, or the receipt as the portal shows it. Opening it is the moment of delivery the case records.
 */
export function DeliverPage({ token, info }: { token: string; info: LinkInfo }) {
  const { t } = useI18n();
  const [doc, setDoc] = useState<Delivered | null>(null);
  const [receipt, setReceipt] = useState<PublicReceipt | null>(null);
  const open = async (verificationId: string, code: string) => {
    const v = await verifyOnlineLink(token, { verificationId, code });
    const d = await openDeliveredDocument(token, v.ticket);
    if (d.trackingToken) setReceipt(await getPublicReceipt(d.trackingToken));
    setDoc(d);
  };
  return (
    <LightPage title={t('online.deliverTitle')}>
      {!doc ? (
        <CodeStep token={token} info={info} onCode={open} submitLabel={t('online.openDocument')} />
      ) : (
        <section className="fq-card" aria-labelledby="doc-title" data-testid="delivered-document">
          <h2 id="doc-title">{doc.title}</h2>
          {receipt ? (
            <Receipt receipt={receipt} />
          ) : (
            doc.paragraphs.map((p, i) => (
              <p key={i} style={{ lineHeight: 1.8 }}>
                {p}
              </p>
            ))
          )}
          <Notice kind="info">{t('online.deliveredNote')}</Notice>
        </section>
      )}
    </LightPage>
  );
}

import { useState } from 'react';
import type { PublicReceipt } from '../../../../shared/schemas/receipt.js';
import { api } from '../../../app/api.js';
import { useI18n } from '../../../app/i18n.js';
import { Receipt } from '../../../components/receipt/receipt.js';
import { LightPage, Notice } from '../../../light/ui.js';
import { CodeStep, type LinkInfo } from './code-step.js';

interface Delivered {
  kind: 'agreement' | 'petition_reply' | 'receipt';
  title: string;
  code: string;
  paragraphs: string[];
  trackingToken: string | null;
}

/**
 * 线上送达 on the phone (`/online/deliver/<token>`): the SMS code, then the document — the agreement's text, the
 * petition opinion, or the receipt as the portal shows it. Opening it is the moment of delivery the case records.
 */
export function DeliverPage({ token, info }: { token: string; info: LinkInfo }) {
  const { t } = useI18n();
  const [doc, setDoc] = useState<Delivered | null>(null);
  const [receipt, setReceipt] = useState<PublicReceipt | null>(null);
  const open = async (verificationId: string, code: string) => {
    const v = await api<{ ticket: string }>(`/api/public/online/links/${token}/verify`, { method: 'POST', json: { verificationId, code } });
    const d = await api<Delivered>(`/api/public/online/links/${token}/document`, { headers: { 'x-link-ticket': v.ticket } });
    if (d.trackingToken) setReceipt(await api<PublicReceipt>(`/api/public/progress/${d.trackingToken}/receipt`));
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

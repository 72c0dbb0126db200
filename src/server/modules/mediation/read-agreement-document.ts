import type { Db } from '../../db/client.js';
import type { PersonalDataCrypto } from '../../lib/personal-data-crypto.js';
import type { Actor } from '../../plugins/auth.js';
import type { AgreementDocument } from './agreement-document.js';
import { loadAgreementForDocument, logDocumentAccess, mediatorNameOf, partiesOf } from './agreements.js';
import { signingEvidence } from './sign-by-link.js';

/**
 * The case's agreement as its DOCX and print page show it: the parties' particulars in full, the signatures drawn on
 * phones and the 签署记录. Making it is a view of personal data, logged first (个人信息保护法 第五十六条).
 */
export async function readAgreementDocument(opts: {
  db: Db;
  crypto: PersonalDataCrypto;
  actor: Actor;
  caseId: string;
  requestId: string;
  ip: string;
}): Promise<AgreementDocument> {
  const { db, crypto, actor } = opts;
  const { row, a } = await loadAgreementForDocument(db, actor, opts.caseId);
  await logDocumentAccess({ db, actor, agreement: a, requestId: opts.requestId, ip: opts.ip });
  const [evidence, parties, mediatorName] = await Promise.all([
    signingEvidence(db, crypto, a),
    partiesOf(db, a, crypto),
    mediatorNameOf(db, a),
  ]);
  return {
    ...evidence,
    code: row.code,
    committeeName: a.committeeName,
    form: a.form,
    parties,
    facts: a.facts,
    disputedMatters: a.disputedMatters,
    responsibilities: a.responsibilities,
    terms: a.terms,
    mediatorName,
    effectiveOn: a.effectiveOn,
    isDraft: a.status === 'draft',
  };
}

import { Tag } from 'antd';
import type { CaseStatus } from '../../shared/case-lifecycle.js';
import type { RiskLevel } from '../../shared/enums.js';
import { useI18n } from '../app/i18n.js';

const STATUS_COLOURS: Record<CaseStatus, string> = {
  registered: 'default',
  accepted: 'blue',
  rejected: 'default',
  dispatched: 'geekblue',
  in_progress: 'processing',
  suspended: 'gold',
  concluded: 'green',
  followed_up: 'cyan',
  escalated: 'orange',
  archived: 'default',
};

export function StatusTag({ status }: { status: CaseStatus }) {
  const { label } = useI18n();
  return (
    <Tag color={STATUS_COLOURS[status]} data-status={status}>
      {label('status', status)}
    </Tag>
  );
}

export function RiskTag({ risk }: { risk: RiskLevel }) {
  const { label } = useI18n();
  return <Tag color={risk === 'high' ? 'red' : risk === 'medium' ? 'orange' : 'default'}>{label('risk', risk)}</Tag>;
}

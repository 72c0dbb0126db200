import { Badge, Card, Col, Empty, List, Row, Segmented, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { useI18n } from '../../../app/i18n.js';
import { useLiveEvents } from '../../../app/live-events.js';
import { PagedCaseTable } from '../../../components/paged-case-table.js';
import { atCentre } from '../../../app/centre-date.js';

/** The dispatcher's board: cases still to be accepted, accepted cases waiting for a lead unit, and live arrivals. */
export function DispatchBoardPage() {
  const { t, label } = useI18n();
  // Opens on the first thing waiting for the dispatcher: new cases to accept, then accepted ones to send on.
  const [status, setStatus] = useState<'accepted' | 'registered'>('registered');
  return (
    <Row gutter={16}>
      {/* Side by side only where the table's columns fit beside the arrivals (1600 px); at 1366–1440 px it is below. */}
      <Col xs={24} xxl={17}>
        <Card
          title={t('dispatch.title')}
          size="small"
          extra={
            <Segmented
              value={status}
              onChange={(v) => setStatus(v as typeof status)}
              options={[
                { value: 'registered', label: label('status', 'registered') },
                { value: 'accepted', label: label('status', 'accepted') },
              ]}
            />
          }
        >
          <PagedCaseTable filters={{ status }} resetKey={status} emptyText="dispatch.empty" />
        </Card>
      </Col>
      <Col xs={24} xxl={7}>
        <LiveArrivals />
      </Col>
    </Row>
  );
}

/** New cases from every door and camera alerts as they arrive (server-sent events), newest first. */
function LiveArrivals() {
  const { t, label } = useI18n();
  const { state, recent } = useLiveEvents();
  return (
    <Card
      size="small"
      title={t('live.title')}
      extra={
        <span data-testid="live-state" data-state={state}>
          <Badge
            status={state === 'open' ? 'success' : state === 'connecting' ? 'processing' : 'default'}
            text={t(`live.state.${state}`)}
          />
        </span>
      }
    >
      {recent.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('live.empty')} />
      ) : (
        <List
          size="small"
          data-testid="live-arrivals"
          dataSource={recent}
          renderItem={(e) => (
            <List.Item key={`${e.type}-${e.caseId}-${e.count ?? 0}`}>
              <List.Item.Meta
                title={
                  <span>
                    {e.type === 'camera.alert' ? (
                      <Tag color="volcano">{t('live.cameraAlert')}</Tag>
                    ) : (
                      <Tag color="blue">{label('channel', e.channel ?? '')}</Tag>
                    )}
                    {e.caseId ? <Link to={`/cases/${e.caseId}`}>{e.summary}</Link> : e.summary}
                  </span>
                }
                description={
                  <Typography.Text type="secondary">
                    {e.code} · {atCentre(e.at).format('HH:mm:ss')}
                    {e.type === 'camera.alert' && (e.count ?? 1) > 1 ? ` · ${t('live.repeats', { count: e.count ?? 1 })}` : ''}
                  </Typography.Text>
                }
              />
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, DatePicker, Select, Space, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { centreDay, centreToday } from '../../app/centre-date.js';
import { useI18n } from '../../app/i18n.js';
import { listCounsellors, readCounsellingDuty, setCounsellingDuty } from './service.js';

/** 值班安排: who is on duty each day of a week (crisis alerts reach them too); supervisors and admins change it. */
export function DutyTab() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  // Weeks start on Monday, as the centre's rota does.
  const monday = (d: Dayjs) => d.subtract((d.day() + 6) % 7, 'day');
  const [week, setWeek] = useState<Dayjs>(() => monday(centreToday()));
  const from = week.format('YYYY-MM-DD');
  const to = week.add(6, 'day').format('YYYY-MM-DD');
  const roster = useQuery({
    queryKey: ['counselling', 'duty', from],
    queryFn: () => readCounsellingDuty(from, to),
  });
  const counsellors = useQuery({
    queryKey: ['counselling', 'counsellors'],
    queryFn: () => listCounsellors(),
  });
  const [editing, setEditing] = useState<Record<string, string[]>>({});
  const save = useMutation({
    mutationFn: (v: { day: string; counsellorIds: string[] }) => setCounsellingDuty(v.day, { counsellorIds: v.counsellorIds }),
    onSuccess: async (_, v) => {
      message.success(t('threeZero.saved'));
      setEditing(({ [v.day]: _done, ...rest }) => rest);
      await queryClient.invalidateQueries({ queryKey: ['counselling', 'duty'] });
    },
  });
  const r = roster.data;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <DatePicker
          picker="week"
          value={week}
          onChange={(v) => v && setWeek(monday(v))}
          allowClear={false}
          aria-label={t('counselling.duty')}
        />
        <Typography.Text type="secondary">{t('counselling.dutyHint')}</Typography.Text>
      </Space>
      {roster.isError && <Alert type="error" showIcon message={(roster.error as Error).message} />}
      <Table
        size="small"
        rowKey="day"
        loading={roster.isLoading}
        dataSource={r?.days ?? []}
        pagination={false}
        data-testid="counselling-duty"
        columns={[
          {
            title: t('counselling.dutyDay'),
            dataIndex: 'day',
            width: 170,
            render: (d: string) => (
              <Space>
                {/* The weekday in the reader's language (dayjs follows the app's locale: 周一 / Mon). */}
                {`${d} ${centreDay(d).format('ddd')}`}
                {d === r?.today && <Tag color="blue">{t('counselling.today')}</Tag>}
              </Space>
            ),
          },
          {
            title: t('counselling.onDuty'),
            render: (_, row) => {
              const editable = !!r?.canEdit && row.day >= r.today;
              if (!editable)
                return row.counsellors.length ? (
                  row.counsellors.map((c) => <Tag key={c.id}>{c.name}</Tag>)
                ) : (
                  <Typography.Text type="secondary">{t('counselling.nobodyOnDuty')}</Typography.Text>
                );
              const value = editing[row.day] ?? row.counsellors.map((c) => c.id);
              const changed = editing[row.day] !== undefined;
              return (
                <Space wrap>
                  <Select
                    mode="multiple"
                    style={{ minWidth: 260 }}
                    value={value}
                    placeholder={t('counselling.nobodyOnDuty')}
                    options={(counsellors.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
                    onChange={(ids: string[]) => setEditing((e) => ({ ...e, [row.day]: ids }))}
                    aria-label={`${row.day} ${t('counselling.onDuty')}`}
                  />
                  <Button
                    size="small"
                    type="primary"
                    disabled={!changed}
                    loading={save.isPending && save.variables?.day === row.day}
                    onClick={() => save.mutate({ day: row.day, counsellorIds: value })}
                  >
                    {t('common.save')}
                  </Button>
                </Space>
              );
            },
          },
        ]}
      />
      {save.isError && <Alert type="error" showIcon message={(save.error as Error).message} />}
    </Space>
  );
}

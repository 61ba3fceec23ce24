import { useId, useMemo } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceDot, ReferenceLine, XAxis, YAxis } from 'recharts';
import type { BridgeError, ReadingSeries } from '../../../../preload/contract';
import { formatReading, readingsChartModel } from '../../detail/readings-chart-model';
import { formatDateTime } from '../../format/time';
import { usePlatformTimeZone } from '../../format/use-platform-time-zone';
import { useTranslate } from '../../i18n/use-translate';
import './detail.css';

export interface ReadingsChartProps {
  readings: ReadingSeries | null;
  loading: boolean;
  error: BridgeError | null;
}

const levelColour = (level: string): string => `var(--level-${level})`;
const hourMinute = (ms: number, timeZone: string): string => formatDateTime(ms, timeZone).slice(11, 16);

/**
 * The alert's readings against its thresholds: the samples as a line, the crossed threshold (and the levels
 * around it) as reference lines in their level's colour, the time axis in the platform's zone. Screen readers get
 * the same facts as a sentence and a table of the samples.
 */
export function ReadingsChart({ readings, loading, error }: ReadingsChartProps) {
  const t = useTranslate();
  const timeZone = usePlatformTimeZone();
  const captionId = useId();
  const model = useMemo(() => (readings ? readingsChartModel(readings) : null), [readings]);

  if (readings === null || model === null) {
    if (error) {
      return (
        <p className="detail-note detail-error" role="status">
          {t('chart.failed', { reason: t(`error.${error.code}`) })}
        </p>
      );
    }
    return <p className="detail-note">{loading ? t('chart.loading') : t('pane.none')}</p>;
  }

  const levelName = t(`pane.level.${readings.level}`);
  const at = (ms: number) => formatDateTime(ms, timeZone);
  const summary = t('chart.summaryText', {
    element: readings.elementName,
    exceededAt: at(model.exceededAtMs),
    level: levelName,
    threshold: formatReading(readings.threshold),
    unit: readings.unit,
    peak: formatReading(readings.peak),
    latest: formatReading(readings.latest),
    count: readings.samplesBeyondThreshold,
  });
  const first = model.points[0];
  const last = model.points.at(-1);
  const samplesText =
    first && last
      ? t('chart.samplesText', { samples: model.points.length, from: at(first.t), to: at(last.t) })
      : '';
  const source =
    readings.source === 'central'
      ? t('chart.source.central', { time: readings.fetchedAt ? at(Date.parse(readings.fetchedAt)) : '' })
      : readings.source === 'cache'
        ? t('chart.source.cache', { time: readings.fetchedAt ? at(Date.parse(readings.fetchedAt)) : '' })
        : t('chart.source.summary');

  return (
    <figure
      className="readings-chart"
      data-testid="readings-chart"
      data-source={readings.source}
      aria-describedby={captionId}
    >
      <div className="readings-chart-title">
        {t('chart.title', { element: readings.elementName, unit: readings.unit })}
      </div>
      {/* The drawing is for the eye; its content is in the caption and the table below. */}
      <div className="readings-chart-plot" role="img" aria-label={summary}>
        <LineChart
          responsive
          style={{ width: '100%', height: 220 }}
          data={model.points}
          margin={{ top: 16, right: 16, bottom: 4, left: 4 }}
          accessibilityLayer={false}
        >
          <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={model.xDomain}
            allowDataOverflow
            tickFormatter={(value: number) => hourMinute(value, timeZone)}
            stroke="var(--text-muted)"
            tick={{ fill: 'var(--text-muted)', fontSize: 12 }}
          />
          <YAxis
            type="number"
            domain={model.yDomain}
            ticks={model.yTicks}
            allowDataOverflow
            width={56}
            tickFormatter={(value: number) => formatReading(value)}
            stroke="var(--text-muted)"
            tick={{ fill: 'var(--text-muted)', fontSize: 12 }}
          />
          {model.thresholds.map((line) => (
            <ReferenceLine
              key={line.level}
              y={line.value}
              className={`threshold-line threshold-${line.level}${line.crossed ? ' threshold-crossed' : ''}`}
              stroke={levelColour(line.level)}
              strokeWidth={line.crossed ? 2 : 1}
              strokeDasharray={line.crossed ? undefined : '6 4'}
              label={{
                value: t('chart.threshold', {
                  level: t(`pane.level.${line.level}`),
                  value: formatReading(line.value),
                }),
                position: 'insideTopLeft',
                fill: levelColour(line.level),
                fontSize: 12,
              }}
            />
          ))}
          <ReferenceLine
            x={model.exceededAtMs}
            stroke="var(--text-muted)"
            strokeDasharray="2 4"
            label={{
              value: t('chart.exceededAt'),
              position: 'insideTopRight',
              fill: 'var(--text-muted)',
              fontSize: 12,
            }}
          />
          {model.summaryLines.map((line) => (
            <ReferenceLine
              key={line.kind}
              y={line.value}
              className={`summary-line summary-${line.kind}`}
              stroke="var(--accent)"
              strokeDasharray="4 4"
              label={{
                value: t(line.kind === 'peak' ? 'chart.peak' : 'chart.latest', {
                  value: formatReading(line.value),
                }),
                position: 'insideBottomRight',
                fill: 'var(--accent)',
                fontSize: 12,
              }}
            />
          ))}
          {model.points.length === 0 && (
            <ReferenceDot
              x={model.exceededAtMs}
              y={readings.threshold}
              r={5}
              fill={levelColour(readings.level)}
              stroke="var(--surface)"
            />
          )}
          {model.points.length > 0 && (
            <Line
              type="monotone"
              dataKey="value"
              name={t('chart.value')}
              stroke="var(--accent)"
              strokeWidth={2}
              dot={false}
              isAnimationActive={false}
            />
          )}
        </LineChart>
      </div>
      <figcaption id={captionId} className="readings-chart-caption">
        <span className={`readings-source readings-source-${readings.source}`} data-testid="readings-source">
          {source}
          {readings.unavailable && `（${t(`chart.unavailable.${readings.unavailable.reason}`)}）`}
        </span>
        <span className="readings-summary">
          {summary} {samplesText}
        </span>
      </figcaption>
      {model.points.length > 0 && (
        <table className="visually-hidden">
          <caption>{t('chart.tableCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('chart.at')}</th>
              <th scope="col">{t('chart.value')}</th>
            </tr>
          </thead>
          <tbody>
            {model.points.map((point) => (
              <tr key={point.t}>
                <td>{at(point.t)}</td>
                <td>
                  {formatReading(point.value)}
                  {readings.unit}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </figure>
  );
}

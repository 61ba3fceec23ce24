import { AlarmCentre } from './AlarmCentre';
import './alarms.css';
import { SyncProgress } from './SyncProgress';

/**
 * The frame's row between the notices and the workspace: the alarm strip and the initial sync's progress. One
 * element always, empty when there is nothing to show, so the frame's grid keeps its rows (see alarms.css).
 */
export function AlarmsLayer() {
  return (
    <div className="alarms-layer">
      <AlarmCentre />
      <SyncProgress />
    </div>
  );
}

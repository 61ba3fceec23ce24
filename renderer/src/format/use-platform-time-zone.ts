import { useAppStore } from '../store/store-context';
import { usableTimeZone } from './time';

/** The zone every time is shown in: the platform's, whatever the machine's zone. */
export function usePlatformTimeZone(): string {
  return useAppStore((state) => usableTimeZone(state.appInfo?.platformTimeZone));
}
